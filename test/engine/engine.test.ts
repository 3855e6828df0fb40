import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActionDefinition } from '../../src/engine/actions/types.ts';
import { MAX_ATTEMPTS, newSession, resume, type EngineInput } from '../../src/engine/engine.ts';
import type { SessionState } from '../../src/engine/session.ts';
import { compileFlowSet } from '../../src/engine/flow-set.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';

let n = 0;
const msg = (text: string, extra: Partial<EngineInput> = {}): EngineInput => ({ messageKey: `console:m${++n}`, text, ...extra });

async function drive(texts: string[], start?: SessionState) {
  const { env, render } = memoryEngine();
  let session = start;
  let last: Awaited<ReturnType<typeof resume>> | undefined;
  for (const t of texts) {
    last = await resume(env, session, msg(t));
    session = last.session;
  }
  return { session: session!, events: last!.events, said: render(last!.events) };
}

describe('engine', () => {
  it('greets a new citizen with the language question and waits', async () => {
    const { session, events } = await drive(['hello']);
    expect(session.status).toBe('waiting');
    expect(session.at).toEqual({ flow: 'main', step: 'choose_language' });
    expect(events.at(-1)).toMatchObject({ type: 'wait_started', kind: 'choice' });
  });

  it('accepts Devanagari digits, numbers, ids and labels in either language for a choice', async () => {
    for (const answer of ['१', '1', 'हिंदी', 'Hindi']) {
      const { session } = await drive(['hi', answer]);
      expect(session.lang, answer).toBe('hi');
      // Consent comes before anything else is asked.
      expect(session.at).toEqual({ flow: 'consent', step: 'notice' });
    }
  });

  it('does not mutate the session it was given (pure)', async () => {
    const { session } = await drive(['hi', '2']);
    const before = JSON.stringify(session);
    await resume(memoryEngine().env, session, msg('1'));
    expect(JSON.stringify(session)).toBe(before);
  });

  it('changes a session given away whole (ownsSession) in place, to the same result as a copied one', async () => {
    const { session } = await drive(['hi', '2']);
    const copied = await resume(memoryEngine().env, structuredClone(session), msg('1'));
    const given = structuredClone(session);
    const owned = await resume(memoryEngine().env, given, msg('1'), { ownsSession: true });
    expect(owned.session).toBe(given);
    expect(owned.session).toEqual(copied.session);
    expect(owned.events.map((e) => e.type)).toEqual(copied.events.map((e) => e.type));
  });

  it('re-asks with the reason and hint, then offers help or an officer after three misses', async () => {
    const base = await drive(['hi', '2', 'yes', '1', '1']);
    expect(base.session.at.step).toBe('ask_description');
    const { env, render } = memoryEngine();
    let s = base.session;
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      const r = await resume(env, s, msg('short'));
      s = r.session;
      expect(s.at.step).toBe('ask_description');
      expect(s.attempts).toBe(i);
      expect(render(r.events)[0]).toContain('at least 10 characters');
    }
    const third = await resume(env, s, msg('tiny'));
    expect(third.session.at).toEqual({ flow: 'main', step: 'stuck' });
    expect(third.session.stack).toEqual([{ flow: 'grievance', step: 'ask_description' }]);
    const back = await resume(env, third.session, msg('1'));
    expect(back.session.at).toEqual({ flow: 'grievance', step: 'ask_description' });
    expect(back.session.attempts).toBe(0);
  });

  it('switches language at any step and asks the same question again in the new language', async () => {
    const { session, said } = await drive(['hi', '2', 'yes', '1', 'हिंदी']);
    expect(session.lang).toBe('hi');
    expect(session.at).toEqual({ flow: 'grievance', step: 'ask_category' });
    expect(said).toEqual(['भाषा हिंदी कर दी गई है।', 'आपकी शिकायत किस बारे में है?']);
  });

  it('answers "status <number>" in the middle of a flow and returns to the waiting question', async () => {
    const { env, tickets, render } = memoryEngine();
    tickets.set('GRV-2026-000007', { number: 'GRV-2026-000007', kind: 'grievance', status: 'open', createdAt: '2026-11-20T05:00:00.000Z', dueAt: '2026-12-20T18:29:59.000Z' });
    const mid = await drive(['hi', '2', 'yes', '1']);
    const r = await resume(env, mid.session, msg('status grv 2026 7'));
    expect(render(r.events)[0]).toContain('Ticket GRV-2026-000007');
    expect(render(r.events)[0]).toContain('days left: 28');
    expect(r.session.at).toEqual({ flow: 'grievance', step: 'ask_category' });
    expect(r.session.stack).toEqual([]);
  });

  it('answers a sticker or voice note politely without counting it as a wrong answer', async () => {
    const mid = await drive(['hi', '2', 'yes', '1']);
    const { env, render } = memoryEngine();
    const r = await resume(env, mid.session, msg('', { media: 'voice' }));
    expect(render(r.events)[0]).toBe('Sorry, I can only read text messages here. Please type your answer.');
    expect(r.session.attempts).toBe(0);
    expect(r.session.at.step).toBe('ask_category');
  });

  it('opens a ticket with a pre-allocated number and the due date excluding the day of receipt', async () => {
    const { events, session } = await drive(['hi', '2', 'yes', '1', '3', 'I was charged twice for the October water bill.', '3', 'yes']);
    const open = events.find((e) => e.type === 'ticket_open_requested');
    expect(open).toMatchObject({
      number: 'GRV-2026-000001',
      kind: 'grievance',
      fields: { category: 'billing', description: 'I was charged twice for the October water bill.', contact: null },
      dueAt: '2026-12-22T18:29:59.000Z',
      idempotencyKey: expect.stringMatching(/^ticket:console:m\d+:grievance\/open$/),
    });
    expect(session.status).toBe('ended');
  });

  it('lets the citizen correct one answer from the confirmation and come straight back to it', async () => {
    const { session, said } = await drive(['hi', '2', 'yes', '1', '3', 'I was charged twice for the October bill.', '3', 'no', '1', '2']);
    expect(session.at.step).toBe('ask_confirm');
    expect(said[0]).toContain('Subject: Behaviour of staff');
    expect(said[0]).toContain('I was charged twice for the October bill.');
  });

  it('parses an action step\'s parameters once when they name no variable (shared, read-only), at every run when they do', async () => {
    const { env, content } = memoryEngine();
    const seen: unknown[] = [];
    let parses = 0;
    const params = z.object({ fixed: z.object({ on: z.boolean() }), given: z.unknown().optional() }).transform((p) => (parses++, p));
    const probe: ActionDefinition<typeof params> = {
      name: 'probe', params, exits: [],
      async run(_ctx, p) {
        seen.push(p);
        return {};
      },
    };
    const flow = (withVar: boolean) => compileFlowSet(
      [{
        specVersion: '1.0.0', id: 'main', start: 'start', entries: [], inputs: [],
        steps: [
          { id: 'start', type: 'action', action: 'probe', params: { fixed: { on: true }, ...(withVar ? { given: '$name' } : {}) }, next: 'done' },
          { id: 'done', type: 'end' },
        ],
      }],
      content.flows.commands,
    );
    const actions = new Map([...content.actions, ['probe', probe as unknown as ActionDefinition]]);
    const plain = { ...env, actions, flows: flow(false) };
    for (let i = 0; i < 3; i++) await resume(plain, newSession('en'), msg('hello'));
    expect(parses).toBe(1);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(seen[2]);
    expect(Object.isFrozen((seen[0] as { fixed: object }).fixed)).toBe(true);

    const named = { ...env, actions, flows: flow(true) };
    seen.length = 0;
    for (const name of ['Asha', 'Ravi']) await resume(named, { ...newSession('en'), vars: { name } }, msg('hello'));
    expect(seen).toEqual([{ fixed: { on: true }, given: 'Asha' }, { fixed: { on: true }, given: 'Ravi' }]);
    expect(parses).toBe(3);
  });

  it('stops a flow that loops without asking and says sorry instead of hanging', async () => {
    const { env, content, render } = memoryEngine();
    const looping = compileFlowSet(
      [{ specVersion: '1.0.0', id: 'main', start: 'start', entries: [], inputs: [], steps: [{ id: 'start', type: 'goto', to: 'again', reset: false }, { id: 'again', type: 'goto', to: 'start', reset: false }] }],
      content.flows.commands,
    );
    const r = await resume({ ...env, flows: looping }, newSession('en'), msg('hello'));
    expect(r.events.find((e) => e.type === 'error')).toMatchObject({ code: 'NIV_FLOW_LOOP' });
    expect(render(r.events)).toEqual(['Sorry, something went wrong on our side. Please type menu to start again. Any grievance already registered is safe.']);
    expect(r.session.status).toBe('ended');
  });

  it('treats a word that is an option of the waiting question as the answer, not a command', async () => {
    const { session } = await drive(['hello', 'English']);
    expect(session.lang).toBe('en');
    expect(session.at).toEqual({ flow: 'consent', step: 'notice' });
  });

  it('uses typed Devanagari as a language hint before the citizen has chosen', async () => {
    const { env, render } = memoryEngine();
    const r = await resume(env, undefined, msg('मदद'));
    expect(r.events[0]).toMatchObject({ type: 'msg_created', lang: 'hi' });
    expect(render(r.events)[0]).toContain('आप किसी भी समय');
  });
});

describe('the citizen\'s own number', () => {
  it('asks with a share-my-number button, and refuses a contact that is not the citizen\'s own', async () => {
    const { env, render } = memoryEngine();
    const at = await drive(['hi', '2', 'yes', '1', '1', 'No water in Sector 4 since Friday morning.', '1']);
    expect(at.events.find((e) => e.type === 'msg_created' && e.key === 'grievance.ask_phone')).toMatchObject({ requestContact: true });
    const foreign = await resume(env, at.session, msg('', { contact: { phone: '+919123456780', own: false } }));
    expect(render(foreign.events)[0]).toBe('Please share your own number with the button below, or type it.');
    expect(foreign.session.at.step).toBe('ask_phone');
    const own = await resume(env, at.session, msg('', { contact: { phone: '+919876543210', own: true } }));
    expect(own.session.vars.contact).toBe('+919876543210');
  });
});
