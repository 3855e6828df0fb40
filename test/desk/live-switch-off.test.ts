import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Officer } from '../../src/desk/accounts.ts';
import { listenDesk } from '../helpers/chromium.ts';
import { addOfficer, fileGrievance } from '../helpers/desk.ts';
import { DeskClient } from '../helpers/desk-client.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

/**
 * "Officers can be switched off: sessions and tokens end at once" holds for a page already open
 * too: its live stream of the conversation stops before it carries anything more.
 */
let h: Harness;
let server: FastifyInstance;
let base: string;
let asha: Officer;
let admin: Officer;
let number: string;

beforeEach(async () => {
  h = await startHarness();
  ({ server, base } = await listenDesk(h));
  asha = await addOfficer(h.app, 'officer', 'Asha Verma');
  admin = await addOfficer(h.app, 'admin', 'Meena Rao');
  number = await fileGrievance(h, { user: 'c1' });
});
afterEach(async () => {
  await server.close();
  await h.close();
});

/** Opens the ticket's live stream as the browser would, and reads it as text. */
async function openStream(client: DeskClient) {
  const res = await fetch(`${base}/tickets/${number}/events`, { headers: { cookie: client.cookieHeader, accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    ended = true;
  })();
  return {
    get text() {
      return text;
    },
    get ended() {
      return ended;
    },
    /** Waits (up to 10 s of real time: the stream's own timers are real) for `test`. */
    async until(test: () => boolean) {
      for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 50));
    },
    cancel: async () => {
      await reader.cancel().catch(() => undefined);
      await pump.catch(() => undefined);
    },
  };
}

/** The citizen writes again: the stream ends without carrying it. */
async function expectClosedBeforeNextMessage(stream: Awaited<ReturnType<typeof openStream>>) {
  await h.say('My neighbour Ramesh has the same problem.', { user: 'c1' });
  await stream.until(() => stream.ended);
  expect(stream.ended).toBe(true);
  expect(stream.text).not.toContain('Ramesh');
}

describe('an open live page of an officer who is switched off or logs out', () => {
  it('is closed at the next change, and the citizen’s next message never reaches it', async () => {
    const browser = new DeskClient(server);
    await browser.login(asha.email);
    const stream = await openStream(browser);
    try {
      await stream.until(() => stream.text.includes('event: rows'));
      expect(stream.text).toContain('No water in Sector 4');
      // While the account is on, a new message is pushed at once.
      await h.say('The tanker has not come either.', { user: 'c1' });
      await stream.until(() => stream.text.includes('The tanker has not come either.'));
      expect(stream.text).toContain('The tanker has not come either.');

      await h.app.accounts.deactivate(asha.id, `officer:${admin.id}`);
      await expectClosedBeforeNextMessage(stream);
    } finally {
      await stream.cancel();
    }
  }, 30_000);

  it('logging out in another tab ends it too', async () => {
    const browser = new DeskClient(server);
    await browser.login(asha.email);
    const stream = await openStream(browser);
    try {
      await stream.until(() => stream.text.includes('event: rows'));
      // The officer logs out in the same browser (another tab): the session is gone.
      await browser.get('/queue');
      expect((await browser.post('/logout', {})).statusCode).toBe(303);
      await expectClosedBeforeNextMessage(stream);
    } finally {
      await stream.cancel();
    }
  }, 30_000);
});
