import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../config.ts';

/** One `nivaran start` process of the harness, on its own webhook port. */
export class Instance {
  private child: ChildProcess | undefined;
  /** Lines of the process's log that say a part may have been sent twice (a takeover after a crash). */
  inDoubt = 0;
  kills = 0;
  alive = false;

  constructor(
    readonly id: number,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  /** The last lines the process wrote to stderr. */
  private readonly lastLines: string[] = [];

  async start(): Promise<void> {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'nivaran.js'), 'start'], {
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let buffered = '';
    child.stderr!.on('data', (d: Buffer) => {
      buffered += d.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        this.lastLines.push(line);
        if (this.lastLines.length > 5) this.lastLines.shift();
        if (line.includes('may reach the citizen twice')) this.inDoubt++;
        if (process.env.SCALE_TRACE) process.stderr.write(`[${this.id}] ${line}\n`);
      }
    });
    child.once('exit', () => {
      if (this.child === child) this.alive = false;
    });
    await this.waitReady();
    this.alive = true;
  }

  /**
   * Starts again until it comes up, as a service manager would (`Restart=always`): a start while
   * the database is cut fails with NIV_STORAGE_OPEN and exits.
   */
  async restart(deadline: number): Promise<void> {
    for (;;) {
      try {
        await this.start();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** SIGKILL: no drain, no clean-up, leases left behind. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.alive = false;
    this.kills++;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.alive = false;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  private async waitReady(): Promise<void> {
    const url = `http://127.0.0.1:${this.port}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(this.env.WA_CLOUD_VERIFY_TOKEN ?? '')}&hub.challenge=1`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) {
        // What it said last (a configuration error names its variable) makes the failure actionable.
        throw new Error(`instance ${this.id} exited before it was ready:\n${this.lastLines.join('\n')}`);
      }
      const ok = await fetch(url).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`instance ${this.id} was not ready within 60 s`);
  }
}

