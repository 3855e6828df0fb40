import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { liveWhatsAppCloud } from '../../src/channels/whatsapp-cloud/live.ts';
import { signBody, WHATSAPP_WEBHOOK_PATH } from '../../src/channels/whatsapp-cloud/webhook.ts';
import { WebhookServer } from '../../src/http/webhook-server.ts';
import { createLogger } from '../../src/logger.ts';
import { featureQueries } from '../../src/storage/feature-queries.ts';
import { prepare } from '../../src/storage/prepared.ts';
import { FakeGraph, readable, type GraphSend } from '../channels/whatsapp-cloud/fake-graph.ts';
import { buttonReply, CITIZEN, listReply, PHONE_ID, text } from '../channels/whatsapp-cloud/payloads.ts';
import { FakeClock, TEST_PROFILE, tempDataDir, testConfig } from '../helpers/harness.ts';

/**
 * The satisfaction question and the rating on the WhatsApp Cloud API. A resolution usually comes
 * days after the citizen last wrote: WhatsApp then accepts only an approved template, and the
 * adapter sends the question through the profile's notification template with its choices
 * numbered. The citizen's answer reopens the 24-hour window, so the rating question that follows
 * goes as an interactive list; should the window be closed all the same (the adapter's memory of
 * it is lost on a restart, or WhatsApp says so), the rating question too goes through the template,
 * and a typed number answers it.
 */
const APP_SECRET = 'app-secret-0123456789abcdef';
const HOUR = 3_600_000;
const ratings = featureQueries((db) => ({
  all: prepare<Record<string, never>, { rating: number; comment: string | null }>(() => db.selectFrom('ratings').select(['rating', 'comment'])),
}));

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

