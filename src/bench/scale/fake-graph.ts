import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the fake Graph API accepted. */
export interface GraphSent {
  to: string;
  /** The message as posted, without `to`: two equal ones to one citizen are a duplicate. */
  key: string;
  /** What the citizen reads: the text, the interactive body or the template parameter. */
  text: string;
  type: string;
  /** Button or list ids offered, in order. */
  choices: string[];
}

/**
 * A loopback stand-in for graph.facebook.com's /messages, for the scale harness: records each
 * accepted message per citizen and, during a storm, answers 429 with a Retry-After as Graph does
 * under throughput limits.
 */
export class ScaleGraph {
  private server: http.Server | undefined;
  private seq = 1;
  private stormUntil = 0;
  private stormShare = 1;
  readonly byCitizen = new Map<string, GraphSent[]>();
  accepted = 0;
  refused = 0;

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers 429 (code 130429, Retry-After 1 s) to `share` of the sends for `ms`. */
  storm(ms: number, share = 1): void {
    this.stormUntil = Date.now() + ms;
    this.stormShare = share;
  }

  async close(): Promise<void> {
    const srv = this.server;
    if (!srv) return;
    await new Promise<void>((r) => {
      srv.close(() => r());
      srv.closeAllConnections();
    });
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(400, { error: { message: 'Invalid JSON', code: 100 } });
    }
    if (Date.now() < this.stormUntil && Math.random() < this.stormShare) {
      this.refused++;
      return reply(429, { error: { message: '(#130429) Rate limit hit', code: 130429 } }, { 'retry-after': '1' });
    }
    const { to, ...rest } = body;
    const sent: GraphSent = { to: String(to), key: JSON.stringify(rest), type: String(rest.type), text: readable(rest), choices: choicesOf(rest) };
    const list = this.byCitizen.get(sent.to);
    if (list) list.push(sent);
    else this.byCitizen.set(sent.to, [sent]);
    this.accepted++;
    reply(200, { messaging_product: 'whatsapp', contacts: [{ input: sent.to, wa_id: sent.to }], messages: [{ id: `wamid.OUT${this.seq++}` }] });
  }
}

function readable(b: Record<string, unknown>): string {
  const m = b as {
    text?: { body: string };
    interactive?: { body: { text: string } };
    template?: { components: Array<{ parameters: Array<{ text: string }> }> };
  };
  return m.text?.body ?? m.interactive?.body.text ?? m.template?.components[0]?.parameters[0]?.text ?? '';
}

function choicesOf(b: Record<string, unknown>): string[] {
  const i = (b as { interactive?: { action: { buttons?: Array<{ reply: { id: string } }>; sections?: Array<{ rows: Array<{ id: string }> }> } } }).interactive;
  if (!i) return [];
  return i.action.buttons?.map((x) => x.reply.id) ?? i.action.sections?.flatMap((s) => s.rows.map((r) => r.id)) ?? [];
}
