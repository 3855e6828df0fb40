import { appendAudit } from '../audit/audit-log.ts';
import { departmentAccess } from '../departments/access.ts';
import type { Departments } from '../departments/departments.ts';
import { canActOnTicketIn, canSeeTicketIn, type DeskUser } from '../desk/access.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { EvidenceFilesTable } from '../storage/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { checkEvidence, type CheckedFile } from './checks.ts';
import { sha256Of, type FileStore } from './file-store.ts';

export type EvidenceRow = Omit<EvidenceFilesTable, 'id'> & { id: number };

export const evidenceQueries = featureQueries((db) => ({
  /** Nothing returned: a file with this idempotency key exists (on PostgreSQL, after waiting for its writer). */
  insert: prepare<Omit<EvidenceFilesTable, 'id'>, { id: number }>((p) =>
    db.insertInto('evidence_files').values({
      conversation_key: p.conversation_key, ticket_id: p.ticket_id, sha256: p.sha256, mime: p.mime, size: p.size,
      added_by: p.added_by, channel: p.channel, message_id: p.message_id, created_at: p.created_at, idempotency_key: p.idempotency_key,
    }).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id')),
  byIdempotencyKey: prepare<{ key: string }, EvidenceRow>((p) => db.selectFrom('evidence_files').selectAll().where('idempotency_key', '=', p.key)),
  /** The ticket's files, and those its conversation sent before any ticket was open (while the grievance was being written). */
  ofTicket: prepare<{ ticket_id: number; key: string }, EvidenceRow>((p) =>
    db.selectFrom('evidence_files').selectAll()
      .where((eb) => eb.or([eb('ticket_id', '=', p.ticket_id), eb.and([eb('ticket_id', 'is', null), eb('conversation_key', '=', p.key)])]))
      .orderBy('id')),
  ofConversation: prepare<{ key: string }, EvidenceRow>((p) => db.selectFrom('evidence_files').selectAll().where('conversation_key', '=', p.key).orderBy('id')),
  byId: prepare<{ id: number }, EvidenceRow>((p) => db.selectFrom('evidence_files').selectAll().where('id', '=', p.id)),
  deleteOfConversation: prepare<{ key: string }, never>((p) => db.deleteFrom('evidence_files').where('conversation_key', '=', p.key)),
}));

export interface EvidenceDeps {
  store: Store;
  files: FileStore;
  /** Profile `files.maxBytes`. */
  maxBytes: number;
  clock: () => Date;
  departments: Departments;
}

const forbidden = (message: string) => new AppError(ERROR_CODES.DESK_FORBIDDEN, message);

/**
 * Evidence files: checked by content and size, kept by content in the `FileStore`, recorded in
 * `evidence_files` against the conversation and (when there is one) the ticket. Officers list
 * and download them from the ticket they may see, each download audited; an officer who may act
 * on a ticket attaches one to it.
 */
export class EvidenceFiles {
  constructor(private readonly deps: EvidenceDeps) {}

  /**
   * A citizen's (or an officer's) file, stored in one unit of work with its record. `checked`:
   * what `checkEvidence` found in these bytes, when the caller checked them already (outside the
   * unit of work: the check reads the whole file and is not repeated); otherwise checked here.
   */
  async add(
    input: { conversationKey: string; ticketId: number | null; bytes: Uint8Array; addedBy: string; channel: string; messageId: string | null; checked?: CheckedFile },
    uow?: UnitOfWork,
  ): Promise<EvidenceRow> {
    const checked = input.checked ?? (await checkEvidence(input.bytes, this.deps.maxBytes));
    const work = async (u: UnitOfWork) => {
      const row = await this.record(u, input, checked, null);
      if (!row) throw new Error('a file without an idempotency key was not inserted');
      return row;
    };
    return uow ? work(uow) : this.deps.store.transaction(work);
  }

  /** Stores the bytes and inserts the record; undefined when `key` is already taken (nothing inserted). */
  private async record(
    u: UnitOfWork, input: { conversationKey: string; ticketId: number | null; bytes: Uint8Array; addedBy: string; channel: string; messageId: string | null },
    checked: CheckedFile, key: string | null,
  ): Promise<EvidenceRow | undefined> {
    const { sha256 } = await this.deps.files.put(input.bytes, u);
    const row: Omit<EvidenceFilesTable, 'id'> = {
      conversation_key: input.conversationKey, ticket_id: input.ticketId, sha256, mime: checked.mime, size: checked.size,
      added_by: input.addedBy, channel: input.channel, message_id: input.messageId, created_at: this.deps.clock().toISOString(), idempotency_key: key,
    };
    const [inserted] = await u.exec.all(evidenceQueries(u.dialect).insert, row);
    return inserted ? { ...row, id: Number(inserted.id) } : undefined;
  }

  /** The files of a ticket the officer may see (its page already audits the view). */
  async ofTicket(user: DeskUser, number: string): Promise<EvidenceRow[]> {
    return this.deps.store.transaction(async (uow) => {
      const t = await this.visible(uow, user, number);
      return uow.exec.all(evidenceQueries(uow.dialect).ofTicket, { ticket_id: t.id, key: t.conversation_key });
    });
  }

  /** One file's bytes, for an officer who may see its ticket; audited. */
  async download(user: DeskUser, number: string, id: number): Promise<{ row: EvidenceRow; bytes: Buffer }> {
    return this.deps.store.transaction(async (uow) => {
      const t = await this.visible(uow, user, number);
      const row = (await uow.exec.all(evidenceQueries(uow.dialect).byId, { id }))[0];
      const ofThisTicket = row && (row.ticket_id === null ? row.conversation_key === t.conversation_key : Number(row.ticket_id) === t.id);
      if (!row || !ofThisTicket) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `Ticket ${number} has no file ${id}.`);
      const bytes = await this.deps.files.get(row.sha256, uow);
      if (!bytes) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `The bytes of file ${id} of ticket ${number} are missing from the file store.`);
      await appendAudit(uow, { actor: `officer:${user.id}`, action: 'ticket.file_download', subject: `ticket:${t.number}`, detail: { file: id, mime: row.mime, size: Number(row.size) }, at: this.deps.clock() });
      return { row, bytes };
    });
  }

  /**
   * An officer attaches a file to a ticket they may act on (the API); audited. With
   * `idempotencyKey` (the request's Idempotency-Key), a retried request attaches nothing more
   * and gets the first one's file, `fresh: false`.
   */
  async attach(user: DeskUser, number: string, bytes: Uint8Array, idempotencyKey?: string): Promise<{ row: EvidenceRow; fresh: boolean }> {
    const checked = await this.check(bytes);
    return this.deps.store.transaction((uow) => this.attachIn(uow, user, number, { bytes, checked }, idempotencyKey));
  }

  /** The checks a file must pass, run before (outside) the unit of work that stores it. */
  check(bytes: Uint8Array): Promise<CheckedFile> {
    return checkEvidence(bytes, this.deps.maxBytes);
  }

  /**
   * `attach` in the caller's unit of work, with the file already checked. With `idempotencyKey`
   * (the desk form's token), a second call with the same key attaches nothing and returns the
   * file the first attached, `fresh: false`, so the caller does not repeat what came with it.
   *
   * @throws AppError TICKET_NOT_FOUND, DESK_FORBIDDEN; DESK_INPUT when the key was used for another ticket
   */
  async attachIn(uow: UnitOfWork, user: DeskUser, number: string, file: { bytes: Uint8Array; checked: CheckedFile }, idempotencyKey?: string): Promise<{ row: EvidenceRow; fresh: boolean }> {
    const t = await uow.tickets.byNumber(number);
    if (!t) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no ticket ${number}.`);
    const access = await departmentAccess(uow, this.deps.departments, user);
    if (!canActOnTicketIn(user, t, access)) throw forbidden('You may not act on this ticket.');
    const earlier = async () => {
      if (!idempotencyKey) return undefined;
      const row = (await uow.exec.all(evidenceQueries(uow.dialect).byIdempotencyKey, { key: idempotencyKey }))[0];
      if (row && Number(row.ticket_id) !== t.id) {
        throw new AppError(ERROR_CODES.DESK_INPUT, 'error.form_other_ticket');
      }
      // The same key with another file is not a retry: the second file must not vanish unsaid.
      if (row && row.sha256 !== sha256Of(file.bytes)) throw new AppError(ERROR_CODES.DESK_INPUT, 'error.form_other_file');
      return row && { row: { ...row, id: Number(row.id), size: Number(row.size) }, fresh: false };
    };
    const before = await earlier();
    if (before) return before;
    const row = await this.record(uow, { conversationKey: t.conversation_key, ticketId: t.id, bytes: file.bytes, addedBy: `officer:${user.id}`, channel: 'desk', messageId: null }, file.checked, idempotencyKey ?? null);
    // Not inserted: the same submission, on another instance, committed it meanwhile.
    if (!row) {
      const after = await earlier();
      if (!after) throw new Error('an evidence file with this idempotency key was neither inserted nor found');
      return after;
    }
    await appendAudit(uow, { actor: `officer:${user.id}`, action: 'ticket.file_attach', subject: `ticket:${t.number}`, detail: { file: row.id, mime: row.mime, size: row.size }, at: this.deps.clock() });
    return { row, fresh: true };
  }

  /** A file's bytes, in the caller's unit of work (the citizen's own-data export). */
  bytesOf(uow: UnitOfWork, sha256: string): Promise<Buffer | undefined> {
    return this.deps.files.get(sha256, uow);
  }

  /** Bytes nothing refers to any more, after an erasure or a purge: a job of the scheduler. */
  sweep(): Promise<number> {
    return this.deps.files.sweep(this.deps.store);
  }

  /** The citizen's own files (their copy of their data): metadata and bytes. */
  async ofConversation(uow: UnitOfWork, conversationKey: string): Promise<Array<EvidenceRow & { bytes: Buffer | undefined }>> {
    const rows = await uow.exec.all(evidenceQueries(uow.dialect).ofConversation, { key: conversationKey });
    const out: Array<EvidenceRow & { bytes: Buffer | undefined }> = [];
    for (const r of rows) out.push({ ...r, bytes: await this.deps.files.get(r.sha256, uow) });
    return out;
  }

  /**
   * Erasure: the conversation's files go. Their bytes go with the next `sweep`, once nothing else
   * refers to them: never inside this unit of work, whose commit could still fail.
   */
  async erase(uow: UnitOfWork, conversationKey: string): Promise<number> {
    const q = evidenceQueries(uow.dialect);
    const n = (await uow.exec.all(q.ofConversation, { key: conversationKey })).length;
    await uow.exec.run(q.deleteOfConversation, { key: conversationKey });
    return n;
  }

  private async visible(uow: UnitOfWork, user: DeskUser, number: string) {
    const t = await uow.tickets.byNumber(number);
    if (!t) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no ticket ${number}.`);
    if (!canSeeTicketIn(user, t, await departmentAccess(uow, this.deps.departments, user))) throw forbidden('This ticket is not in your queue.');
    return t;
  }
}