async function start() {
  const profile = path.join(tempDataDir(), 'profile.yaml');
  fs.writeFileSync(profile, `${fs.readFileSync(TEST_PROFILE, 'utf8')}\nwhatsapp:\n  templates:\n    notification:\n      name: nivaran_update\n      language: { en: en_US, hi: hi }\n`);
  const graph = new FakeGraph();
  const apiRoot = await graph.listen();
  const clock = new FakeClock();
  const logger = createLogger('silent');
  const server = new WebhookServer(logger);
  const live = liveWhatsAppCloud({ token: 'EAAGexampletoken0123456789abcdef', phoneNumberId: PHONE_ID, appSecret: APP_SECRET, verifyToken: 'verify-token-42', apiRoot, port: 0 }, logger, { drainIntervalMs: 50, clock: clock.now }, server);
  const app: App = await createApp(testConfig(tempDataDir(), { PROFILE_FILE: profile }), { logger, adapters: [live.channel.adapter], clock: clock.now });
  live.bind(app);
  await server.listen(0, { host: '127.0.0.1' });
  await live.start();
  cleanups.push(() => graph.close(), () => app.close(), () => live.stop(), () => server.close());
  const url = `http://127.0.0.1:${server.port}${WHATSAPP_WEBHOOK_PATH}`;
  const at = () => Math.floor(clock.now().getTime() / 1000);
  let seen = 0;
  /** What reaches the citizen's phone until a message matches `last` (the next sends in order). */
  const until = async (last: RegExp): Promise<GraphSend[]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const fresh = graph.sent.slice(seen);
      const hit = fresh.findIndex((m) => last.test(readable(m)));
      if (hit >= 0) {
        seen += hit + 1;
        return fresh.slice(0, hit + 1);
      }
      if (Date.now() > deadline) throw new Error(`no message matching ${last}; got: ${fresh.map((m) => readable(m).slice(0, 60)).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const post = async (body: unknown, last: RegExp) => {
    clock.advance(1000);
    const raw = JSON.stringify(body);
    const res = await fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, APP_SECRET) } });
    expect(res.status).toBe(200);
    return until(last);
  };
  return { graph, live, app, clock, post, until, at };
}

describe('the rating on WhatsApp Cloud', () => {
  it('the satisfaction question goes through the template outside the window; the rating, in it, as a list; both answered', async () => {
    const { graph, app, clock, post, until, at } = await start();
    await post(text('Hello', CITIZEN, at()), /choose your language/);
    await post(buttonReply('en', 'English', CITIZEN, at()), /Do you consent/);
    await post(buttonReply('yes', 'Yes', CITIZEN, at()), /How may I help you/);
    await post(listReply('grievance', 'Register a grievance', CITIZEN, at()), /What is your grievance about/);
    await post(listReply('service', 'Delay or poor service', CITIZEN, at()), /describe your grievance/);
    await post(text('No water in Ward 12 for six days now, and no notice was given.', CITIZEN, at()), /May an officer contact you/);
    await post(listReply('none', 'No, reply in this chat', CITIZEN, at()), /Shall I register/);
    await post(buttonReply('yes', 'Yes', CITIZEN, at()), /GRV-2026-000001/);

    // Three days later an officer resolves the ticket.
    clock.advance(72 * HOUR);
    await app.store.transaction((u) => app.tickets.transition(u, 'GRV-2026-000001', 'resolved', { actor: 'officer-1', reason: 'Supply restored on Monday.', now: clock.now() }));
    await app.sender.drain('whatsapp-cloud');
    const [resolved] = await until(/Are you satisfied/);
    expect(resolved!.type).toBe('template');
    expect(resolved!.body).toMatchObject({ template: { name: 'nivaran_update', language: { code: 'en_US' } } });
    expect(readable(resolved!)).toBe('Your ticket GRV-2026-000001 has been resolved. Answer: Supply restored on Monday. For any question about your data or this request, contact A. Sharma, Data Protection Officer: dpo@example.org, +91 11 2345 6789. Are you satisfied with this answer? 1. Yes 2. No');

    // A template's reader types the number: the answer reopens the window.
    const rating = await post(text('1', CITIZEN, at()), /How would you rate/);
    expect(rating.map((m) => m.type)).toEqual(['text', 'interactive']);
    const list = (rating[1]!.body as { interactive: { type: string; action: { sections: Array<{ rows: Array<{ id: string; title: string }> }> } } }).interactive;
    expect(list.type).toBe('list');
    expect(list.action.sections[0]!.rows.map((r) => [r.id, r.title])).toEqual([['r1', 'Very poor'], ['r2', 'Poor'], ['r3', 'Average'], ['r4', 'Good'], ['r5', 'Very good']]);
    const comment = await post(listReply('r4', 'Good', CITIZEN, at()), /add a comment/);
    expect((comment.at(-1)!.body as { interactive: { type: string; action: { buttons: Array<{ reply: { id: string; title: string } }> } } }).interactive)
      .toMatchObject({ type: 'button', action: { buttons: [{ reply: { id: 'skip', title: 'Skip' } }] } });
    await post(buttonReply('skip', 'Skip', CITIZEN, at()), /Thank you for your feedback/);

    expect(graph.sent.filter((s) => s.type === 'template')).toHaveLength(1);
    expect(await app.store.transaction((u) => u.exec.all(ratings(u.dialect).all, {}))).toEqual([{ rating: 4, comment: null }]);
  });

  it('with the window closed all the same, the rating question goes through the template, numbered, and a typed number answers it', async () => {
    const { graph, app, clock, post, until, at } = await start();
    await post(text('नमस्ते', CITIZEN, at()), /choose your language/);
    await post(buttonReply('hi', 'हिंदी', CITIZEN, at()), /सहमति देते हैं/);
    await post(buttonReply('yes', 'हाँ', CITIZEN, at()), /सहायता करूँ/);
    await post(listReply('grievance', 'शिकायत दर्ज करें', CITIZEN, at()), /किस बारे में/);
    await post(listReply('billing', 'शुल्क, फ़ीस या भुगतान', CITIZEN, at()), /अपने शब्दों में/);
    await post(text('अक्टूबर के पानी के बिल की राशि दो बार काटी गई।', CITIZEN, at()), /संपर्क कर सकता है/);
    await post(listReply('none', 'नहीं, इसी चैट में उत्तर दें', CITIZEN, at()), /दर्ज कर दी जाए/);
    await post(buttonReply('yes', 'हाँ', CITIZEN, at()), /GRV-2026-000001/);
    clock.advance(30 * HOUR);
    await app.store.transaction((u) => app.tickets.transition(u, 'GRV-2026-000001', 'resolved', { actor: 'officer-1', reason: 'राशि वापस कर दी गई है।', now: clock.now() }));
    await app.sender.drain('whatsapp-cloud');
    expect((await until(/संतुष्ट हैं/))[0]!.type).toBe('template');

    // WhatsApp still counts the window as closed (131047) when the reply to "हाँ" goes out: the
    // adapter falls back to the template, and the rating question that follows goes the same way.
    graph.failNext(400, { error: { message: '(#131047) Re-engagement message', code: 131047 } });
    const sent = await post(text('हाँ', CITIZEN, at()), /उत्तर कैसा लगा/);
    expect(sent.map((m) => m.type)).toEqual(['template', 'template']);
    expect(sent[1]!.body).toMatchObject({ template: { name: 'nivaran_update', language: { code: 'hi' } } });
    expect(readable(sent[1]!)).toBe('आपको टिकट GRV-2026-000001 का उत्तर कैसा लगा? 1 (बहुत खराब) से 5 (बहुत अच्छा) तक कोई एक अंक चुनें। 1. बहुत खराब 2. खराब 3. औसत 4. अच्छा 5. बहुत अच्छा');

    // The citizen types a number (Devanagari digits too): the window is open again.
    const next = await post(text('२', CITIZEN, at()), /टिप्पणी/);
    expect(next.at(-1)!.type).toBe('interactive');
    await post(text('राशि अब तक खाते में नहीं आई।', CITIZEN, at()), /अपील करना चाहेंगे/);
    expect(await app.store.transaction((u) => u.exec.all(ratings(u.dialect).all, {}))).toEqual([{ rating: 2, comment: 'राशि अब तक खाते में नहीं आई।' }]);
  });
});
