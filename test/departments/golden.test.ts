import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * Golden conversations of an organisation with departments (profiles/examples/*.yaml): each file
 * names its profile, the citizens' messages (and officers' transfers between them), the whole
 * transcript read back from the database, and the tickets with their departments.
 * `UPDATE_GOLDEN=1` rewrites them; review the diff before committing.
 */
type ScriptItem =
  | string
  | { text: string; user?: string }
  /** An officer moves a ticket to another department (what the desk's transfer does). */
  | { transfer: { number: string; to: string; reason: string } }
  | { advanceHours: number };
interface Golden {
  description: string;
  /** Under profiles/. */
  profile: string;
  script: ScriptItem[];
  transcript?: Array<{ user: string; in?: string; out?: string }>;
  tickets?: Array<Record<string, unknown>>;
}

const dir = path.join(import.meta.dirname, 'golden');
const profiles = path.join(import.meta.dirname, '..', '..', 'profiles');
const update = process.env.UPDATE_GOLDEN === '1';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('golden conversations with departments', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    it(file, { timeout: 60_000 }, async () => {
      const golden = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Golden;
      h = await startHarness({ env: { PROFILE_FILE: path.join(profiles, golden.profile) } });
      const users = new Set<string>();
      for (const item of golden.script) {
        if (typeof item === 'string' || 'text' in item) {
          const user = typeof item === 'string' ? 'citizen-1' : (item.user ?? 'citizen-1');
          users.add(user);
          await h.say(typeof item === 'string' ? item : item.text, { user });
        } else if ('transfer' in item) {
          const { number, to, reason } = item.transfer;
          const now = h.clock.now();
          await h.app.store.transaction((u) => h!.app.tickets.transfer(u, number, to, { actor: 'officer:1', reason, now }));
        } else h.clock.advance(item.advanceHours * 3_600_000);
      }
      const transcript: Array<{ user: string; in?: string; out?: string }> = [];
      for (const user of [...users].sort()) {
        const rows = await h.app.store.transaction((uow) => uow.transcripts.of(`console:${user}`));
        transcript.push(...rows.map((r) => (r.direction === 'in' ? { user, in: r.text } : { user, out: r.text })));
      }
      const tickets = (await h.app.store.transaction((uow) => uow.tickets.list(100))).map((t) => ({
        number: t.number,
        kind: t.kind,
        status: t.status,
        language: t.language,
        department: t.department,
        received_by: t.received_by,
        fields: JSON.parse(t.fields) as unknown,
        created_at: t.created_at,
        due_at: t.due_at,
        level_due_at: t.level_due_at,
      }));
      if (update) {
        fs.writeFileSync(path.join(dir, file), `${JSON.stringify({ ...golden, transcript, tickets }, null, 2)}\n`);
        return;
      }
      expect(golden.transcript, `${file} has no transcript yet: run UPDATE_GOLDEN=1 and review it`).toBeDefined();
      expect(transcript).toEqual(golden.transcript);
      expect(tickets).toEqual(golden.tickets ?? []);
    });
  }
});
