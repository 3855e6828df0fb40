import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { signBody } from '../../channels/whatsapp-cloud/webhook.ts';
import { ScaleGraph, type GraphSent } from './fake-graph.ts';
import { freePort } from '../free-port.ts';
import { Instance } from './instances.ts';

/**
 * The scale harness (docs/delivery.md): N citizens file a grievance over WhatsApp Cloud against
 * 1–3 `nivaran start` processes on one database, a fake Graph API on loopback, webhooks signed and
 * redelivered as Meta does (any non-2xx or refused connection is posted again, to any instance:
 * no sticky routing), while instances are killed, the database is cut and Graph storms 429s.
 */

const PHONE_ID = '106540352242922';
const APP_SECRET = 'scale-app-secret-0123456789abcdef';
const VERIFY = 'scale-verify';
const DESCRIPTION = 'The water supply in our lane has been irregular for two weeks.';

type Answer = { kind: 'text'; body: string } | { kind: 'button' | 'list'; id: string; title: string };
/** What the citizen sends, then what they wait to read before answering the next. */
const SCRIPT: Array<{ send: Answer; expect: RegExp }> = [
  { send: { kind: 'text', body: 'Hello' }, expect: /choose your language/ },
  { send: { kind: 'button', id: 'en', title: 'English' }, expect: /Do you consent/ },
  { send: { kind: 'button', id: 'yes', title: 'Yes' }, expect: /How may I help you/ },
  { send: { kind: 'list', id: 'grievance', title: 'Register a grievance' }, expect: /What is your grievance about/ },
  { send: { kind: 'list', id: 'service', title: 'Delay or poor service' }, expect: /describe your grievance/ },
  { send: { kind: 'text', body: DESCRIPTION }, expect: /May an officer contact you/ },
  { send: { kind: 'list', id: 'none', title: 'No, reply in this chat' }, expect: /Shall I register/ },
  { send: { kind: 'button', id: 'yes', title: 'Yes' }, expect: /GRV-\d{4}-\d{6}/ },
];
const ACK = /Ticket number: GRV-\d{4}-\d{6}/;

export interface ScenarioOptions {
  backend: 'sqlite' | 'postgres';
  instances: number;
  citizens: number;
  /** Kills (SIGKILL, restart after 0.5 s) at a random moment of each `killEveryMs` from `chaosStartMs` on. */
  kills: number;
  /** PostgreSQL: no connection at all for this long (existing ones terminated), from `chaosStartMs` + 6 s. */
  dbCutMs: number;
  /** Every Graph send answered 429 (Retry-After 1 s) for this long, from `chaosStartMs` + 13 s. */
  stormMs: number;
  /** When faults begin (default 2 s) and how far apart kills are (default 10 s); tests squeeze them. */
  chaosStartMs?: number;
  killEveryMs?: number;
  dbCutAtMs?: number;
  stormAtMs?: number;
  /** A citizen's pause between reading a question and answering it (default none). */
  thinkMs?: number;
  /** More environment for the instances (a test's fixed clock). */
  env?: Record<string, string>;
  /** A server URL whose user may create databases (PostgreSQL runs). */
  adminUrl?: string | undefined;
  seed: number;
  /** Give up waiting after this long; the citizens not done are stuck. */
  deadlineMs: number;
  leaseSeconds: number;
}

export interface ScenarioResult {
  options: ScenarioOptions;
  finished: number;
  stuck: number;
  seconds: number;
  messagesPerSecond: number;
  ticketsPerCitizen: { none: number; one: number; more: number };
  duplicateSends: number;
  duplicateAcks: number;
  /** Citizens who read a message more than once. */
  citizensWithDuplicates: number;
  /** The most duplicate messages one citizen read. */
  maxDuplicatesPerCitizen: number;
  outboxLeft: number;
  inDoubt: number;
  kills: number;
  refused429: number;
}

