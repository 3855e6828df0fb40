import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp, loadContent } from '../app.ts';
import { loadConfig, PACKAGE_ROOT } from '../config.ts';
import type { FlowDefinition } from '../engine/schema.ts';
import { createLogger } from '../logger.ts';
import type { Router } from '../router/router.ts';
import type { Store } from '../storage/sqlite-store.ts';
import { freePort } from './free-port.ts';
import { startCommand } from './start-flags.ts';

/**
 * `npm run bench`: figures for the performance targets in DESIGN.md. It prints numbers and
 * ratios; tests assert behaviour, never timings. Everything runs on a temporary SQLite file.
 */
const GRIEVANCE = ['hello', '2', 'yes', '1', '1', 'The water supply in our lane has been irregular for two weeks.', '3', 'yes'];
const LONG_STEPS = 60;

export async function runBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      chats: { type: 'string', default: '100' }, 'replies-per-chat': { type: 'string', default: '10' },
      citizens: { type: 'string', default: '1000' }, live: { type: 'string', default: '10000' }, tickets: { type: 'string', default: '1000000' }, only: { type: 'string' },
      // `--only scale` (not part of the default run: it needs PostgreSQL and takes minutes).
      'scale-citizens': { type: 'string', default: '300' },
      'scale-runs': { type: 'string', default: 'throughput,chaos' },
      'scale-instances': { type: 'string', default: '1,2,3' },
      'scale-backends': { type: 'string', default: 'sqlite,postgres' },
    },
  });
  const citizens = Number(values.citizens);
  const live = Number(values.live);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (values.only === undefined) {
    // Each section runs in a fresh process, so JIT state and heap of one do not colour the next.
    out(`Nivaran bench: Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);
    for (const section of ['grievance', 'depth', 'memory', 'startup', 'pacing', 'sweep', 'desk', 'intents']) {
      await runChild(['bench', '--only', section, '--citizens', String(citizens), '--live', String(live), '--tickets', String(values.tickets), '--chats', String(values.chats), '--replies-per-chat', String(values['replies-per-chat'])]);
    }
    return 0;
  }
  const run = (section: string) => values.only === section;

  if (run('scale')) {
    const { runScaleBench } = await import('./scale/run.ts');
    return runScaleBench({
      citizens: Number(values['scale-citizens']),
      runs: String(values['scale-runs']).split(','),
      instances: String(values['scale-instances']).split(',').map(Number),
      backends: String(values['scale-backends']).split(','),
      out,
    });
  }

  if (run('grievance')) {
  const { createFloor } = await import('./floor-bench.ts');
  const floor = createFloor();
  const grievance = await withRouter(undefined, async (router, store) => {
    // A server runs warm: one full round first lets V8 compile the hot path before timing.
    await round(router, 'warm', Array.from({ length: citizens }, (_, i) => `w${i}`), GRIEVANCE);
    await floor.round('warm', Array.from({ length: citizens }, (_, i) => 1_000_000 + i), GRIEVANCE);
    // Nivaran and the floor in turn, twice, each time with new chats: the machine's load then
    // weighs on both alike, and the ratio is the figure to compare across machines.
    let messages = 0;
    let floorMessages = 0;
    const nivaran = new Clock();
    const bare = new Clock();
    for (let r = 0; r < 2; r++) {
      const users = Array.from({ length: citizens }, (_, i) => `c${r}-${i}`);
      messages += await nivaran.time(() => round(router, `g${r}`, users, GRIEVANCE));
      const chats = Array.from({ length: citizens }, (_, i) => (r + 2) * 1_000_000 + i);
      floorMessages += await bare.time(() => floor.round(`f${r}`, chats, GRIEVANCE));
    }
    const tickets = await store.transaction((u) => u.tickets.list(4 * citizens));
    return { messages, nivaran, tickets: tickets.length - citizens, bare, floorMessages };
  });
  floor.close();
  const perMsg = grievance.nivaran.wallNs / grievance.messages / 1000;
  const floorPerMsg = grievance.bare.wallNs / grievance.floorMessages / 1000;
  const cpuRatio = (grievance.nivaran.cpuUs / grievance.messages) / (grievance.bare.cpuUs / grievance.floorMessages);
  out(`\n1. Durable path (dedupe, session, transcript in+out, effects, outbox), ${citizens} citizens in flight each filing a grievance, twice`);
  out(`   ${grievance.messages} messages, ${grievance.tickets} tickets in ${(grievance.nivaran.wallNs / 1e9).toFixed(2)} s`);
  out(`   ${perMsg.toFixed(1)} µs per message, ${Math.round(1e6 / perMsg)} messages/s   (target ≤ 85 µs, ~12,000/s)`);
  out(`   floor (a bare grammY bot with a SQLite session, the same ${citizens} chats and messages, no network, measured in turn with Nivaran): ${floorPerMsg.toFixed(1)} µs per message`);
  out(`   ratio to the floor ${(perMsg / floorPerMsg).toFixed(2)}× in elapsed time, ${cpuRatio.toFixed(2)}× in CPU time   (target ≤ 1.5×)`);
  }

  if (run('depth')) {
  out(`\n2. Cost by depth in a ${LONG_STEPS}-question flow: two cohorts of ${citizens / 2} citizens, one near step 2 and one near step 40, measured in alternation against the same database`);
  for (const keepAnswers of [true, false]) {
    const { early, late, cpuRatio, ratios } = await withRouter(longFlow(keepAnswers), async (router) => {
      const half = citizens / 2;
      const deep = Array.from({ length: half }, (_, i) => `d${i}`);
      const shallow = Array.from({ length: half }, (_, i) => `s${i}`);
      const answer = (k: number) => [`answer number ${k} from the citizen`];
      await round(router, 'enter-d', deep, ['hello', '2', 'yes', 'bench long']);
      for (let k = 1; k <= 37; k++) await round(router, `d${k}`, deep, answer(k));
      await round(router, 'enter-s', shallow, ['hello', '2', 'yes', 'bench long', ...answer(1)]);
      const early = new Clock();
      const late = new Clock();
      const ratios: number[] = [];
      const reps = 3;
      for (let r = 0; r < reps; r++) {
        // Deep cohort answers steps 38–40, shallow cohort steps 2–4, turn about.
        const e0 = early.cpuUs;
        const l0 = late.cpuUs;
        await early.time(() => round(router, `s${r}`, shallow, answer(r + 2)));
        await late.time(() => round(router, `d${38 + r}`, deep, answer(38 + r)));
        ratios.push((late.cpuUs - l0) / (early.cpuUs - e0));
      }
      const perMsg = (c: Clock) => c.wallNs / reps / half / 1000;
      return { early: perMsg(early), late: perMsg(late), cpuRatio: late.cpuUs / early.cpuUs, ratios };
    });
    const label = keepAnswers ? 'each answer kept (the session grows ~40 B per answer)' : 'answers overwrite one variable (session size constant)';
    out(`   ${label}:`);
    out(`     step 2–4: ${early.toFixed(1)} µs/message   step 38–40: ${late.toFixed(1)} µs/message   ratio ${(late / early).toFixed(2)} in elapsed time, ${cpuRatio.toFixed(2)} in CPU time`);
    // The median turn: on a machine other processes load, one turn in three may take a burst of theirs.
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
    out(`     ratio in CPU time by turn: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median.toFixed(2)}   (target within 10%)`);
  }
  }

  if (run('memory')) {
    const { memoryBench } = await import('./memory-bench.ts');
    const f = await memoryBench(live);
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
    out(`\n3. Memory with ${live.toLocaleString('en-US')} live conversations (each waiting mid-flow, state in SQLite), in a child run as \`npm start\` runs the bot (\`${[...Object.entries(f.env).map(([k, v]) => `${k}=${v}`), 'node', ...f.flags, 'bin/nivaran.js'].join(' ')}\`, scheduler and desk started)`);
    out(`   RSS ${mb(f.afterRss)} after the conversations, idle, no forced GC (${mb(f.beforeRss)} before them, after 100 to warm up; peak ${mb(f.peakRss)})   (target < 150 MB)`);
    out(`   after a full GC: RSS ${mb(f.gcRss)}, V8 heap ${mb(f.heapUsed)} used of ${mb(f.heapTotal)}, external ${mb(f.external)}; the burst cost ${f.cpuUsPerMessage.toFixed(0)} µs of CPU per message`);
    for (const t of f.trace ?? []) process.stderr.write(`   ${t}\n`);
  }
  if (run('memory-app')) {
    // The child of `--only memory` (not a section of its own): prints its figures as one JSON line.
    const { memoryApp } = await import('./memory-bench.ts');
    out(JSON.stringify(await memoryApp(live, round)));
  }

  if (run('sweep')) {
    const { sweepBench } = await import('./sweep-bench.ts');
    const content = loadContent(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }));
    const total = Number(values.tickets);
    out(`\n5. Scheduler: one sweep over ${total.toLocaleString('en-US')} tickets (each with a timer) of which 1,000 are due`);
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const f = await sweepBench(dialect, content, total, 1000);
      if (!f) {
        out(`   ${dialect}: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server)`);
        continue;
      }
      out(`   ${dialect}: due-timer query ${f.queryMs.toFixed(1)} ms; whole sweep (claim + fire ${f.fired}) ${f.sweepMs.toFixed(0)} ms, ${((f.sweepMs * 1000) / f.fired).toFixed(0)} µs per timer   (bulk load ${(f.loadMs / 1000).toFixed(1)} s; target: query < 20 ms, flat in the number not due)`);
    }
  }

  if (run('startup')) {
  // What any Node program costs to start on this machine now: start-up times move with the load.
  const bareMs = await new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('exit', () => resolve(performance.now() - t0));
    child.on('error', reject);
  });
  const startMs = await timeToFirstReply();
  out(`\n4. Start-up: \`nivaran chat\` from process start to the first reply on stdout: ${startMs.toFixed(0)} ms   (target < 1,500 ms)`);
  const ready = await timeToStartReady();
  out(`   \`npm start\` (\`${ready.command}\`: console, scheduler and officers' desk): first reply ${ready.replyMs.toFixed(0)} ms, desk answering ${ready.deskMs.toFixed(0)} ms   (target < 1,000 ms)`);
  out(`   (a bare \`node -e ''\` takes ${bareMs.toFixed(0)} ms to start and exit on this machine now: desk answering at ${(ready.deskMs / bareMs).toFixed(1)}× that)`);
  }
  if (run('pacing')) {
    const { pacingBench } = await import('./pacing-bench.ts');
    const chats = Number(values.chats);
    const perChat = Number(values['replies-per-chat']);
    out(`\n7. Outbound pacing: ${(chats * perChat).toLocaleString('en-US')} replies to ${chats.toLocaleString('en-US')} chats committed at once, sent by the outbox sender through the real adapter to a local fake of the platform (\`--chats 1000\` for the full 10,000)`);
    for (const channel of ['telegram', 'whatsapp-cloud'] as const) {
      const f = await pacingBench(channel, chats, perChat, 15 * 60_000);
      const target = channel === 'telegram' ? '(target 30/s ±5%, at most 1 per chat per second, no 429 storm, nothing lost)' : '(target: the configured 80/s, nothing lost)';
      out(`   ${channel}: ${f.overallPerSecond.toFixed(1)} messages/s overall over ${f.seconds.toFixed(1)} s; at most ${f.maxPerChatInWindow} to one chat in ${f.perChatWindowMs / 1000} s; ${f.tooManyRequests} × 429 (${f.tooManyOverall} for the overall rate); lost ${f.lost}, doubled ${f.duplicated}, out of order ${f.reordered}   ${target}`);
      out(`     the fake enforced ${f.limits}`);
    }
  }
  if (run('intents')) {
    const { intentsReport } = await import('./intents-bench.ts');
    const content = loadContent(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }));
    const heldOut = path.join(PACKAGE_ROOT, 'bench', 'intents-heldout.yaml');
    intentsReport(content, heldOut, out);
    const { compareNlpjs } = await import('./nlpjs-compare.ts');
    const { readHeldOut } = await import('./intents-bench.ts');
    const nlpjs = await compareNlpjs(content, readHeldOut(heldOut));
    if (!nlpjs) out('   (nlp.js comparison skipped: install the development dependencies)');
    for (const f of nlpjs ?? []) {
      out(`   compared: ${f.variant}: ${(100 * f.accuracy).toFixed(1)}% understood, ${f.cpuUs.toFixed(0)} µs of CPU per message, trained in ${f.trainMs.toFixed(0)} ms`);
    }
  }
  if (run('desk')) {
    const { deskBench } = await import('./desk-bench.ts');
    const content = loadContent(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }));
    out(`\n6. Officers' desk on SQLite: one desk officer's queue page (50 rows by nearest deadline + counts + its audit row) and a ticket page`);
    for (const total of [10_000, 100_000]) {
      const f = await deskBench(content, total);
      out(`   ${total.toLocaleString('en-IN')} open tickets over three rungs: queue ${f.queueMs.toFixed(1)} ms, filtered (Hindi, unassigned) ${f.filteredMs.toFixed(1)} ms, ticket page ${f.ticketMs.toFixed(1)} ms   (bulk load ${(f.loadMs / 1000).toFixed(1)} s)`);
    }
  }
  return 0;
}

