import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { AppError, describeError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** One webhook mounted on the server: requests whose path (without the query) equals `path`. */
export interface WebhookRoute {
  path: string;
  /** Answers the request itself (status, headers, body); a rejection becomes a bare 500. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/**
 * The one `node:http` server on PORT that every webhook channel shares (Telegram at
 * /telegram/webhook, WhatsApp Cloud at /whatsapp/webhook): a process can listen on one port
 * behind one TLS proxy. Routes are looked up per request, so a channel may register before or
 * after `listen`. It stays a plain server until the officers' desk brings fastify.
 */
export class WebhookServer {
  private readonly routes = new Map<string, WebhookRoute>();
  private server: http.Server | undefined;

  constructor(private readonly logger: Logger) {}

  /** Mounts a route; a second route on the same path is a programming error. */
  register(route: WebhookRoute): void {
    if (this.routes.has(route.path)) throw new Error(`A webhook is already mounted at ${route.path}.`);
    this.routes.set(route.path, route);
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** The bound port (useful with port 0 in tests). */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /**
   * Listens on `port` (all interfaces; put a TLS proxy in front). `errorCode` names the channel
   * that needed the server, so a busy port is reported against it.
   */
  async listen(port: number, opts: { host?: string; errorCode?: ErrorCode } = {}): Promise<void> {
    if (this.server) return;
    const srv = http.createServer((req, res) => this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', (err) =>
        reject(new AppError(opts.errorCode ?? ERROR_CODES.CONFIG_INVALID, `Cannot listen on PORT ${port} for the webhooks (${err.message}).`, { cause: err })));
      srv.listen(port, opts.host, () => resolve());
    });
    this.server = srv;
  }

  /** Stops taking connections and waits for the requests under way. */
  async close(): Promise<void> {
    const srv = this.server;
    if (!srv) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      srv.close(() => resolve());
      srv.closeIdleConnections();
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const route = this.routes.get(req.url?.split('?')[0] ?? '');
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    route.handle(req, res).catch((err: unknown) => {
      this.logger.error({ path: route.path, error: describeError(err) }, 'webhook handler failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  }
}
