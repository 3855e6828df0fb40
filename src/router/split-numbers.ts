import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { digitValue } from '../text/digits.ts';
// The same tests `redactSplit` makes of the two texts.
import { ENDS_WITH_DIGIT, redactSplit, STARTS_WITH_DIGIT, type Redaction } from '../text/redact.ts';

/**
 * A number typed over two consecutive messages ("2345 6789", then "0124"): the conversation's
 * previous inbound transcript row is its short tail. When the new message completes a number
 * begun there, that row is masked in the same unit of work and the new message is masked too.
 * Read only when the new message starts with a digit and the two messages can hold a number
 * between them (see `mayEndNumber`, kept in `conversation_state` by `recordInbound`), so other
 * messages (a menu answer "2" after "hello", or "1" after "1") cost no query.
 */
const queries = featureQueries((db) => ({
  lastInbound: prepare<{ conversation_key: string }, { id: number; text: string }>((p) =>
    db.selectFrom('transcripts').select(['id', 'text'])
      .where('conversation_key', '=', p.conversation_key).where('direction', '=', 'in')
      .orderBy('id', 'desc').limit(1)),
  rewrite: prepare<{ id: number; text: string }, never>((p) =>
    db.updateTable('transcripts').set({ text: p.text }).where('id', '=', p.id)),
}));

const BLANK = /^\s*$/;

/** The fewest digits a masked number has (an Aadhaar number; a card has 13 or more). */
const NUMBER_DIGITS = 12;
/**
 * A previous message that ends in a digit but holds fewer digits than this is taken as unable to
 * begin a number on its own account: the new message must then bring the other nine or more.
 */
const TAIL_DIGITS = 4;

/** How many digits (of any script, as masking counts them) the text holds, counted up to `cap`. */
function digitsUpTo(text: string, cap: number): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x80 && digitValue(ch.codePointAt(0)!) !== undefined)) {
      if (++n >= cap) break;
    }
  }
  return n;
}

/**
 * Whether an inbound message with this raw text may hold the first part of a number split over
 * it and the next message, on its own account: its stored row ends in a digit and holds at least
 * TAIL_DIGITS digits. False tells the next message that this one can give a number at most
 * TAIL_DIGITS - 1 digits (none if it does not end in one), so only a next message with the other
 * NUMBER_DIGITS - TAIL_DIGITS + 1 or more needs to look.
 *
 * Judged on the raw text, which never says less than the stored row could: masking never makes a
 * text end in a digit that its raw form did not (a number's masked form keeps the digits it ended
 * with; a hidden secret ends in "[hidden]"), and it only removes digits; the router's
 * placeholders hold no digit, except the one for a message with no text (a button's choice id
 * may), which counts as "may".
 */
export function mayEndNumber(rawText: string): boolean {
  return BLANK.test(rawText) || (ENDS_WITH_DIGIT.test(rawText) && digitsUpTo(rawText, TAIL_DIGITS) >= TAIL_DIGITS);
}

/** The new message's masked form, when it completes a number begun in the previous one. */
export async function maskSplitNumber(
  uow: UnitOfWork, conversationKey: string, rawText: string, previousMayEndNumber: boolean,
): Promise<Redaction | undefined> {
  if (!STARTS_WITH_DIGIT.test(rawText)) return undefined;
  // The previous message gives at most TAIL_DIGITS - 1 digits: this one must hold the rest.
  const needed = NUMBER_DIGITS - (TAIL_DIGITS - 1);
  if (!previousMayEndNumber && digitsUpTo(rawText, needed) < needed) return undefined;
  const q = queries(uow.dialect);
  const [prev] = await uow.exec.all(q.lastInbound, { conversation_key: conversationKey });
  if (!prev) return undefined;
  const split = redactSplit(prev.text, rawText);
  if (!split) return undefined;
  await uow.exec.run(q.rewrite, { id: Number(prev.id), text: split.previous });
  return split.next;
}