/**
 * Elapsed and CPU time of the work timed with it. CPU time (user + system of this process) is the
 * steadier of the two on a machine other processes load: elapsed time also counts the time this
 * process waited for a core.
 */
class Clock {
  wallNs = 0;
  cpuUs = 0;

  async time<T>(work: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    try {
      return await work();
    } finally {
      const c = process.cpuUsage(c0);
      this.cpuUs += c.user + c.system;
      this.wallNs += Number(process.hrtime.bigint() - t0);
    }
  }
}

/**
 * A whole app (as `npm start` builds it) on a temporary SQLite file; `extraFlow` adds a flow and
 * the words that enter it to a temporary copy of the shipped flows.
 */
async function withRouter<T>(extraFlow: FlowDefinition | undefined, body: (router: Router, store: Store) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: undefined };
  if (extraFlow) {
    const flowsDir = path.join(dir, 'flows');
    fs.cpSync(path.join(PACKAGE_ROOT, 'flows'), flowsDir, { recursive: true });
    fs.writeFileSync(path.join(flowsDir, `${extraFlow.id}.json`), JSON.stringify(extraFlow));
    const commandsFile = path.join(flowsDir, 'commands.json');
    const commands = JSON.parse(fs.readFileSync(commandsFile, 'utf8')) as { commands: unknown[] };
    commands.commands.push({ id: 'bench_long', words: ['bench long'], do: { type: 'call', to: `${extraFlow.id}/q1` } });
    fs.writeFileSync(commandsFile, JSON.stringify(commands));
    env.FLOWS_DIR = flowsDir;
  }
  const app = await createApp(loadConfig(env), { logger: createLogger('silent'), adapters: [], codeSender: { send: async () => undefined } });
  try {
    return await body(app.router, app.store);
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every citizen sends each text in turn; all citizens are in flight at once. */
async function round(router: Router, tag: string, users: string[], texts: string[]): Promise<number> {
  let n = 0;
  for (const [i, text] of texts.entries()) {
    const t0 = performance.now();
    await Promise.all(
      users.map((u) => router.handle({ channel: 'bench', conversationId: u, senderId: u, messageId: `${tag}-${u}-${i}`, text, at: new Date() })),
    );
    // BENCH_TRACE=1 prints the cost of each round (each kind of message) on stderr.
    if (process.env.BENCH_TRACE) process.stderr.write(`${tag} ${JSON.stringify(text.slice(0, 20))}: ${(((performance.now() - t0) * 1000) / users.length).toFixed(1)} µs\n`);
    n += users.length;
  }
  return n;
}

/** A 60-question flow, entered by the words "bench long". */
function longFlow(keepAnswers: boolean): FlowDefinition {
  const steps: FlowDefinition['steps'] = Array.from({ length: LONG_STEPS }, (_, i) => ({
    id: `q${i + 1}`,
    type: 'ask' as const,
    prompt: 'grievance.ask_description',
    save: keepAnswers ? `a${i + 1}` : 'answer',
    input: { kind: 'text' as const, min: 1, max: 2000 },
    shareContact: false,
    statutory: false,
  }));
  steps.push({ id: 'done', type: 'end' });
  return { specVersion: '1.0.0', id: 'long', start: 'q1', entries: [], inputs: [], steps };
}

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d: Buffer) => process.stdout.write(d.toString().replace(/^Nivaran bench:.*\n/, '')));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench ${args.join(' ')} exited ${code}`))));
    child.on('error', reject);
  });
}

/**
 * `nivaran start` on a free port, run as `npm start` runs it (its environment and Node flags, read
 * from package.json, so the figure follows what production uses): until the console's first reply,
 * and until the desk answers /healthz.
 */
async function timeToStartReady(): Promise<{ replyMs: number; deskMs: number; command: string }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const { env, flags } = startCommand(pkg.scripts?.start ?? '');
  const command = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'node', ...flags, 'bin/nivaran.js start'].join(' ');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-bench-start-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...flags, path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'start'], {
    env: { ...process.env, ...env, DATA_DIR: dir, LOG_LEVEL: 'silent', DESK_PORT: String(port), DATABASE_URL: undefined },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const reply = new Promise<number>((resolve, reject) => {
      child.stdout.once('data', () => resolve(performance.now() - t0));
      child.once('exit', (code) => reject(new Error(`nivaran start exited (${code}) before its first reply`)));
    });
    child.stdin.write('hello\n');
    let deskMs = 0;
    for (let i = 0; i < 600 && deskMs === 0; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) deskMs = performance.now() - t0;
      else await new Promise((r) => setTimeout(r, 5));
    }
    return { replyMs: await reply, deskMs, command };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function timeToFirstReply(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-bench-start-'));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'chat', '--json'], {
      env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdout.once('data', () => {
      resolve(performance.now() - t0);
      child.stdin.end();
    });
    child.on('error', reject);
    child.stdin.write('hello\n');
  });
}
