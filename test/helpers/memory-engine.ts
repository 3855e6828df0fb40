import path from 'node:path';
import { loadContent } from '../../src/app.ts';
import type { EngineServices, TicketView } from '../../src/engine/actions/types.ts';
import type { EngineEnv } from '../../src/engine/engine.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import { deadline } from '../../src/domain/sla/deadline.ts';
import { testConfig } from './harness.ts';

/** The shipped flows and texts with in-memory services: the engine alone, no store. */
export function memoryEngine(now = new Date('2026-11-22T05:30:00.000Z')) {
  const content = loadContent(testConfig(path.join('/tmp', 'unused')));
  const tickets = new Map<string, TicketView>();
  const seq = new Map<string, number>();
  const services: EngineServices = {
    async nextTicketNumber(prefix, year) {
      const k = `${prefix}-${year}`;
      const n = (seq.get(k) ?? 0) + 1;
      seq.set(k, n);
      return n;
    },
    async findOwnTicket(number) {
      return tickets.get(number);
    },
    dueFor: (kind, at) => deadline(at, content.profile.policies[kind === 'data_rights' ? 'data_rights' : 'grievance'].resolve, content.calendar),
    consentNotice: () => ({ version: 'test', hash: 'f'.repeat(64) }),
    coolingOffUntil: (at) => new Date(at.getTime() + 7 * 86_400_000),
    requiredLevel: (request) => (request === 'grievance' ? 'none' : 'otp'),
    // One principal on file, +919876543210; the code is always 123456.
    identity: {
      find: async (q) => (q.mobile === '+919876543210' ? { status: 'found', principalId: 1, via: 'sms' } : { status: 'not_found' }),
      decoy: async () => undefined,
      startChallenge: async () => ({ status: 'sent', destination: '+91 98XXXXX210' }),
      checkCode: async (code) => (code === '123456' ? { status: 'verified' } : { status: 'wrong', attemptsLeft: 2 }),
    },
  };
  const env: EngineEnv = {
    flows: content.flows.set,
    actions: content.actions,
    labels: content.translator.labels,
    understanding: content.understanding,
    services,
    now,
  };
  const render = (events: EngineEvent[]) =>
    events.flatMap((e) => (e.type === 'msg_created' ? [content.translator.t(e.lang, e.key, e.params)] : []));
  return { env, tickets, content, render };
}
