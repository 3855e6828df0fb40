import { afterEach, describe, expect, it } from 'vitest';
import { buildDesk } from '../../src/desk/server.ts';
import { createLogger } from '../../src/logger.ts';
import { startMetricsServer } from '../../src/metrics/http.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { fileGrievance } from '../helpers/desk.ts';
import { FakeClock, startHarness, type Harness } from '../helpers/harness.ts';

const START = '2026-11-23T05:30:00.000Z';
const TOKEN = 'metrics-token-0123456789abcdef';
const DAY = 86_400_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(env: Record<string, string> = { METRICS_TOKEN: TOKEN }) {
  const h: Harness = await startHarness({ clock: new FakeClock(START), env });
  cleanups.push(() => h.close());
  const server = await buildDesk(h.app, { secret: 'desk-test-secret-of-32-characters!!', trustProxy: false, sessionHours: 12, logger: createLogger('silent'), clock: h.clock.now });
  cleanups.push(() => server.close());
  const scrape = async () => {
    const res = await server.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  return { h, server, scrape };
}

/** The value of one sample line, e.g. `nivaran_tickets_open{kind="grievance",level="0"}`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('counts a scripted conversation: messages in and out, processing time, open tickets, outbox, then the deadline passing', async () => {
    const { h, scrape } = await setup();
    const number = await fileGrievance(h);
    const said = 8; // hi, language, consent, menu, category, description, contact, confirm
    const body = await scrape();
    expect(sample(body, 'nivaran_messages_in_total{channel="console"}')).toBe(said);
    expect(sample(body, 'nivaran_message_processing_seconds_count{channel="console"}')).toBe(said);
    // Every reply the bot wrote to the transcript has been sent (the harness drains after each message).
    const store = h.app.store as unknown as { connection: { prepare(s: string): { get(): { n: number } } } };
    const out = store.connection.prepare(`select count(*) as n from transcripts where direction = 'out'`).get().n;
    expect(out).toBeGreaterThan(said);
    expect(sample(body, 'nivaran_messages_out_total{channel="console"}')).toBe(out);
    expect(sample(body, 'nivaran_tickets_open{kind="grievance",level="0"}')).toBe(1);
    expect(sample(body, 'nivaran_tickets_past_due')).toBe(0);
    expect(sample(body, 'nivaran_outbox_depth{channel="console",status="pending"}')).toBe(0);
    expect(sample(body, 'nivaran_outbox_oldest_age_seconds{channel="console"}')).toBe(0);
    expect(sample(body, 'nivaran_handoffs_waiting')).toBe(0);
    expect(sample(body, 'nivaran_channel_up{channel="console"}')).toBe(1);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
    expect(body).not.toContain(number); // no ticket numbers, no citizen data

    // Forty days on, before the scheduler runs: the timers are due and the ticket is past due.
    h.clock.advance(40 * DAY);
    const late = await scrape();
    expect(sample(late, 'nivaran_tickets_past_due')).toBe(1);
    expect(sample(late, 'nivaran_timers_due')).toBeGreaterThan(0);
    expect(sample(late, 'nivaran_scheduler_sweep_seconds_count')).toBe(0);
    await h.app.scheduler.sweep();
    const swept = await scrape();
    expect(sample(swept, 'nivaran_timers_due')).toBe(0);
    expect(sample(swept, 'nivaran_timers_fired_total')).toBeGreaterThan(0);
    // Escalated past the first rung's time: the open ticket now counts at rung 1.
    expect(sample(swept, 'nivaran_tickets_open{kind="grievance",level="0"}')).toBeUndefined();
    expect(sample(swept, 'nivaran_tickets_open{kind="grievance",level="1"}')).toBe(1);
    expect(sample(swept, 'nivaran_tickets_breached_open')).toBe(1);
    expect(sample(swept, 'nivaran_scheduler_sweep_seconds_count')).toBe(1);
  });

  it('needs the token; without METRICS_TOKEN the desk has no /metrics', async () => {
    const { server } = await setup();
    expect((await server.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await server.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    const plain = await setup({});
    expect((await plain.server.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('counts refused sends by reason', async () => {
    const { h } = await setup();
    const m = new Metrics(h.app.store, h.clock.now);
    const failures = [Object.assign(new Error('429'), { retryAfterMs: 3000 }), Object.assign(new Error('blocked'), { retryable: false }), new Error('timeout')];
    const adapter = m.instrumentAdapter({ name: 'telegram', send: async () => { const e = failures.shift(); if (e) throw e; } });
    for (let i = 0; i < 4; i++) await adapter.send('x', { text: 'hi', choices: [] }).catch(() => undefined);
    const body = (await m.render()).body;
    expect(sample(body, 'nivaran_send_failures_total{channel="telegram",reason="rate_limited"}')).toBe(1);
    expect(sample(body, 'nivaran_send_failures_total{channel="telegram",reason="hopeless"}')).toBe(1);
    expect(sample(body, 'nivaran_send_failures_total{channel="telegram",reason="retried"}')).toBe(1);
    expect(sample(body, 'nivaran_messages_out_total{channel="telegram"}')).toBe(1);
  });
});

describe('/readyz and METRICS_PORT', () => {
  it('is ready with the database migrated and every channel up; 503 naming a channel that is down', async () => {
    const { h, server } = await setup();
    const ok = await server.inject({ url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ready: true, database: 'ok', migrations: 'ok', channels: { console: 'up' } });
    h.app.metrics.setChannelUp('console', false);
    const down = await server.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ ready: false, channels: { console: 'down' } });
    expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('serves /metrics, /healthz and /readyz on a port of its own without a token', async () => {
    const { h } = await setup({});
    const s = await startMetricsServer(h.app, { host: '127.0.0.1', port: 0, logger: createLogger('silent') });
    cleanups.push(() => s.close());
    const base = `http://127.0.0.1:${s.port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('nivaran_tickets_open');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ ready: true });
  });
});
