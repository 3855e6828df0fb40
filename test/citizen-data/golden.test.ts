import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { hideLinks } from '../../src/citizen-data/links.ts';
import { buildDesk } from '../../src/desk/server.ts';
import { renderForTranscript } from '../../src/outbox/enqueue.ts';
import { isTicketStatus } from '../../src/domain/tickets/state-machine.ts';
import { createLogger } from '../../src/logger.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Golden conversations about the citizen's own data and satisfaction ratings, in the format of
 * test/flows/golden (a script and the whole transcript read back from the database), with what
 * these features need besides: a second citizen, a legal hold, the clock moved on, and the
 * download link opened as the citizen's browser would. The outcome records the transcript, the
 * tickets, each download (the JSON file whole), the ratings, the export links and the audit rows
 * about the citizen's own data. `UPDATE_GOLDEN=1` rewrites them; review the diff.
 */
type ScriptItem =
  | string
  | { text: string; user?: string; choiceId?: string }
  | { officer: { number: string; to: string; reason?: string } }
  /** An admin's legal hold on this conversation (optionally naming a ticket). */
  | { hold: { reason: string; ticket?: string } }
  | { advance_hours: number }
  /** Opens the last download link the bot sent to `user` (default: the golden's citizen). */
  | { fetch: 'page' | 'json'; user?: string };
interface Golden {
  description: string;
  user?: string;
  principals?: Array<{ external_ref: string; name?: string; mobile?: string; email?: string }>;
  script: ScriptItem[];
  phone?: unknown;
  transcript?: unknown;
  tickets?: unknown;
  downloads?: unknown;
  ratings?: unknown;
  links?: unknown;
  audit?: unknown;
}

const dir = path.join(import.meta.dirname, 'golden');
const MY_DATA = new Set(['my data', 'मेरा डेटा']);
const update = process.env.UPDATE_GOLDEN === '1';
const holds = featureQueries((db) => ({
  add: prepare<{ conversation_key: string; ticket_number: string | null; reason: string; set_at: string }, never>((p) =>
    db.insertInto('legal_holds').values({ conversation_key: p.conversation_key, ticket_number: p.ticket_number, reason: p.reason, set_by: 'officer:1', set_at: p.set_at })),
  ratings: prepare<Record<string, never>, { ticket_id: number; conversation_key: string; rating: number; comment: string | null; at: string }>(() =>
    db.selectFrom('ratings').select(['ticket_id', 'conversation_key', 'rating', 'comment', 'at']).orderBy('id')),
  links: prepare<Record<string, never>, { conversation_key: string; lang: string; created_at: string; expires_at: string; downloaded_at: string | null }>(() =>
    db.selectFrom('data_exports').select(['conversation_key', 'lang', 'created_at', 'expires_at', 'downloaded_at']).orderBy('id')),
}));

let h: Harness | undefined;
let desk: FastifyInstance | undefined;
afterEach(async () => {
  await desk?.close();
  await h?.close();
  desk = undefined;
  h = undefined;
});

