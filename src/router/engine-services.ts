import type { EngineServices, IdentityServices, OwnDataServices, TicketView } from '../engine/actions/types.ts';
import type { Lang } from '../engine/session.ts';
import type { Directory } from '../identity/directory.ts';
import { normaliseEmail, normaliseMobile } from '../identity/directory.ts';
import type { OtpService } from '../identity/otp.ts';
import { DECOY_PRINCIPAL } from '../engine/actions/types.ts';
import type { AfterCommitJob } from './after-commit.ts';
import type { Profile, RequestKind } from '../profile/schema.ts';
import { REQUEST_KINDS } from '../profile/schema.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { TicketService } from '../tickets/service.ts';
import { planErasure } from '../citizen-data/erasure.ts';
import { newLink } from '../citizen-data/links.ts';

/** What the host lends the engine, bound per message to its unit of work. */
export interface HostServices {
  tickets: TicketService;
  profile: Profile;
  /** Version and SHA-256 of the consent notice text in each language, computed at start-up. */
  consentNotices: Record<Lang, { version: string; hash: string }>;
  otp: OtpService;
  directory: Directory;
  /** The kinds of address the configured code sender can reach. */
  codeChannels: ReadonlyArray<'sms' | 'email'>;
  /** Where the desk serves citizens' download links (DESK_PUBLIC_URL); absent when no desk runs. */
  exportLinks?: { publicUrl: string } | undefined;
}

const DAY_MS = 86_400_000;
const DECOY_TTL_MS = 3_600_000;
const decoyKey = (conversationKey: string) => `otp:decoy:${conversationKey}`;
const HOUR_MS = 3_600_000;

/**
 * The engine's ports for one message. One-time codes to send are pushed onto `afterCommit`; the
 * router sends them once the unit of work has committed, so no code is ever written anywhere.
 *
 * A class, not an object literal of closures: built for every message, the literal allocated
 * seventeen closures that most messages never call; the methods now live on the prototype, and
 * the identity and own-data ports are built the first time a message uses them.
 */
export function engineServices(uow: UnitOfWork, conversationKey: string, now: Date, host: HostServices, afterCommit: AfterCommitJob[]): EngineServices {
  return new MessageServices(uow, conversationKey, now, host, afterCommit);
}

class MessageServices implements EngineServices {
  private identityPorts: IdentityServices | undefined;
  private ownDataPorts: OwnDataServices | undefined;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly conversationKey: string,
    private readonly now: Date,
    private readonly host: HostServices,
    private readonly afterCommit: AfterCommitJob[],
  ) {}

  nextTicketNumber(prefix: string, year: number): Promise<number> {
    return this.uow.tickets.nextNumber(prefix, year);
  }

  async findOwnTicket(number: string): Promise<TicketView | undefined> {
    const { uow, host, now } = this;
    const t = await uow.tickets.byNumber(number);
    if (!t || t.conversation_key !== this.conversationKey) return undefined;
    // Live, not the stored due time: while the ticket awaits the citizen its deadline moves daily.
    const dueAt = host.tickets.clockOf(t, now).dueAt;
    const department = host.tickets.departments.declared ? { department: host.tickets.departmentOf(t).name } : {};
    return { number: t.number, kind: t.kind, status: t.status, createdAt: t.created_at, dueAt, fields: JSON.parse(t.fields) as Record<string, unknown>, ...department };
  }

  dueFor(kind: string, receivedAt: Date, department?: string): Date {
    return this.host.tickets.dueFor(kind, receivedAt, department);
  }

  departmentFor(kind: string, fields: Record<string, unknown>): { id: string; name: { en: string; hi: string } } | undefined {
    if (!this.host.tickets.departments.declared) return undefined;
    const d = this.host.tickets.departments.route(kind, fields);
    return { id: d.id, name: d.name };
  }

  consentNotice(lang: Lang): { version: string; hash: string } {
    return this.host.consentNotices[lang];
  }

  childrenPossible(): boolean {
    return this.host.profile.law.children.possible;
  }

  coolingOffUntil(at: Date): Date {
    return new Date(at.getTime() + this.host.profile.erasure.coolingOffDays * DAY_MS);
  }

  requiredLevel(request: string): 'none' | 'channel' | 'otp' {
    return (REQUEST_KINDS as readonly string[]).includes(request) ? this.host.profile.verification[request as RequestKind] : 'otp';
  }

  get identity(): IdentityServices {
    return (this.identityPorts ??= identityPorts(this.uow, this.conversationKey, this.now, this.host, this.afterCommit));
  }

  get ownData(): OwnDataServices {
    return (this.ownDataPorts ??= ownDataPorts(this.uow, this.conversationKey, this.now, this.host));
  }
}

function identityPorts(uow: UnitOfWork, conversationKey: string, now: Date, host: HostServices, afterCommit: AfterCommitJob[]): IdentityServices {
  return {
    find: async (q) => {
      const r = await host.directory.find(uow, q);
      if (r.status !== 'found') return { status: r.status };
      // The code goes to the kind of address the citizen named, as held on file (never as
      // typed); otherwise to the other kind, if the organisation can send to it.
      const named: 'sms' | 'email' = q.email ? 'email' : 'sms';
      const has = (via: 'sms' | 'email') => (via === 'sms' ? r.principal.mobile : r.principal.email) !== null && host.codeChannels.includes(via);
      const via = has(named) ? named : has(named === 'sms' ? 'email' : 'sms') ? (named === 'sms' ? 'email' : 'sms') : null;
      return { status: 'found', principalId: r.principal.id, via };
    },
    decoy: async (q) => {
      const via: 'sms' | 'email' = q.email ? 'email' : 'sms';
      const address = via === 'email' ? normaliseEmail(q.email ?? '') : normaliseMobile(q.mobile ?? '');
      if (!address) return undefined;
      // Kept only while a code could be asked for; the counters themselves hold only a hash.
      await uow.ephemeral.set(decoyKey(conversationKey), { via, address }, DECOY_TTL_MS);
      return { principalId: DECOY_PRINCIPAL, via };
    },
    startChallenge: async (principalId, via, lang) => {
      if (principalId === DECOY_PRINCIPAL) {
        const d = await uow.ephemeral.get<{ via?: unknown; address?: unknown }>(decoyKey(conversationKey));
        if (d?.via !== via || typeof d.address !== 'string') return { status: 'no_destination' };
        return (await host.otp.start(uow, conversationKey, { via, address: d.address }, lang, now, { decoy: true })).result;
      }
      const p = await uow.principals.byId(principalId);
      const address = via === 'sms' ? p?.mobile : p?.email;
      if (!address) return { status: 'no_destination' };
      const { result, dispatch } = await host.otp.start(uow, conversationKey, { via, address }, lang, now, { principalId });
      if (dispatch) afterCommit.push({ kind: 'send_code', conversationKey, dispatch });
      return result;
    },
    checkCode: (code) => host.otp.check(uow, conversationKey, code, now),
  };
}

function ownDataPorts(uow: UnitOfWork, conversationKey: string, now: Date, host: HostServices): OwnDataServices {
  return {
    newExport: () => {
      if (!host.exportLinks) return undefined;
      const hours = host.profile.exports.linkHours;
      const { url, tokenHash } = newLink(host.exportLinks.publicUrl);
      return { url, tokenHash, expiresAt: new Date(now.getTime() + hours * HOUR_MS).toISOString(), hours };
    },
    erasurePlan: () => planErasure(uow, conversationKey, now, host.profile),
  };
}
