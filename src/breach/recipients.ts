import { CHAT_CHANNELS, conversationKeysOfMobile } from '../channels/by-number.ts';
import { normaliseEmail, normaliseMobile } from '../identity/directory.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { breachQueries } from './queries.ts';

/** Conversation keys may be pasted as they are (`telegram:12345`), on any channel there is. */
const CONVERSATION_KEY = new RegExp(`^(${CHAT_CHANNELS.join('|')}):\\S+$`);
const HEADER_WORDS = new Set(['identifier', 'external_ref', 'mobile', 'email', 'conversation', 'conversation_key', 'ref']);
/** One paste is at most this many lines: a larger list is split into several pastes. */
export const MAX_IDENTIFIERS = 100_000;

export type Identifier =
  | { kind: 'conversation'; value: string }
  | { kind: 'mobile'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'ref'; value: string };

/**
 * The identifiers in a pasted CSV or list: one per line (or per comma or semicolon), each a
 * conversation key, a mobile number, an email address or the organisation's own reference. A
 * header line is skipped; duplicates are dropped.
 */
export function parseIdentifiers(text: string): Identifier[] {
  const seen = new Set<string>();
  const out: Identifier[] = [];
  for (const cell of text.split(/[\r\n,;\t]+/)) {
    const raw = cell.trim().replace(/^"(.*)"$/, '$1').trim();
    if (raw === '' || HEADER_WORDS.has(raw.toLowerCase())) continue;
    const id = classify(raw);
    const key = `${id.kind}:${id.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(id);
  }
  return out;
}

function classify(raw: string): Identifier {
  if (CONVERSATION_KEY.test(raw)) return { kind: 'conversation', value: raw };
  if (raw.includes('@')) {
    const email = normaliseEmail(raw);
    if (email) return { kind: 'email', value: email };
  }
  if (/^[+\d\s\-()०-९]{8,}$/.test(raw)) {
    const mobile = normaliseMobile(raw);
    if (mobile) return { kind: 'mobile', value: mobile };
  }
  return { kind: 'ref', value: raw };
}

export interface Resolved {
  identifier: string;
  /** The conversations this identifier leads to (none: the person cannot be told in a chat). */
  conversations: string[];
  /** Why none: nobody on file, or on file but never wrote to us. */
  reason?: 'not_found' | 'no_channel';
}

/**
 * The conversations an identifier leads to: the conversation itself; for a principal on file
 * (by reference, mobile or email) every conversation that proved to be theirs; for a mobile,
 * also the chats the channels name by that number (WhatsApp) if they wrote to us from one.
 */
export async function resolveIdentifier(uow: UnitOfWork, id: Identifier): Promise<Resolved> {
  const q = breachQueries(uow.dialect);
  const identifier = `${id.kind}:${id.value}`;
  const spoke = async (key: string) => ((await uow.exec.all(q.spoke, { key }))[0]?.n ?? 0) > 0;
  if (id.kind === 'conversation') return (await spoke(id.value)) ? { identifier, conversations: [id.value] } : { identifier, conversations: [], reason: 'not_found' };
  const principals =
    id.kind === 'ref' ? await uow.exec.all(q.principalByRef, { v: id.value })
      : id.kind === 'mobile' ? await uow.exec.all(q.principalsByMobile, { v: id.value })
        : await uow.exec.all(q.principalsByEmail, { v: id.value });
  const keys = new Set<string>();
  for (const p of principals) for (const c of await uow.exec.all(q.conversationsOf, { principal_id: p.id })) keys.add(c.conversation_key);
  if (id.kind === 'mobile') {
    for (const key of conversationKeysOfMobile(id.value)) if (await spoke(key)) keys.add(key);
  }
  if (keys.size > 0) return { identifier, conversations: [...keys].sort() };
  return { identifier, conversations: [], reason: principals.length > 0 ? 'no_channel' : 'not_found' };
}

/** The language to tell a conversation in: the one of their latest consent answer, else latest ticket, else English. */
export async function languageOf(uow: UnitOfWork, key: string): Promise<'en' | 'hi'> {
  const q = breachQueries(uow.dialect);
  const lang = (await uow.exec.all(q.consentLang, { key }))[0]?.lang ?? (await uow.exec.all(q.ticketLang, { key }))[0]?.lang;
  return lang === 'hi' ? 'hi' : 'en';
}
