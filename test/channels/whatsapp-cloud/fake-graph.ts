import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the fake Graph API accepted. */
export interface GraphSend {
  to: string;
  type: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
  path: string;
  at: number;
}

/**
 * A local stand-in for graph.facebook.com's /{phone-id}/messages: records every POST, answers
 * as Graph does (a wamid per message), and can be told to fail the next calls.
 */
export class FakeGraph {
  readonly sent: GraphSend[] = [];
  /** Every request, failed ones included. */
  readonly calls: Array<{ path: string; body: Record<string, unknown>; at: number }> = [];
  private readonly failures: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
  private server: http.Server | undefined;
  private seq = 1;

  failNext(status: number, body: unknown, headers?: Record<string, string>): void {
    this.failures.push({ status, body, ...(headers ? { headers } : {}) });
  }

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const srv = this.server;
    if (!srv) return;
    await new Promise<void>((r) => {
      srv.close(() => r());
      srv.closeAllConnections();
    });
  }

  /** Waits until `n` messages went to `to`; returns them. */
  async waitForSent(to: string, n: number, timeoutMs = 10_000): Promise<GraphSend[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.sent.filter((s) => s.to === to);
      if (mine.length >= n) return mine;
      if (Date.now() > deadline) throw new Error(`expected ${n} messages to ${to}, got ${mine.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const path = req.url ?? '';
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(400, { error: { message: 'Invalid JSON', code: 100 } });
    }
    this.calls.push({ path, body, at: Date.now() });
    if (req.method !== 'POST' || !/^\/v21\.0\/\d+\/messages$/.test(path)) return reply(404, { error: { message: 'Unknown path', code: 100 } });
    const failure = this.failures.shift();
    if (failure) return reply(failure.status, failure.body, failure.headers);
    const to = String(body.to);
    this.sent.push({ to, type: String(body.type), body, authorization: req.headers.authorization, path, at: Date.now() });
    reply(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.OUT${this.seq++}` }] });
  }
}

/** The text a citizen would read in one sent message (text body, interactive body, template parameter). */
export function readable(s: GraphSend): string {
  const b = s.body as {
    text?: { body: string };
    interactive?: { body: { text: string } };
    template?: { components: Array<{ parameters: Array<{ text: string }> }> };
  };
  return b.text?.body ?? b.interactive?.body.text ?? b.template?.components[0]?.parameters[0]?.text ?? '';
}