/** A small seeded generator, so a run's chaos can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const random = rng(o.seed);
  const graph = new ScaleGraph();
  const apiRoot = await graph.listen();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-scale-'));
  const pg = o.backend === 'postgres' ? await createDatabase(o.adminUrl) : undefined;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DESK_PORT: '0',
    OTP_SECRET: 'scale-otp-secret-of-at-least-32-characters',
    // Required with DATABASE_URL: it keys the audit chain (docs/security.md).
    AUDIT_SECRET: 'scale-audit-secret-of-at-least-32-characters',
    WA_CLOUD_TOKEN: 'EAAGscaletoken0123456789abcdef',
    WA_CLOUD_PHONE_ID: PHONE_ID,
    WA_CLOUD_APP_SECRET: APP_SECRET,
    WA_CLOUD_VERIFY_TOKEN: VERIFY,
    WA_CLOUD_API_ROOT: apiRoot,
    OUTBOX_LEASE_SECONDS: String(o.leaseSeconds),
    DB_STATEMENT_TIMEOUT_SECONDS: '5',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...o.env,
  };
  const instances: Instance[] = [];
  for (let i = 0; i < o.instances; i++) instances.push(new Instance(i, await freePort(), env));
  try {
    // One at a time: the first migrates the database.
    for (const inst of instances) await inst.start();
    const t0 = Date.now();
    const deadline = t0 + o.deadlineMs;
    const chaos = runChaos(o, instances, graph, pg, random, t0);
    const citizens = Array.from({ length: o.citizens }, (_, i) => `9198${String(10_000_000 + i).padStart(8, '0')}`);
    const done = new Set<string>();
    let lastDone = t0;
    await Promise.all(citizens.map(async (wa, i) => {
      await sleep(i * 5);
      if (await runCitizen(wa, instances, graph, deadline, random, o.thinkMs ?? 0)) {
        done.add(wa);
        lastDone = Date.now();
      }
    }));
    await chaos.catch(() => undefined);
    const seconds = (lastDone - t0) / 1000;
    // Stray duplicates (a taken-over lease) would arrive now: wait a lease and a little more.
    await sleep(o.leaseSeconds * 1000 + 3000);

    let duplicateSends = 0;
    let duplicateAcks = 0;
    let citizensWithDuplicates = 0;
    let maxDuplicatesPerCitizen = 0;
    for (const wa of citizens) {
      const sent: GraphSent[] = graph.byCitizen.get(wa) ?? [];
      const seen = new Set<string>();
      let dups = 0;
      for (const s of sent) {
        if (seen.has(s.key)) dups++;
        seen.add(s.key);
      }
      duplicateSends += dups;
      if (dups > 0 && process.env.SCALE_TRACE) {
        // What this citizen read, in order (SCALE_TRACE only: test numbers, no real citizen's data).
        process.stderr.write(`duplicates to ${wa}: ${sent.map((x) => `${x.type}:${x.text.slice(0, 40)}`).join(' | ')}\n`);
      }
      if (dups > 0) citizensWithDuplicates++;
      maxDuplicatesPerCitizen = Math.max(maxDuplicatesPerCitizen, dups);
      duplicateAcks += Math.max(0, sent.filter((s) => ACK.test(s.text)).length - 1);
    }
    for (const inst of instances) await inst.stop();
    const counts = pg ? await pg.counts() : sqliteCounts(path.join(dataDir, 'nivaran.sqlite'));
    const perCitizen = new Map(counts.tickets.map((t) => [t.conversation_key.replace(/^whatsapp-cloud:/, ''), t.n]));
    const ticketsPerCitizen = { none: 0, one: 0, more: 0 };
    for (const wa of citizens) {
      const n = perCitizen.get(wa) ?? 0;
      if (n === 0) ticketsPerCitizen.none++;
      else if (n === 1) ticketsPerCitizen.one++;
      else ticketsPerCitizen.more++;
    }
    return {
      options: o,
      finished: done.size,
      stuck: citizens.length - done.size,
      seconds,
      messagesPerSecond: (done.size * SCRIPT.length) / Math.max(seconds, 0.001),
      ticketsPerCitizen,
      duplicateSends,
      duplicateAcks,
      citizensWithDuplicates,
      maxDuplicatesPerCitizen,
      outboxLeft: counts.outbox,
      inDoubt: instances.reduce((n, i) => n + i.inDoubt, 0),
      kills: instances.reduce((n, i) => n + i.kills, 0),
      refused429: graph.refused,
    };
  } finally {
    for (const inst of instances) await inst.kill().catch(() => undefined);
    await graph.close();
    await pg?.drop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One citizen through the script; true when they read their ticket number. */
async function runCitizen(wa: string, instances: Instance[], graph: ScaleGraph, deadline: number, random: () => number, thinkMs: number): Promise<boolean> {
  let cursor = 0;
  for (const step of SCRIPT) {
    if (thinkMs > 0 && cursor > 0) await sleep(thinkMs);
    const body = JSON.stringify(webhookBody(wa, step.send));
    // Meta posts until it gets a 2xx, with back-off; here to any instance, as behind a plain balancer.
    for (;;) {
      if (Date.now() > deadline) return false;
      const alive = instances.filter((i) => i.alive);
      const target = (alive.length > 0 ? alive : instances)[Math.floor(random() * (alive.length || instances.length))]!;
      const ok = await fetch(`http://127.0.0.1:${target.port}/whatsapp/webhook`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
        signal: AbortSignal.timeout(20_000),
      }).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(500 + Math.floor(random() * 500));
    }
    for (;;) {
      const sent = graph.byCitizen.get(wa) ?? [];
      const hit = sent.findIndex((s, i) => i >= cursor && step.expect.test(s.text));
      if (hit >= 0) {
        cursor = hit + 1;
        break;
      }
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
  }
  return true;
}

