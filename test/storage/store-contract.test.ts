import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { AppError, ERROR_CODES } from '../../src/errors.ts';
import { compileKeyvQueries, KeyvSqlStore } from '../../src/storage/keyv-sql-store.ts';
import { pgCompiler } from '../../src/storage/db.ts';
import { openStore } from '../../src/storage/open-store.ts';
import { PgStore } from '../../src/storage/pg-store.ts';
import type { TicketsTable } from '../../src/storage/schema.ts';
import { SqliteStore } from '../../src/storage/sqlite-store.ts';
import type { StoredSession } from '../../src/storage/unit-of-work.ts';
import { backends, pgTestSchema, postgresBackend, sqliteBackend, TEST_DATABASE_URL, useStores } from '../helpers/backends.ts';

/**
 * The storage ports' contract, run on every backend: the same cases must pass on SQLite and on
 * PostgreSQL. A new UnitOfWork method gets its case here, as one more `it`. Cases that only make
 * sense on one backend (SQLite's group commit, PostgreSQL's concurrent connections) follow below.
 * PostgreSQL's cases are reported skipped when TEST_DATABASE_URL is unset.
 */

const T0 = '2026-11-22T00:00:00.000Z';
const ticket = (number: string, idempotency_key: string, extra: Partial<Omit<TicketsTable, 'id'>> = {}): Omit<TicketsTable, 'id'> => ({
  number, kind: 'grievance', status: 'open', language: 'en', channel: 'console', conversation_key: 'console:a',
  fields: '{"summary":"street light"}', created_at: T0, due_at: '2026-12-22T18:29:59.000Z', updated_at: T0, idempotency_key,
  policy_id: 'default', regime: 'dpdp', ack_due_at: null, acknowledged_at: null, level: 0, level_started_at: null,
  level_due_at: null, pauses: '[]', extension: null, breached_at: null, board_notified_at: null, resolved_at: null,
  closed_at: null, assigned_to: null, assigned_at: null,
  // Migration 0015: every row belongs to a department, the implicit one unless set.
  department: 'main', received_by: 'main', ...extra,
});
const outbox = (n: number, channel = 'console') => ({ channel, conversation_key: 'console:a', payload: `{"n":${n}}`, created_at: T0 });
const handoff = (key: string) => ({
  conversation_key: 'console:a', channel: 'console', language: 'hi', reason: 'citizen asked for a person', created_at: T0, idempotency_key: key,
});
const session = (rev: number, step: string): StoredSession<{ step: string; answers: string[] }> => ({
  v: 1, rev, state: { step, answers: ['पानी', 'two words'] },
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Store contract: ${backend.name}`, () => {
    const open = useStores(backend);

    it('returns what the unit of work returns, and rejects with the error it throws', async () => {
      const { store } = await open();
      expect(await store.transaction(async () => 42)).toBe(42);
      const boom = new Error('boom');
      await expect(store.transaction(async () => { throw boom; })).rejects.toBe(boom);
    });

    it('markProcessed: true the first time a channel message id is seen, false on redelivery', async () => {
      const { store } = await open();
      expect(await store.transaction((u) => u.markProcessed('telegram', '55', T0))).toBe(true);
      expect(await store.transaction((u) => u.markProcessed('telegram', '55', T0))).toBe(false);
      expect(await store.transaction((u) => u.markProcessed('console', '55', T0))).toBe(true);
    });

    it('processed: reads whether a channel message id was marked, without marking it', async () => {
      const { store } = await open();
      expect(await store.transaction((u) => u.processed('telegram', '56'))).toBe(false);
      expect(await store.transaction((u) => u.processed('telegram', '56'))).toBe(false);
      await store.transaction((u) => u.markProcessed('telegram', '56', T0));
      expect(await store.transaction((u) => u.processed('telegram', '56'))).toBe(true);
      expect(await store.transaction((u) => u.processed('console', '56'))).toBe(false);
    });

    it('tickets.insert ignores a second ticket with the same idempotency key', async () => {
      const { store } = await open();
      expect(await store.transaction((u) => u.tickets.insert(ticket('GRV-2026-000001', 'same')))).toMatchObject({ number: 'GRV-2026-000001', id: expect.any(Number) });
      expect(await store.transaction((u) => u.tickets.insert(ticket('GRV-2026-000002', 'same')))).toBeUndefined();
      expect((await store.transaction((u) => u.tickets.list(10))).map((t) => t.number)).toEqual(['GRV-2026-000001']);
    });

    it('tickets.nextNumber counts per prefix and year', async () => {
      const { store } = await open();
      const got = await store.transaction(async (u) => [
        await u.tickets.nextNumber('GRV', 2026), await u.tickets.nextNumber('GRV', 2026),
        await u.tickets.nextNumber('DPR', 2026), await u.tickets.nextNumber('GRV', 2027),
      ]);
      expect(got).toEqual([1, 2, 1, 1]);
      expect(await store.transaction((u) => u.tickets.nextNumber('GRV', 2026))).toBe(3);
    });

    it('tickets.nextNumber never gives two concurrent units of work the same number', async () => {
      const { store } = await open();
      const numbers = await Promise.all(Array.from({ length: 20 }, () => store.transaction(async (u) => {
        const n = await u.tickets.nextNumber('GRV', 2026);
        await sleep(2); // hold the transaction open, so that on a pool the others overlap it
        return n;
      })));
      expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('tickets.byNumber, byIdempotencyKey and list read back every column, ids as numbers', async () => {
      const { store } = await open();
      const full = ticket('GRV-2026-000002', 'k2', { ack_due_at: '2026-11-24T18:29:59.000Z', level: 1, extension: '{"days":15}' });
      await store.transaction(async (u) => {
        await u.tickets.insert(ticket('GRV-2026-000001', 'k1'));
        await u.tickets.insert(full);
        await u.tickets.insert(ticket('GRV-2026-000003', 'k3'));
      });
      const byNumber = await store.transaction((u) => u.tickets.byNumber('GRV-2026-000002'));
      expect(byNumber).toEqual({ ...full, id: expect.any(Number) });
      expect(typeof byNumber?.id).toBe('number');
      expect(await store.transaction((u) => u.tickets.byIdempotencyKey('k2'))).toEqual(byNumber);
      expect(await store.transaction((u) => u.tickets.byNumber('GRV-2026-999999'))).toBeUndefined();
      expect(await store.transaction((u) => u.tickets.byIdempotencyKey('nope'))).toBeUndefined();
      const list = await store.transaction((u) => u.tickets.list(2));
      expect(list.map((t) => t.number)).toEqual(['GRV-2026-000001', 'GRV-2026-000002']);
      expect(list[0]!.id).toBeLessThan(list[1]!.id);
    });

    it('transcripts.append and of: one conversation, in the order written', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.transcripts.append({ conversation_key: 'console:a', direction: 'in', message_id: 'm1', text: 'नमस्ते', at: T0 });
        await u.transcripts.append({ conversation_key: 'console:b', direction: 'in', message_id: 'm2', text: 'other', at: T0 });
        await u.transcripts.append({ conversation_key: 'console:a', direction: 'out', message_id: null, text: 'How can I help?', at: T0 });
      });
      const rows = await store.transaction((u) => u.transcripts.of('console:a'));
      expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
        { conversation_key: 'console:a', direction: 'in', message_id: 'm1', text: 'नमस्ते', at: T0 },
        { conversation_key: 'console:a', direction: 'out', message_id: null, text: 'How can I help?', at: T0 },
      ]);
      expect(rows.every((r) => typeof r.id === 'number')).toBe(true);
      expect(await store.transaction((u) => u.transcripts.of('console:none'))).toEqual([]);
    });

    it('outbox: pending in order per channel; markSent removes, defer delays or fails, and counts attempts', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        for (const i of [1, 2, 3, 4]) await u.outbox.enqueue(outbox(i));
        await u.outbox.enqueue(outbox(9, 'telegram'));
      });
      const rows = await store.transaction((u) => u.outbox.pending('console', '2026-11-22T00:00:01.000Z', 10));
      expect(rows.map((r) => r.payload)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
      expect(rows.map((r) => [typeof r.id, r.status, r.attempts])).toEqual(Array(4).fill(['number', 'pending', 0]));
      expect(await store.transaction((u) => u.outbox.pending('console', '2026-11-22T00:00:01.000Z', 2))).toHaveLength(2);
      expect(await store.transaction((u) => u.outbox.pending('console', '2026-11-21T23:59:59.000Z', 10))).toEqual([]);

      await store.transaction((u) => u.outbox.defer(rows[0]!.id, '2026-11-22T00:10:00.000Z', 'pending'));
      expect(await store.transaction((u) => u.outbox.markSent(rows[1]!.id))).toBe(true);
      expect(await store.transaction((u) => u.outbox.markSent(rows[1]!.id))).toBe(false);
      await store.transaction((u) => u.outbox.defer(rows[2]!.id, '2026-11-22T00:00:00.000Z', 'failed'));
      const soon = await store.transaction((u) => u.outbox.pending('console', '2026-11-22T00:00:02.000Z', 10));
      expect(soon.map((r) => r.payload)).toEqual(['{"n":4}']);
      const later = await store.transaction((u) => u.outbox.pending('console', '2026-11-22T00:10:00.000Z', 10));
      expect(later.map((r) => [r.payload, r.attempts])).toEqual([['{"n":1}', 1], ['{"n":4}', 0]]);
      expect((await store.transaction((u) => u.outbox.pending('telegram', '2026-11-22T00:10:00.000Z', 10))).map((r) => r.payload))
        .toEqual(['{"n":9}']);
    });

    it('handoffs.insert writes one row per idempotency key', async () => {
      const { store, count } = await open();
      await store.transaction((u) => u.handoffs.insert(handoff('h1')));
      await store.transaction((u) => u.handoffs.insert(handoff('h1')));
      await store.transaction((u) => u.handoffs.insert(handoff('h2')));
      expect(await count('handoffs')).toBe(2);
    });

    it('sessions.get and set: a versioned blob per key, overwritten in place', async () => {
      const { store, count } = await open();
      expect(await store.transaction((u) => u.sessions.get('console:a'))).toBeUndefined();
      await store.transaction((u) => u.sessions.set('console:a', session(1, 'ask_category')));
      await store.transaction((u) => u.sessions.set('console:b', session(1, 'start')));
      await store.transaction((u) => u.sessions.set('console:a', session(2, 'ask_details')));
      expect(await store.transaction((u) => u.sessions.get('console:a'))).toEqual(session(2, 'ask_details'));
      expect(await store.transaction((u) => u.sessions.get('console:b'))).toEqual(session(1, 'start'));
      expect(await count('keyv')).toBe(2);
    });

    it('tickets.byId, update, addEvent and events: the clock state and the history of a ticket', async () => {
      const { store } = await open();
      await store.transaction((u) => u.tickets.insert(ticket('GRV-2026-000001', 'k1')));
      const t = (await store.transaction((u) => u.tickets.byNumber('GRV-2026-000001')))!;
      expect(await store.transaction((u) => u.tickets.byId(t.id))).toEqual(t);
      const state = {
        status: 'awaiting_citizen', updated_at: '2026-11-23T00:00:00.000Z', ack_due_at: null, acknowledged_at: '2026-11-23T00:00:00.000Z',
        due_at: '2026-12-25T18:29:59.000Z', level: 1, level_started_at: '2026-11-23T00:00:00.000Z', level_due_at: '2026-12-08T18:29:59.000Z',
        pauses: '[{"from":"2026-11-23T00:00:00.000Z","to":null}]', extension: null, breached_at: null, board_notified_at: null,
        resolved_at: null, closed_at: null,
      };
      await store.transaction((u) => u.tickets.update(t.id, state));
      expect(await store.transaction((u) => u.tickets.byId(t.id))).toEqual({ ...t, ...state });
      await store.transaction(async (u) => {
        await u.tickets.addEvent({ ticket_id: t.id, at: T0, actor: 'citizen', kind: 'opened', from_status: null, to_status: 'open', reason: null, data: '{}' });
        await u.tickets.addEvent({ ticket_id: t.id, at: T0, actor: 'officer-3', kind: 'transition', from_status: 'open', to_status: 'awaiting_citizen', reason: 'ward?', data: '{"k":1}' });
      });
      const events = await store.transaction((u) => u.tickets.events(t.id));
      expect(events.map((e) => [e.actor, e.kind, e.from_status, e.to_status, e.reason, e.data])).toEqual([
        ['citizen', 'opened', null, 'open', null, '{}'],
        ['officer-3', 'transition', 'open', 'awaiting_citizen', 'ward?', '{"k":1}'],
      ]);
      expect(typeof events[0]!.id).toBe('number');
    });

    it('timers: due ones in order, pending per ticket, dropped before rescheduling, claimed once', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.timers.add({ ticket_id: 7, kind: 'reminder', fire_at: '2026-11-25T00:00:00.000Z', data: '{"fraction":0.5}' });
        await u.timers.add({ ticket_id: 7, kind: 'level_due', fire_at: '2026-11-30T00:00:00.000Z', data: '{}' });
        await u.timers.add({ ticket_id: 8, kind: 'ack_due', fire_at: '2026-11-24T00:00:00.000Z', data: '{}' });
      });
      const due = await store.transaction((u) => u.timers.due('2026-11-26T00:00:00.000Z', 10));
      expect(due.map((x) => [x.ticket_id, x.kind])).toEqual([[8, 'ack_due'], [7, 'reminder']]);
      expect(await store.transaction((u) => u.timers.claim(due[0]!.id, '2026-11-26T00:00:00.000Z'))).toBe(true);
      expect(await store.transaction((u) => u.timers.claim(due[0]!.id, '2026-11-26T00:00:01.000Z'))).toBe(false);
      expect((await store.transaction((u) => u.timers.due('2026-11-26T00:00:00.000Z', 10))).map((x) => x.kind)).toEqual(['reminder']);
      await store.transaction((u) => u.timers.dropPending(7));
      expect(await store.transaction((u) => u.timers.pendingOf(7))).toEqual([]);
      expect(await store.transaction((u) => u.timers.pendingOf(8))).toEqual([]);
    });

    it('timers.claim: of many concurrent claims of one timer, exactly one wins', async () => {
      const { store } = await open();
      await store.transaction((u) => u.timers.add({ ticket_id: 1, kind: 'level_due', fire_at: T0, data: '{}' }));
      const [timer] = await store.transaction((u) => u.timers.due('2030-01-01T00:00:00.000Z', 1));
      const wins = await Promise.all(Array.from({ length: 8 }, () => store.transaction(async (u) => {
        const won = await u.timers.claim(timer!.id, T0);
        await sleep(2); // keep the row lock, so that on a pool the other claims wait on it
        return won;
      })));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('officerNotifications: added and read back per ticket', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.officerNotifications.add({ ticket_id: 3, role: 'officer', kind: 'reminder', at: T0, data: '{"fraction":0.5}' });
        await u.officerNotifications.add({ ticket_id: 4, role: 'dpo', kind: 'breach', at: T0, data: '{}' });
      });
      const notes = await store.transaction((u) => u.officerNotifications.of(3));
      expect(notes.map((n) => [n.role, n.kind, n.data, n.read_at])).toEqual([['officer', 'reminder', '{"fraction":0.5}', null]]);
    });

    it('outbox.queued: every pending reply of a channel, due or not, oldest first', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.outbox.enqueue({ channel: 'console', conversation_key: 'console:a', payload: '{"n":1}', created_at: T0 });
        await u.outbox.enqueue({ channel: 'telegram', conversation_key: 'telegram:b', payload: '{"n":2}', created_at: T0 });
        await u.outbox.enqueue({ channel: 'console', conversation_key: 'console:c', payload: '{"n":3}', created_at: T0 });
      });
      const [first] = await store.transaction((u) => u.outbox.queued('console', 10));
      await store.transaction((u) => u.outbox.defer(first!.id, '2030-01-01T00:00:00.000Z', 'pending'));
      expect((await store.transaction((u) => u.outbox.queued('console', 10))).map((r) => r.payload)).toEqual(['{"n":1}', '{"n":3}']);
    });

    it('deliveryStatuses: recorded per platform message, in order', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.deliveryStatuses.add({ channel: 'whatsapp-cloud', platform_message_id: 'wamid.A', status: 'sent', at: T0, error_code: null });
        await u.deliveryStatuses.add({ channel: 'whatsapp-cloud', platform_message_id: 'wamid.A', status: 'failed', at: T0, error_code: 131047 });
      });
      const rows = await store.transaction((u) => u.deliveryStatuses.of('whatsapp-cloud', 'wamid.A'));
      expect(rows.map((r) => [r.status, r.error_code])).toEqual([['sent', null], ['failed', 131047]]);
    });

    it('outbox.pendingOf: one conversation only', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.outbox.enqueue({ channel: 'console', conversation_key: 'console:a', payload: '{"n":1}', created_at: T0 });
        await u.outbox.enqueue({ channel: 'console', conversation_key: 'console:b', payload: '{"n":2}', created_at: T0 });
      });
      expect((await store.transaction((u) => u.outbox.pendingOf('console:b', T0, 10))).map((r) => r.payload)).toEqual(['{"n":2}']);
    });

    it('principals: upsert by external_ref, byMobile, byEmail, byId; two on one number come back as two', async () => {
      const { store, count } = await open();
      const p = (external_ref: string, extra: Partial<{ name: string | null; mobile: string | null; email: string | null }> = {}) => ({
        external_ref, name: null, mobile: null, email: null, source: 'csv' as const, updated_at: T0, ...extra,
      });
      await store.transaction(async (u) => {
        await u.principals.upsert(p('C-1', { name: 'आशा', mobile: '+919876543210', email: 'asha.k@example.in' }));
        await u.principals.upsert(p('C-2', { mobile: '+919811111111' }));
        await u.principals.upsert(p('C-3', { mobile: '+919811111111', email: 'ravi@example.in' }));
        await u.principals.upsert(p('C-4', { mobile: '+919811111111' }));
      });
      const [asha] = await store.transaction((u) => u.principals.byMobile('+919876543210'));
      expect(asha).toEqual({ id: expect.any(Number), ...p('C-1', { name: 'आशा', mobile: '+919876543210', email: 'asha.k@example.in' }) });
      expect(typeof asha!.id).toBe('number');
      expect(await store.transaction((u) => u.principals.byEmail('asha.k@example.in'))).toEqual([asha]);
      expect(await store.transaction((u) => u.principals.byId(asha!.id))).toEqual(asha);
      expect(await store.transaction((u) => u.principals.byId(asha!.id + 1000))).toBeUndefined();
      expect(await store.transaction((u) => u.principals.byMobile('+919000000000'))).toEqual([]);
      // Three on one number: at most two come back, oldest first, and two is enough to say "ambiguous".
      expect((await store.transaction((u) => u.principals.byMobile('+919811111111'))).map((r) => r.external_ref)).toEqual(['C-2', 'C-3']);

      await store.transaction((u) => u.principals.upsert({ ...p('C-1', { mobile: '+919800000001' }), source: 'http', updated_at: '2026-11-23T00:00:00.000Z' }));
      expect(await count('principals')).toBe(4);
      expect(await store.transaction((u) => u.principals.byId(asha!.id))).toEqual({
        id: asha!.id, external_ref: 'C-1', name: null, mobile: '+919800000001', email: null, source: 'http', updated_at: '2026-11-23T00:00:00.000Z',
      });
      expect(await store.transaction((u) => u.principals.byEmail('asha.k@example.in'))).toEqual([]);
    });

    it('verifications: added and read back per conversation, oldest first', async () => {
      const { store } = await open();
      await store.transaction(async (u) => {
        await u.verifications.add({ conversation_key: 'console:a', principal_id: 7, level: 'otp', method: 'sms', at: T0, detail: '{"destination":"+91 98XXXXX210"}' });
        await u.verifications.add({ conversation_key: 'console:b', principal_id: null, level: 'channel', method: 'telegram_contact', at: T0, detail: '{}' });
        await u.verifications.add({ conversation_key: 'console:a', principal_id: null, level: 'channel', method: 'whatsapp_sender', at: '2026-11-22T00:01:00.000Z', detail: '{}' });
      });
      const rows = await store.transaction((u) => u.verifications.of('console:a'));
      expect(rows.map(({ id: _id, ...r }) => r)).toEqual([
        { conversation_key: 'console:a', principal_id: 7, level: 'otp', method: 'sms', at: T0, detail: '{"destination":"+91 98XXXXX210"}' },
        { conversation_key: 'console:a', principal_id: null, level: 'channel', method: 'whatsapp_sender', at: '2026-11-22T00:01:00.000Z', detail: '{}' },
      ]);
      expect(rows.every((r) => typeof r.id === 'number')).toBe(true);
      expect(rows[0]!.id).toBeLessThan(rows[1]!.id);
      expect(await store.transaction((u) => u.verifications.of('console:none'))).toEqual([]);
    });

    it('ephemeral: get, set and delete; values round-trip; kept apart from sessions of the same key', async () => {
      const { store } = await open();
      const value = { hash: 'q83v-_A', expiresAt: T0, attempts: 2, nested: { list: [1, 'दो', null], flag: true } };
      expect(await store.transaction((u) => u.ephemeral.get('otp:console:a'))).toBeUndefined();
      await store.transaction((u) => u.ephemeral.set('otp:console:a', value, 60_000));
      await store.transaction((u) => u.ephemeral.set('console:a', 'not a session', 60_000));
      await store.transaction((u) => u.sessions.set('console:a', session(1, 'start')));
      expect(await store.transaction((u) => u.ephemeral.get('otp:console:a'))).toEqual(value);
      expect(await store.transaction((u) => u.ephemeral.get('console:a'))).toBe('not a session');
      expect(await store.transaction((u) => u.sessions.get('console:a'))).toEqual(session(1, 'start'));
      await store.transaction((u) => u.ephemeral.set('otp:console:a', { ...value, attempts: 3 }, 60_000));
      expect(await store.transaction((u) => u.ephemeral.get('otp:console:a'))).toEqual({ ...value, attempts: 3 });
      await store.transaction((u) => u.ephemeral.delete('otp:console:a'));
      await store.transaction((u) => u.ephemeral.delete('otp:never-set'));
      expect(await store.transaction((u) => u.ephemeral.get('otp:console:a'))).toBeUndefined();
      expect(await store.transaction((u) => u.ephemeral.get('console:a'))).toBe('not a session');
      // A write in a unit of work that fails is rolled back with it.
      await expect(store.transaction(async (u) => {
        await u.ephemeral.set('otp:console:b', value, 60_000);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await store.transaction((u) => u.ephemeral.get('otp:console:b'))).toBeUndefined();
    });

    it('a unit of work reads its own writes before it commits, sessions included', async () => {
      const { store } = await open();
      const seen = await store.transaction(async (u) => {
        await u.tickets.insert(ticket('GRV-2026-000001', 'k1'));
        await u.sessions.set('console:a', session(1, 'confirm'));
        return [(await u.tickets.byNumber('GRV-2026-000001'))?.number, await u.sessions.get('console:a')];
      });
      expect(seen).toEqual(['GRV-2026-000001', session(1, 'confirm')]);
    });

    it('a unit of work that throws leaves nothing behind, its session write included', async () => {
      const { store, count } = await open();
      await store.transaction((u) => u.sessions.set('console:a', session(1, 'ask_category')));
      const failed = store.transaction(async (u) => {
        await u.markProcessed('console', 'm1', T0);
        await u.tickets.insert(ticket(`GRV-2026-${String(await u.tickets.nextNumber('GRV', 2026)).padStart(6, '0')}`, 'k1'));
        await u.transcripts.append({ conversation_key: 'console:a', direction: 'in', message_id: 'm1', text: 'hello', at: T0 });
        await u.outbox.enqueue(outbox(1));
        await u.handoffs.insert(handoff('h1'));
        await u.sessions.set('console:a', session(2, 'ask_details'));
        await u.sessions.set('console:new', session(1, 'start'));
        throw new Error('engine failed');
      });
      await expect(failed).rejects.toThrow('engine failed');

      for (const table of ['tickets', 'ticket_sequences', 'transcripts', 'outbox', 'processed_messages', 'handoffs']) {
        expect(await count(table), table).toBe(0);
      }
      expect(await count('keyv')).toBe(1);
      expect(await store.transaction((u) => u.sessions.get('console:a'))).toEqual(session(1, 'ask_category'));
      expect(await store.transaction((u) => u.sessions.get('console:new'))).toBeUndefined();
      expect(await store.transaction((u) => u.markProcessed('console', 'm1', T0))).toBe(true);
      expect(await store.transaction((u) => u.tickets.nextNumber('GRV', 2026))).toBe(1);
    });
  });
}

describe('SqliteStore only', () => {
  const open = useStores(sqliteBackend);

  it('a failing unit of work rolls back alone, even when it shares a commit (group commit)', async () => {
    const { store } = await open();
    const results = await Promise.allSettled([
      store.transaction((u) => u.tickets.insert(ticket('GRV-2026-000001', 'k1'))),
      store.transaction(async (u) => {
        await u.tickets.insert(ticket('GRV-2026-000002', 'k2'));
        throw new Error('boom');
      }),
      store.transaction((u) => u.tickets.insert(ticket('GRV-2026-000003', 'k3'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const numbers = (await store.transaction((u) => u.tickets.list(10))).map((t) => t.number);
    expect(numbers).toEqual(['GRV-2026-000001', 'GRV-2026-000003']);
  });
});

describe.skipIf(postgresBackend.skip)('PgStore only', () => {
  const open = useStores(postgresBackend);

  it('runs units of work concurrently; the second waits for the sequence row and takes the next number', async () => {
    const { store } = await open();
    let aHasNumber!: () => void;
    const aReady = new Promise<void>((r) => (aHasNumber = r));
    let bStarted!: () => void;
    const bReady = new Promise<void>((r) => (bStarted = r));
    const order: string[] = [];
    const a = store.transaction(async (u) => {
      const n = await u.tickets.nextNumber('GRV', 2026);
      aHasNumber();
      await bReady; // B is running at the same time: units of work are not serialised here
      await sleep(100); // B's upsert now waits on this transaction's row lock
      order.push('a commits');
      return n;
    });
    const b = store.transaction(async (u) => {
      await aReady;
      bStarted();
      const n = await u.tickets.nextNumber('GRV', 2026);
      order.push('b has its number');
      return n;
    });
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    expect(order).toEqual(['a commits', 'b has its number']);
  });

  it('a session written in an open unit of work is invisible to others until it commits', async () => {
    const { store } = await open();
    let written!: () => void;
    const isWritten = new Promise<void>((r) => (written = r));
    let checked!: () => void;
    const isChecked = new Promise<void>((r) => (checked = r));
    const writer = store.transaction(async (u) => {
      await u.sessions.set('console:a', session(1, 'ask_details'));
      written();
      await isChecked;
    });
    await isWritten;
    try {
      expect(await store.transaction((u) => u.sessions.get('console:a'))).toBeUndefined();
    } finally {
      checked(); // let the writer commit even when the expectation failed, or closing would wait on it
    }
    await writer;
    expect(await store.transaction((u) => u.sessions.get('console:a'))).toEqual(session(1, 'ask_details'));
  });

  it('fails the unit of work when a statement failed in it, even if the work caught the error', async () => {
    const { store, count } = await open();
    const work = store.transaction(async (u) => {
      await u.tickets.insert(ticket('GRV-2026-000001', 'k1'));
      // A NOT NULL violation aborts a PostgreSQL transaction; its COMMIT would silently roll back.
      await u.markProcessed('console', null as unknown as string, T0).catch(() => undefined);
      return 'done';
    });
    await expect(work).rejects.toThrow(/rolled back/);
    expect(await count('tickets')).toBe(0);
  });

  it('refuses a unit of work used after its transaction ended', async () => {
    const { store } = await open();
    const leaked = await store.transaction(async (u) => u);
    await expect(leaked.tickets.list(1)).rejects.toThrow(/after its transaction ended/);
  });

  it('opens an already migrated schema again without migrating twice', async () => {
    const db = await pgTestSchema();
    try {
      for (const _ of [1, 2]) {
        const store = await PgStore.open(db.url, { poolSize: 1 });
        await store.transaction((u) => u.tickets.nextNumber('GRV', 2026));
        await store.close();
      }
      const store = await PgStore.open(db.url, { poolSize: 1 });
      expect(await store.transaction((u) => u.tickets.nextNumber('GRV', 2026))).toBe(3);
      await store.close();
      const migrated = await db.query(`select name from ${db.schema}.kysely_migration order by name`);
      expect(migrated.length).toBeGreaterThan(0);
      expect(new Set(migrated.map((r) => r.name)).size).toBe(migrated.length);
    } finally {
      await db.drop();
    }
  });
});

describe('PgStore.open', () => {
  it('names DATABASE_URL and host:port, never the password, when the server cannot be reached', async () => {
    // Port 1 on the loopback address: nothing listens there, so the connection is refused at once.
    const error = await PgStore.open('postgres://nivaran:s3cret-pw@127.0.0.1:1/nivaran').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ERROR_CODES.STORAGE_OPEN);
    expect((error as AppError).message).toContain('DATABASE_URL');
    expect((error as AppError).message).toContain('127.0.0.1:1');
    expect((error as AppError).message).not.toContain('s3cret-pw');
  });
});

describe('KeyvSqlStore', () => {
  it('refuses to read or write outside a unit of work, with a message saying why', async () => {
    const store = new KeyvSqlStore(compileKeyvQueries(pgCompiler()));
    await expect(store.get('session:console:a')).rejects.toThrow(/inside Store.transaction/);
    await expect(store.set('session:console:a', '{}')).rejects.toThrow(/inside Store.transaction/);
  });
});

describe('DATABASE_URL and openStore', () => {
  it('accepts postgres:// and postgresql:// URLs and rejects others, naming the variable', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/x' }).databaseUrl).toBeUndefined();
    // OTP_SECRET: required with DATABASE_URL (instances sharing the database must share it).
    const OTP_SECRET = 'a-shared-secret-of-at-least-32-chars';
    const DESK_SECRET = OTP_SECRET;
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', OTP_SECRET, DESK_SECRET, AUDIT_SECRET: OTP_SECRET }).databaseUrl).toBe('postgres://u@h/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h:5433/db', OTP_SECRET, DESK_SECRET, AUDIT_SECRET: OTP_SECRET }).databaseUrl).toBe('postgresql://u:p@h:5433/db');
    const error = (() => {
      try {
        loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('DATABASE_URL');
    expect((error as AppError).message).not.toContain('secret');
  });

  it('opens SQLite in DATA_DIR when DATABASE_URL is unset', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-open-store-'));
    const store = await openStore(loadConfig({ DATA_DIR: dir }));
    expect(store).toBeInstanceOf(SqliteStore);
    await store.close();
    expect(fs.existsSync(path.join(dir, 'nivaran.sqlite'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!TEST_DATABASE_URL)('opens PostgreSQL when DATABASE_URL is set', async () => {
    const db = await pgTestSchema();
    try {
      const store = await openStore({ databaseFile: '/nonexistent/never-used.sqlite', databaseUrl: db.url, auditSecret: 'a'.repeat(32), dataDir: '/nonexistent' });
      expect(store).toBeInstanceOf(PgStore);
      expect(await store.transaction((u) => u.tickets.nextNumber('GRV', 2026))).toBe(1);
      await store.close();
    } finally {
      await db.drop();
    }
  });
});
