import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { DataExportsTable } from '../storage/schema.ts';

export type ExportRow = Omit<DataExportsTable, 'id'> & { id: number };
export interface RatingView {
  ticket_number: string;
  rating: number;
  comment: string | null;
  at: string;
}

const count = sql<number>`count(*)`.as('n');

/**
 * The citizen's own data: export links, ratings, and what erasing a conversation touches. Compiled
 * once per dialect and run with `uow.exec` (see `featureQueries`).
 */
export const ownDataQueries = featureQueries((db) => ({
  insertExport: prepare<Omit<DataExportsTable, 'id' | 'downloaded_at'>, never>((p) =>
    db.insertInto('data_exports').values({
      token_hash: p.token_hash, conversation_key: p.conversation_key, lang: p.lang, created_at: p.created_at, expires_at: p.expires_at,
    })),
  exportByHash: prepare<{ token_hash: string }, ExportRow>((p) => db.selectFrom('data_exports').selectAll().where('token_hash', '=', p.token_hash)),
  markDownloaded: prepare<{ id: number; at: string }, never>((p) => db.updateTable('data_exports').set({ downloaded_at: p.at }).where('id', '=', p.id)),
  /** Links not yet expired end now; the rows stay for the purge. */
  endExports: prepare<{ conversation_key: string; now: string }, never>((p) =>
    db.updateTable('data_exports').set({ expires_at: p.now }).where('conversation_key', '=', p.conversation_key).where('expires_at', '>', p.now)),
  liveExports: prepare<{ conversation_key: string; now: string }, { n: number }>((p) =>
    db.selectFrom('data_exports').select(count).where('conversation_key', '=', p.conversation_key).where('expires_at', '>', p.now)),

  /** One rating per ticket: a later one (after an appeal was answered again) replaces it. */
  upsertRating: prepare<{ ticket_id: number; conversation_key: string; rating: number; comment: string | null; at: string }, never>((p) =>
    db.insertInto('ratings').values({ ticket_id: p.ticket_id, conversation_key: p.conversation_key, rating: p.rating, comment: p.comment, at: p.at })
      .onConflict((oc) => oc.column('ticket_id').doUpdateSet({
        rating: (eb) => eb.ref('excluded.rating'), comment: (eb) => eb.ref('excluded.comment'), at: (eb) => eb.ref('excluded.at'),
      }))),
  ratingsOf: prepare<{ conversation_key: string }, RatingView>((p) =>
    db.selectFrom('ratings').innerJoin('tickets', 'tickets.id', 'ratings.ticket_id')
      .select(['tickets.number as ticket_number', 'ratings.rating', 'ratings.comment', 'ratings.at'])
      .where('ratings.conversation_key', '=', p.conversation_key).orderBy('ratings.id')),

  countTranscript: prepare<{ conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('transcripts').select(count).where('conversation_key', '=', p.conversation_key)),
  countVerifications: prepare<{ conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('verifications').select(count).where('conversation_key', '=', p.conversation_key)),
  countRatings: prepare<{ conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('ratings').select(count).where('conversation_key', '=', p.conversation_key)),
  countEndedNominations: prepare<{ conversation_key: string }, { n: number }>((p) =>
    db.selectFrom('nominations').select(count).where('conversation_key', '=', p.conversation_key).where('status', '<>', 'active')),

  deleteTranscript: prepare<{ conversation_key: string }, never>((p) => db.deleteFrom('transcripts').where('conversation_key', '=', p.conversation_key)),
  deleteVerifications: prepare<{ conversation_key: string }, never>((p) => db.deleteFrom('verifications').where('conversation_key', '=', p.conversation_key)),
  deleteRatings: prepare<{ conversation_key: string }, never>((p) => db.deleteFrom('ratings').where('conversation_key', '=', p.conversation_key)),
  deleteEndedNominations: prepare<{ conversation_key: string }, never>((p) =>
    db.deleteFrom('nominations').where('conversation_key', '=', p.conversation_key).where('status', '<>', 'active')),
  setTicketFields: prepare<{ id: number; fields: string }, never>((p) => db.updateTable('tickets').set({ fields: p.fields }).where('id', '=', p.id)),
  /** The citizen's own words in a ticket's history (answers to an officer's question). */
  eraseCitizenReplies: prepare<{ ticket_id: number; data: string }, never>((p) =>
    db.updateTable('ticket_events').set({ data: p.data }).where('ticket_id', '=', p.ticket_id).where('kind', '=', 'citizen_reply')),
}));