let seq = 0;
function webhookBody(wa: string, a: Answer): unknown {
  const id = `wamid.SCALE${process.pid}${String(++seq).padStart(9, '0')}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const message = a.kind === 'text'
    ? { from: wa, id, timestamp, type: 'text', text: { body: a.body } }
    : {
        from: wa, id, timestamp, type: 'interactive',
        interactive: a.kind === 'button'
          ? { type: 'button_reply', button_reply: { id: a.id, title: a.title } }
          : { type: 'list_reply', list_reply: { id: a.id, title: a.title } },
      };
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: '102290129340398',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '911140001234', phone_number_id: PHONE_ID },
          contacts: [{ profile: { name: 'Citizen' }, wa_id: wa }],
          messages: [message],
        },
      }],
    }],
  };
}

async function runChaos(o: ScenarioOptions, instances: Instance[], graph: ScaleGraph, pg: PgDatabase | undefined, random: () => number, t0: number): Promise<void> {
  const at = (ms: number) => sleep(Math.max(0, t0 + ms - Date.now()));
  const events: Array<Promise<void>> = [];
  for (let k = 0; k < o.kills; k++) {
    // Spread over the first 30 s: one kill in each 10 s, at a random moment of it.
    const every = o.killEveryMs ?? 10_000;
    const when = (o.chaosStartMs ?? 2000) + k * every + random() * every * 0.8;
    const pick = random();
    events.push((async () => {
      await at(when);
      const alive = instances.filter((i) => i.alive);
      const victim = alive[Math.floor(pick * alive.length)];
      if (!victim) return;
      await victim.kill();
      await sleep(500);
      await victim.restart(t0 + o.deadlineMs);
    })());
  }
  if (o.dbCutMs > 0 && pg) {
    events.push((async () => {
      await at(o.dbCutAtMs ?? (o.chaosStartMs ?? 2000) + 6000);
      await pg.cut(o.dbCutMs);
    })());
  }
  if (o.stormMs > 0) {
    events.push((async () => {
      await at(o.stormAtMs ?? (o.chaosStartMs ?? 2000) + 13_000);
      graph.storm(o.stormMs);
    })());
  }
  await Promise.all(events);
}

interface PgDatabase {
  url: string;
  cut(ms: number): Promise<void>;
  counts(): Promise<{ tickets: Array<{ conversation_key: string; n: number }>; outbox: number }>;
  drop(): Promise<void>;
}

/** A database of its own on the server, so that a cut ends only this run's connections. */
async function createDatabase(adminUrl: string | undefined): Promise<PgDatabase> {
  if (!adminUrl) throw new Error('PostgreSQL runs need SCALE_DATABASE_URL or TEST_DATABASE_URL (a user that may create databases)');
  const pg = (await import('pg')).default;
  const name = `nivaran_scale_${randomBytes(5).toString('hex')}`;
  const admin = async <T extends Record<string, unknown>>(text: string, url = adminUrl): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    async cut(ms) {
      await admin(`alter database ${name} with allow_connections false`);
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`);
      await sleep(ms);
      await admin(`alter database ${name} with allow_connections true`);
    },
    async counts() {
      const tickets = await admin<{ conversation_key: string; n: string }>('select conversation_key, count(*) as n from tickets group by conversation_key', url);
      const [outbox] = await admin<{ n: string }>('select count(*) as n from outbox', url);
      return { tickets: tickets.map((t) => ({ conversation_key: t.conversation_key, n: Number(t.n) })), outbox: Number(outbox?.n ?? 0) };
    },
    async drop() {
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

function sqliteCounts(file: string): { tickets: Array<{ conversation_key: string; n: number }>; outbox: number } {
  const db = new Database(file, { readonly: true });
  try {
    const tickets = db.prepare('select conversation_key, count(*) as n from tickets group by conversation_key').all() as Array<{ conversation_key: string; n: number }>;
    const outbox = (db.prepare('select count(*) as n from outbox').get() as { n: number }).n;
    return { tickets, outbox };
  } finally {
    db.close();
  }
}

export function formatResult(r: ScenarioResult): string {
  const o = r.options;
  const chaos = [
    o.kills > 0 ? `${r.kills} kill -9` : '',
    o.dbCutMs > 0 && o.backend === 'postgres' ? `database cut ${o.dbCutMs / 1000} s` : '',
    o.stormMs > 0 ? `429 storm ${o.stormMs / 1000} s (${r.refused429} refused)` : '',
  ].filter((s) => s !== '').join(', ') || 'no faults';
  return [
    `${o.backend}, ${o.instances} instance${o.instances > 1 ? 's' : ''}, ${o.citizens} citizens, ${chaos}`,
    `  finished ${r.finished}, stuck ${r.stuck}; tickets per citizen: ${r.ticketsPerCitizen.one} with one, ${r.ticketsPerCitizen.none} with none, ${r.ticketsPerCitizen.more} with more`,
    `  duplicate sends ${r.duplicateSends} (${r.citizensWithDuplicates} citizens), duplicate ticket acks ${r.duplicateAcks}, parts in doubt after a kill ${r.inDoubt}; lost (outbox rows left) ${r.outboxLeft}`,
    `  ${(r.finished * SCRIPT.length)} messages in ${r.seconds.toFixed(1)} s: ${r.messagesPerSecond.toFixed(0)} messages/s`,
  ].join('\n');
}
