import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { createApp } from '../app.ts';
import { loadConfig, PACKAGE_ROOT } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { Router } from '../router/router.ts';
import { deskSecret } from '../secrets.ts';
import { freePort } from './free-port.ts';
import { startCommand } from './start-flags.ts';

/**
 * Memory with many live conversations, measured the way the bot runs in production: a child
 * process started with the same Node flags as `npm start` (read from package.json, so the figure
 * follows whatever production uses), running the app as `nivaran start` does (scheduler and
 * officers' desk included), with the conversations driven into its router. The bench's own code
 * and the parent's heap are not in the figure.
 */
export interface MemoryFigures {
  live: number;
  /** The environment and `node` flags the child ran with (those of `npm start`). */
  env: Record<string, string>;
  flags: string[];
  /** RSS after the warm-up, before the conversations. */
  beforeRss: number;
  /** RSS after the burst, idle, without a forced GC: what `ps` shows an operator. */
  afterRss: number;
  /** The most RSS the process ever had (VmHWM). */
  peakRss: number;
  /** After a full GC: what the live conversations really need. */
  gcRss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** CPU time of the burst per message, to show what the memory settings cost. */
  cpuUsPerMessage: number;
  /** BENCH_TRACE: where the RSS is (smaps, by mapping), before, after the burst, after the GC. */
  trace?: string[];
}

const STEPS = ['hello', '2', 'yes', '1'];

/** The parent's side: starts the child as `npm start` would, returns what it measured. */
export async function memoryBench(live: number): Promise<MemoryFigures> {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  // BENCH_START_COMMAND='VAR=… node --flag …' compares other settings against the shipped ones.
  const { env, flags } = startCommand(process.env.BENCH_START_COMMAND ?? pkg.scripts?.start ?? '');
  // --expose-gc only for the last figure (after a full GC), taken after the others.
  const args = [...flags, '--expose-gc', path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'bench', '--only', 'memory-app', '--live', String(live)];
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench --only memory-app exited ${code}`))));
    child.on('error', reject);
  });
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`bench --only memory-app printed no figures: ${stdout}`);
  return { ...(JSON.parse(line) as Omit<MemoryFigures, 'flags' | 'env'>), env, flags };
}

/** The child's side: the app as `nivaran start` builds it, 100 conversations to warm up, then `live`. */
export async function memoryApp(live: number, round: (router: Router, tag: string, users: string[], texts: string[]) => Promise<number>): Promise<Omit<MemoryFigures, 'flags' | 'env'>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-bench-memory-'));
  // The desk on a free port, as `nivaran start` serves it; no live channel (the bench drives the router).
  const config = loadConfig({ ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: undefined, DESK_PORT: String(await freePort()), METRICS_PORT: undefined });
  const logger = createLogger('silent');
  const app = await createApp(config, { logger, adapters: [], codeSender: { send: async () => undefined } });
  const trace: string[] = [];
  const traced = (label: string) => {
    if (process.env.BENCH_TRACE) trace.push(`${label}: ${smaps()}`);
  };
  let desk: { close(): Promise<unknown> } | undefined;
  try {
    await app.scheduler.sweep();
    app.scheduler.start(config.schedulerIntervalMs);
    if (config.desk) {
      const { startDesk } = await import('../desk/server.ts');
      desk = await startDesk(app, { ...config.desk, secret: deskSecret(config), logger });
    }
    const users = Array.from({ length: live }, (_, i) => `m${i}`);
    await round(app.router, 'warm', users.slice(0, 100), STEPS);
    await idle();
    traced('before');
    const beforeRss = process.memoryUsage().rss;
    const c0 = process.cpuUsage();
    let messages = 0;
    for (let i = 0; i < users.length; i += 1000) messages += await round(app.router, 'live', users.slice(i, i + 1000), STEPS);
    const cpu = process.cpuUsage(c0);
    await idle();
    traced('after');
    const afterRss = process.memoryUsage().rss;
    const peakRss = vmHwm();
    global.gc?.();
    await idle();
    traced('after a full GC');
    const m = process.memoryUsage();
    return {
      live, beforeRss, afterRss, peakRss, gcRss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
      cpuUsPerMessage: (cpu.user + cpu.system) / messages,
      ...(process.env.BENCH_TRACE ? { trace } : {}),
    };
  } finally {
    app.scheduler.stop();
    await desk?.close();
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A second with nothing to do, as a server has between bursts (V8 finishes its sweeping and unmapping). */
function idle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1000));
}

function vmHwm(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS by mapping (Linux): the node binary, malloc's heap, anonymous maps (V8's heap and others), and V8's spaces. */
function smaps(): string {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return '(no /proc/self/smaps)';
  }
  const kb = new Map<string, number>();
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] ? path.basename(head[1]) : '[anon]';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kb.set(name, (kb.get(name) ?? 0) + Number(rss[1]));
  }
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const maps = [...kb].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)}`).join(', ');
  const spaces = v8.getHeapSpaceStatistics().filter((s) => s.space_size > 0).map((s) => `${s.space_name} ${mb(s.space_size)}/${mb(s.space_used_size)}`).join(', ');
  return `${maps} MB; V8 committed/used: ${spaces}`;
}