/** What a person sees of a page: its headings and paragraphs, as text. */
function pageText(body: string): string[] {
  return [...body.matchAll(/<(h1|h2|p)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => m[2]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
}

describe('golden conversations: own data and ratings', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    it(file, async () => {
      const golden = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Golden;
      h = await startHarness();
      const app = h.app;
      desk = await buildDesk(app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
      const user = golden.user ?? 'citizen-1';
      for (const p of golden.principals ?? []) {
        await app.store.transaction((u) =>
          u.principals.upsert({ external_ref: p.external_ref, name: p.name ?? null, mobile: p.mobile ?? null, email: p.email ?? null, source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
      }
      const lastLink = new Map<string, string>();
      const downloads: unknown[] = [];
      // What the citizen's phone shows from their last "my data" on: an erasure removes it from the transcript.
      const lastAsk = golden.script.map((i) => typeof i === 'string' && MY_DATA.has(i)).lastIndexOf(true);
      const phone: string[] = [];
      for (const [index, item] of golden.script.entries()) {
        if (typeof item === 'string' || 'text' in item) {
          const who = typeof item === 'string' ? user : (item.user ?? user);
          const replies = await h.say(typeof item === 'string' ? item : item.text, { user: who, ...(typeof item !== 'string' && item.choiceId ? { choiceId: item.choiceId } : {}) });
          for (const r of replies) {
            const link = /https?:\/\/\S+\/my-data\/[A-Za-z0-9_-]{43}/.exec(r.text)?.[0];
            if (link) lastLink.set(who, link);
            if (who === user && lastAsk >= 0 && index >= lastAsk) phone.push(hideLinks(renderForTranscript(r)));
          }
        } else if ('officer' in item) {
          const { number, to, reason } = item.officer;
          if (!isTicketStatus(to)) throw new Error(`${file}: unknown status ${to}`);
          const now = h.clock.now();
          await app.store.transaction((u) => app.tickets.transition(u, number, to, { actor: 'officer-1', reason, now }));
        } else if ('hold' in item) {
          const at = h.clock.now().toISOString();
          await app.store.transaction((u) => u.exec.run(holds(u.dialect).add, { conversation_key: `console:${user}`, ticket_number: item.hold.ticket ?? null, reason: item.hold.reason, set_at: at }));
        } else if ('advance_hours' in item) {
          h.clock.advance(item.advance_hours * 3_600_000);
        } else {
          const who = item.user ?? user;
          const link = lastLink.get(who);
          if (!link) throw new Error(`${file}: no download link was sent to ${who}`);
          const url = `${new URL(link).pathname}${item.fetch === 'json' ? '.json' : ''}`;
          const res = await desk.inject({ url });
          const isJson = res.headers['content-type']?.toString().startsWith('application/json');
          downloads.push({ fetch: item.fetch, user: who, status: res.statusCode, ...(isJson ? { body: JSON.parse(res.body) as unknown } : { page: pageText(res.body) }) });
        }
      }
      const outcome = await app.store.transaction(async (uow) => {
        const q = holds(uow.dialect);
        return {
          ...(phone.length > 0 ? { phone } : {}),
          transcript: (await uow.transcripts.of(`console:${user}`)).map((r) => (r.direction === 'in' ? { in: r.text } : { out: r.text })),
          tickets: (await uow.tickets.list(100)).map((t) => ({
            number: t.number, kind: t.kind, status: t.status, language: t.language, conversation: t.conversation_key, fields: JSON.parse(t.fields) as unknown,
          })),
          downloads,
          ratings: await uow.exec.all(q.ratings, {}),
          links: await uow.exec.all(q.links, {}),
          audit: (await uow.audit.after(0, 1000)).filter((r) => r.action.startsWith('own_data.')).map((r) => ({
            actor: r.actor, action: r.action, subject: r.subject, detail: JSON.parse(r.detail) as unknown,
          })),
        };
      });
      if (update) {
        fs.writeFileSync(path.join(dir, file), `${JSON.stringify({ description: golden.description, ...(golden.user ? { user: golden.user } : {}), ...(golden.principals ? { principals: golden.principals } : {}), script: golden.script, ...outcome }, null, 2)}\n`);
        return;
      }
      expect(golden.transcript, `${file} has no transcript yet: run UPDATE_GOLDEN=1 and review it`).toBeDefined();
      expect(outcome.phone).toEqual(golden.phone);
      expect(outcome.transcript).toEqual(golden.transcript);
      expect(outcome.tickets).toEqual(golden.tickets);
      expect(outcome.downloads).toEqual(golden.downloads);
      expect(outcome.ratings).toEqual(golden.ratings);
      expect(outcome.links).toEqual(golden.links);
      expect(outcome.audit).toEqual(golden.audit);
    });
  }
});
