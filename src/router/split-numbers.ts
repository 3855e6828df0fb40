import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import { redactSplit, type Redaction } from '../text/redact.ts';

/**
 * A number typed over two consecutive messages ("2345 6789", then "0124"): the conversation's
 * previous inbound transcript row is its short tail. When the new message completes a number
 * begun there, that row is masked in the same unit of work and the new message is masked too.
 * Read only when the new message starts with a digit, so other messages cost no query.
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

/** The new message's masked form, when it completes a number begun in the previous one. */
export async function maskSplitNumber(uow: UnitOfWork, conversationKey: string, rawText: string): Promise<Redaction | undefined> {
  if (!STARTS_WITH_DIGIT.test(rawText)) return undefined;
  const q = queries(uow.dialect);
  const [prev] = await uow.exec.all(q.lastInbound, { conversation_key: conversationKey });
  if (!prev) return undefined;
  const split = redactSplit(prev.text, rawText);
  if (!split) return undefined;
  await uow.exec.run(q.rewrite, { id: Number(prev.id), text: split.previous });
  return split.next;
}
