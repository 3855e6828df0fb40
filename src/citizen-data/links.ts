import { randomBytes } from 'node:crypto';
import { hashToken, randomToken } from '../security/token.ts';
import type { OutboundMessage } from '../channels/types.ts';
import { enqueue, renderForTranscript, type Recipient } from '../outbox/enqueue.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

/** The path of a citizen's download link: `/my-data/<token>` (the JSON at `<token>.json`). */
export const MY_DATA_PATH = '/my-data/';
/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const LINK_IN_TEXT = /\/my-data\/[A-Za-z0-9_-]{43}/g;
/** What the transcript (and the desk) shows instead of a link's token. */
const HIDDEN_TOKEN = '/my-data/[link hidden]';

export interface NewLink {
  /** The whole link, as the citizen receives it. */
  url: string;
  /** SHA-256 (hex) of the token: the only thing stored. */
  tokenHash: string;
}

/**
 * A new download link under the desk's public address. The token exists only in the link sent to
 * the citizen; the database keeps its SHA-256.
 * @example newLink('https://desk.example.in') // { url: 'https://desk.example.in/my-data/Xy…', tokenHash: '3f…' }
 */
export function newLink(publicUrl: string, random: (n: number) => Buffer = randomBytes): NewLink {
  const token = randomToken(random);
  return { url: `${publicUrl.replace(/\/+$/, '')}${MY_DATA_PATH}${token}`, tokenHash: hashToken(token) };
}


/**
 * The token of a `/my-data/…` path segment, and whether the JSON file is asked for; undefined when malformed.
 * @example parseToken(`${token}.json`) // { token, json: true }
 */
export function parseToken(segment: string): { token: string; json: boolean } | undefined {
  const json = segment.endsWith('.json');
  const token = json ? segment.slice(0, -'.json'.length) : segment;
  return TOKEN.test(token) ? { token, json } : undefined;
}

/**
 * The text with every download link's token hidden (for the transcript).
 * @example hideLinks('Open https://desk.example.in/my-data/Xy…') // 'Open https://desk.example.in/my-data/[link hidden]'
 */
export function hideLinks(text: string): string {
  return text.replace(LINK_IN_TEXT, HIDDEN_TOKEN);
}

/**
 * Like `deliver`, but the transcript keeps the message with the link's token hidden: officers read
 * transcripts, and a link is the citizen's alone. The outbox, which only holds the message until
 * the channel takes it, carries the real link.
 */
export async function deliverWithHiddenLinks(uow: UnitOfWork, to: Recipient, message: OutboundMessage, at: string): Promise<void> {
  await uow.transcripts.append({ conversation_key: to.conversationKey, direction: 'out', message_id: null, text: hideLinks(renderForTranscript(message)), at });
  await enqueue(uow, to, message, at);
}
