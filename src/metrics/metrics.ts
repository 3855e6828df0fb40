import { performance } from 'node:perf_hooks';
import client from 'prom-client';
import type { ChannelAdapter, InboundMessage } from '../channels/types.ts';
import type { HandleResult } from '../router/router.ts';
import type { SweepResult } from '../scheduler/scheduler.ts';
import { migrations, type Dialect } from '../storage/db.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { notifyQueries } from '../notify/queries.ts';
import { metricsQueries } from './queries.ts';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  migrations: 'ok' | 'pending';
  channels: Record<string, 'up' | 'down'>;
}

/**
 * The Prometheus metrics (prom-client, a registry per app so tests and instances never mix) and
 * the readiness check. Counters and histograms are fed as messages pass; the queue and ticket
 * gauges are read from the database at each scrape, so they are right across instances.
 */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly channels = new Map<string, boolean>();
  private defaultsOn = false;

  private readonly messagesIn = new client.Counter({ name: 'nivaran_messages_in_total', help: 'Messages received from citizens, per channel (redeliveries included).', labelNames: ['channel'], registers: [this.registry] });
  private readonly messagesOut = new client.Counter({ name: 'nivaran_messages_out_total', help: 'Replies a channel accepted, per channel.', labelNames: ['channel'], registers: [this.registry] });
  private readonly sendFailures = new client.Counter({
    name: 'nivaran_send_failures_total', help: 'Replies a channel did not accept, per channel and reason (rate_limited: the platform asked to wait; retried: tried again later; hopeless: not retried).',
    labelNames: ['channel', 'reason'], registers: [this.registry],
  });
  private readonly processing = new client.Histogram({
    name: 'nivaran_message_processing_seconds', help: 'Time from a message reaching the router to its unit of work being committed.',
    labelNames: ['channel'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  private readonly timersFired = new client.Counter({ name: 'nivaran_timers_fired_total', help: 'Reminders, breaches and escalations fired by the scheduler.', registers: [this.registry] });
  private readonly sweepSeconds = new client.Histogram({
    name: 'nivaran_scheduler_sweep_seconds', help: 'Duration of one scheduler sweep (timers and periodic jobs).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  private readonly channelUp = new client.Gauge({ name: 'nivaran_channel_up', help: '1 while the channel is connected.', labelNames: ['channel'], registers: [this.registry] });
  private readonly outboxDepth = new client.Gauge({ name: 'nivaran_outbox_depth', help: 'Replies waiting in the outbox, per channel and status (failed: given up, for an operator).', labelNames: ['channel', 'status'], registers: [this.registry] });
  private readonly outboxAge = new client.Gauge({ name: 'nivaran_outbox_oldest_age_seconds', help: 'Age of the oldest pending reply, per channel.', labelNames: ['channel'], registers: [this.registry] });
  private readonly ticketsOpen = new client.Gauge({ name: 'nivaran_tickets_open', help: 'Open tickets, per kind and rung of the ladder (0 = first).', labelNames: ['kind', 'level'], registers: [this.registry] });
  private readonly ticketsPastDue = new client.Gauge({ name: 'nivaran_tickets_past_due', help: 'Open tickets past their statutory due date.', registers: [this.registry] });
  private readonly ticketsBreached = new client.Gauge({ name: 'nivaran_tickets_breached_open', help: 'Open tickets with a recorded deadline breach.', registers: [this.registry] });
  private readonly timersDue = new client.Gauge({ name: 'nivaran_timers_due', help: 'Timers due and not yet fired (should stay near 0).', registers: [this.registry] });
  private readonly handoffsWaiting = new client.Gauge({ name: 'nivaran_handoffs_waiting', help: 'Citizens waiting for an officer in a live chat.', registers: [this.registry] });
  private readonly notifications = new client.Gauge({ name: 'nivaran_officer_notifications', help: "Officers' notifications by way (email, telegram) and status (pending, sent, failed, interrupted).", labelNames: ['via', 'status'], registers: [this.registry] });

  constructor(private readonly store: Store, private readonly clock: () => Date) {}

  /** Counts what passes through the adapter's `send`, without changing it. */
  instrumentAdapter(adapter: ChannelAdapter): ChannelAdapter {
    const m = this;
    this.setChannelUp(adapter.name, this.channels.get(adapter.name) ?? true);
    // Every argument passes through: the sender gives more than the recipient and the message.
    const send = async (...args: Parameters<ChannelAdapter['send']>): Promise<void> => {
      try {
        await adapter.send(...args);
        m.messagesOut.inc({ channel: adapter.name });
      } catch (err) {
        const f = (err && typeof err === 'object' ? err : {}) as { retryAfterMs?: unknown; retryable?: unknown; outboxStop?: unknown };
        // The outbox stopped the reply itself (taken over, or the citizen opted out): not the channel's failure.
        if (f.outboxStop === true) throw err;
        const reason = typeof f.retryAfterMs === 'number' ? 'rate_limited' : f.retryable === false ? 'hopeless' : 'retried';
        m.sendFailures.inc({ channel: adapter.name, reason });
        throw err;
      }
    };
    // A proxy, not a copy: every other member (present or added later) is the adapter's own,
    // called on the adapter itself.
    return new Proxy(adapter, {
      get(target, prop) {
        if (prop === 'send') return send;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /** Wraps the router's `handle`: messages in, and each one's processing time. */
  timeHandle(handle: (msg: InboundMessage) => Promise<HandleResult>): (msg: InboundMessage) => Promise<HandleResult> {
    return async (msg) => {
      this.messagesIn.inc({ channel: msg.channel });
      const start = performance.now();
      try {
        return await handle(msg);
      } finally {
        this.processing.observe({ channel: msg.channel }, (performance.now() - start) / 1000);
      }
    };
  }

  timeSweep(sweep: () => Promise<SweepResult>): () => Promise<SweepResult> {
    return async () => {
      const start = performance.now();
      const result = await sweep();
      this.sweepSeconds.observe((performance.now() - start) / 1000);
      this.timersFired.inc(result.fired);
      return result;
    };
  }

  setChannelUp(channel: string, up: boolean): void {
    this.channels.set(channel, up);
    this.channelUp.set({ channel }, up ? 1 : 0);
  }

  /** The text a Prometheus scrape reads. */
  async render(): Promise<{ contentType: string; body: string }> {
    if (!this.defaultsOn) {
      // Process metrics, among them nodejs_eventloop_lag_seconds; only once someone scrapes.
      client.collectDefaultMetrics({ register: this.registry });
      this.defaultsOn = true;
    }
    await this.refresh();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async refresh(): Promise<void> {
    const now = this.clock();
    const nowIso = now.toISOString();
    const snap = await this.store.transaction(async (uow) => {
      const q = metricsQueries(uow.dialect);
      return {
        outbox: await uow.exec.all(q.outbox, {}),
        open: await uow.exec.all(q.openTickets, {}),
        pastDue: (await uow.exec.all(q.pastDue, { now: nowIso }))[0]?.n ?? 0,
        breached: (await uow.exec.all(q.breachedOpen, {}))[0]?.n ?? 0,
        timersDue: (await uow.exec.all(q.timersDue, { now: nowIso }))[0]?.n ?? 0,
        waiting: await uow.handoffs.waitingCount(),
        notes: await uow.exec.all(notifyQueries(uow.dialect).countsByStatus, {}),
      };
    });
    this.outboxDepth.reset();
    this.outboxAge.reset();
    for (const channel of this.channels.keys()) {
      this.outboxDepth.set({ channel, status: 'pending' }, 0);
      this.outboxAge.set({ channel }, 0);
    }
    for (const r of snap.outbox) {
      this.outboxDepth.set({ channel: r.channel, status: r.status }, Number(r.n));
      if (r.status === 'pending') this.outboxAge.set({ channel: r.channel }, Math.max(0, (now.getTime() - Date.parse(r.oldest)) / 1000));
    }
    this.ticketsOpen.reset();
    for (const r of snap.open) this.ticketsOpen.set({ kind: r.kind, level: String(r.level) }, Number(r.n));
    this.ticketsPastDue.set(Number(snap.pastDue));
    this.ticketsBreached.set(Number(snap.breached));
    this.timersDue.set(Number(snap.timersDue));
    this.handoffsWaiting.set(Number(snap.waiting));
    this.notifications.reset();
    for (const r of snap.notes) this.notifications.set({ via: r.via, status: r.status }, Number(r.n));
  }

  /** /readyz: the database answers, every migration this code knows has run, every channel is up. */
  async readiness(): Promise<Readiness> {
    const channels = Object.fromEntries([...this.channels].map(([k, v]) => [k, v ? 'up' : 'down'] as const));
    const channelsUp = [...this.channels.values()].every(Boolean);
    let names: string[];
    let dialect: Dialect;
    try {
      ({ names, dialect } = await this.store.transaction(async (uow) => ({
        names: (await uow.exec.all(metricsQueries(uow.dialect).migrations, {})).map((r) => r.name),
        dialect: uow.dialect,
      })));
    } catch {
      return { ready: false, database: 'unreachable', migrations: 'pending', channels };
    }
    const done = Object.keys(migrations(dialect)).every((n) => names.includes(n));
    return { ready: done && channelsUp, database: 'ok', migrations: done ? 'ok' : 'pending', channels };
  }
}
