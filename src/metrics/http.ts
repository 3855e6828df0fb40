import { timingSafeEqual, createHash } from 'node:crypto';
import http from 'node:http';
import type { App } from '../app.ts';
import { AppError, ERROR_CODES, describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Compares the presented bearer token with METRICS_TOKEN in constant time (hashes: equal lengths). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * METRICS_PORT: /metrics, /healthz and /readyz without a token, on an address of their own
 * (METRICS_HOST, 127.0.0.1 by default) that only the monitoring network reaches.
 */
export async function startMetricsServer(app: App, opts: { host: string; port: number; logger: Logger }): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'text/plain', 'GET only\n');
    const run = async () => {
      if (path === '/metrics') {
        const m = await app.metrics.render();
        return reply(200, m.contentType, m.body);
      }
      if (path === '/healthz') return reply(200, 'application/json', '{"ok":true}');
      if (path === '/readyz') {
        const r = await app.metrics.readiness();
        return reply(r.ready ? 200 : 503, 'application/json', JSON.stringify(r));
      }
      return reply(404, 'text/plain', 'not found: /metrics, /healthz, /readyz\n');
    };
    run().catch((err: unknown) => {
      opts.logger.error({ error: describeError(err) }, 'metrics request failed');
      reply(500, 'text/plain', 'error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new AppError(ERROR_CODES.DESK_START, `The metrics server cannot listen on ${opts.host}:${opts.port} (${describeError(cause)}). Set METRICS_PORT to a free port.`, { cause })));
    server.listen(opts.port, opts.host, resolve);
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : opts.port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
