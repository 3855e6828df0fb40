import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isTicketStatus } from '../../src/domain/tickets/state-machine.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Golden conversations: each file in golden/ is a script of citizen messages and the whole
 * transcript the bot must produce (read back from the database, as an auditor would), plus the
 * tickets it must open. `UPDATE_GOLDEN=1 npm test` rewrites them; review the diff before committing.
 */
type ScriptItem =
  | string
  | { text?: string; media?: string; choiceId?: string; repeat?: string; times?: number }
  /** An officer's action between two citizen messages (what the desk will do). */
  | { officer: { number: string; to: string; reason?: string } };
interface Golden {
  description: string;
  user?: string;
  /** Principals on file before the script runs (the directory an organisation imports). */
  principals?: Array<{ external_ref: string; name?: string; mobile?: string; email?: string }>;
  script: ScriptItem[];
  transcript?: Array<{ in?: string; out?: string }>;
  tickets?: Array<Record<string, unknown>>;
}

const dir = path.join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('golden conversations', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    it(file, async () => {
      const golden = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Golden;
      h = await startHarness();
      const user = golden.user ?? 'citizen-1';
      for (const p of golden.principals ?? []) {
        await h.app.store.transaction((u) =>
          u.principals.upsert({ external_ref: p.external_ref, name: p.name ?? null, mobile: p.mobile ?? null, email: p.email ?? null, source: 'csv', updated_at: '2026-11-01T00:00:00.000Z' }));
      }
      for (const item of golden.script) {
        if (typeof item === 'string') await h.say(item, { user });
        else if ('officer' in item) {
          const { number, to, reason } = item.officer;
          if (!isTicketStatus(to)) throw new Error(`${file}: unknown status ${to}`);
          const now = h.clock.now();
          await h.app.store.transaction((u) => h!.app.tickets.transition(u, number, to, { actor: 'officer-1', reason, now }));
        } else await h.say(item.repeat ? item.repeat.repeat(item.times ?? 1) : (item.text ?? ''), { user, media: item.media, choiceId: item.choiceId });
      }
      const rows = await h.app.store.transaction((uow) => uow.transcripts.of(`console:${user}`));
      const transcript = rows.map((r) => (r.direction === 'in' ? { in: r.text } : { out: r.text }));
      const tickets = (await h.app.store.transaction((uow) => uow.tickets.list(100))).map((t) => ({
        number: t.number,
        kind: t.kind,
        status: t.status,
        language: t.language,
        fields: JSON.parse(t.fields) as unknown,
        created_at: t.created_at,
        due_at: t.due_at,
      }));
      if (update) {
        fs.writeFileSync(path.join(dir, file), `${JSON.stringify({ ...golden, transcript, tickets }, null, 2)}\n`);
        return;
      }
      expect(golden.transcript, `${file} has no transcript yet: run UPDATE_GOLDEN=1 npm test and review it`).toBeDefined();
      expect(transcript).toEqual(golden.transcript);
      expect(tickets).toEqual(golden.tickets ?? []);
    });
  }
});
