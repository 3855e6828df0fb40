import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { redactSplit, type Redaction } from '../text/redact.ts';

/**
 * A number typed over two consecutive messages ("2345 6789", then "0124"): the conversation's
 * previous inbound transcript row is its short tail. When the new message completes a number
 * begun there, that row is masked in the same unit of work and the new message is masked too.
 * Read only when the new message starts with a digit and the previous one may end in digits
 * (`mayEndNumber`, kept in `conversation_state` by `recordInbound`), so other messages (a menu
 * answer "2" after "hello") cost no query.
 */
const queries = featureQueries((db) => ({
  lastInbound: prepare<{ conversation_key: string }, { id: number; text: string }>((p) =>
    db.selectFrom('transcripts').select(['id', 'text'])
      .where('conversation_key', '=', p.conversation_key).where('direction', '=', 'in')
      .orderBy('id', 'desc').limit(1)),
  rewrite: prepare<{ id: number; text: string }, never>((p) =>
    db.updateTable('transcripts').set({ text: p.text }).where('id', '=', p.id)),
}));

const STARTS_WITH_DIGIT = /^[^\p{L}\p{Nd}]{0,4}\p{Nd}/u;
// As `redactSplit` tests the stored previous text (src/text/redact.ts).
const ENDS_WITH_DIGIT = /\p{Nd}[^\p{L}\p{Nd}]{0,4}$/u;

/**
 * Whether the transcript row of an inbound message with this raw text may end in digits, and so
 * hold the first part of a split number. Masking never makes a text end in a digit that its raw
 * form did not (a number's masked form keeps the digits it ended with; a hidden secret ends in
 * "[hidden]"), and the router's placeholders end in a letter, except the one for a message with
 * no text (a button's choice id may end in a digit): so this never says no where the stored row
 * could end in one.
 */
export function mayEndNumber(rawText: string): boolean {
  return rawText.trim() === '' || ENDS_WITH_DIGIT.test(rawText);
}

/** The new message's masked form, when it completes a number begun in the previous one. */
export async function maskSplitNumber(
  uow: UnitOfWork, conversationKey: string, rawText: string, previousMayEndNumber: boolean,
): Promise<Redaction | undefined> {
  if (!previousMayEndNumber || !STARTS_WITH_DIGIT.test(rawText)) return undefined;
  const q = queries(uow.dialect);
  const [prev] = await uow.exec.all(q.lastInbound, { conversation_key: conversationKey });
  if (!prev) return undefined;
  const split = redactSplit(prev.text, rawText);
  if (!split) return undefined;
  await uow.exec.run(q.rewrite, { id: Number(prev.id), text: split.previous });
  return split.next;
}
