import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appendAudit } from '../../audit/audit-log.ts';
import type { Officer } from '../accounts.ts';
import { SESSION_COOKIE, type DeskContext } from '../server.ts';

const afterQuery = z.object({ after: z.coerce.number().int().min(0).default(0) });
/** How often an open page looks for changes made by another instance (this one pushes at once). */
const POLL_MS = 3000;
const PING_MS = 25_000;

interface Update {
  rows: ReadonlyArray<{ id: number }>;
  status: string;
}

/**
 * Server-Sent Events for the desk's live pages: a ticket's or live chat's conversation grows as
 * messages arrive, and the list of live chats refreshes when one changes. A change in this
 * process is pushed at once (LiveBus); polling catches changes made by other instances.
 *
 * Each push reads the officer's session again: an officer switched off, logged out or whose
 * session expired has the stream closed before it carries anything more, and a changed role or
 * department applies at once (the officer read at the stream's opening is not trusted later).
 */
export async function registerLiveRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;

  const stream = (request: FastifyRequest, reply: FastifyReply, matches: (key: string) => boolean, next: (officer: Officer) => Promise<string | undefined>) => {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back in a buffer.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    let closed = false;
    let busy = false;
    let again = false;
    const push = async (): Promise<void> => {
      if (closed) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const session = await app.accounts.sessionOfficer(token);
          if (!session) throw new Error('the session ended');
          const event = await next(session.officer);
          if (event && !closed) res.write(event);
        } while (again && !closed);
      } catch {
        // The session ended, or the ticket or chat is gone or no longer visible: end the stream;
        // the page keeps what it has (and its next request is sent to log in).
        close();
        res.end();
      } finally {
        busy = false;
      }
    };
    const unsubscribe = app.live.subscribe((key) => {
      if (matches(key)) void push();
    });
    const poll = setInterval(() => void push(), POLL_MS);
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    const close = () => {
      closed = true;
      unsubscribe();
      clearInterval(poll);
      clearInterval(ping);
    };
    request.raw.on('close', close);
    void push();
  };

  const rowsEvent = (u: Update, lastStatus: { value: string | undefined }, cursor: { after: number }): string | undefined => {
    if (u.rows.length > 0) cursor.after = u.rows.at(-1)!.id;
    if (u.rows.length === 0 && u.status === lastStatus.value) return undefined;
    lastStatus.value = u.status;
    return `event: rows\ndata: ${JSON.stringify(u)}\n\n`;
  };

  server.get('/tickets/:number/events', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const number = String((request.params as { number: string }).number);
    const cursor = { after: afterQuery.parse(request.query ?? {}).after };
    // Checks visibility (403/404 before the stream opens) and names the conversation to watch.
    const key = await app.desk.watchKey(officer, { ticket: number });
    const lastStatus: { value: string | undefined } = { value: undefined };
    stream(request, reply, (k) => k === key, async (now) => rowsEvent(await app.desk.ticketTranscriptAfter(now, number, cursor.after), lastStatus, cursor));
    return reply;
  });

  server.get('/chats/:id/events', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const id = z.coerce.number().int().positive().parse((request.params as { id: string }).id);
    const cursor = { after: afterQuery.parse(request.query ?? {}).after };
    const key = await app.desk.watchKey(officer, { chat: id });
    // Opening the stream is a read of the conversation: audited once, not per message.
    await app.store.transaction((uow) => appendAudit(uow, { actor: `officer:${officer.id}`, action: 'conversation.watch', subject: `handoff:${id}`, at: ctx.clock() }));
    const lastStatus: { value: string | undefined } = { value: undefined };
    stream(request, reply, (k) => k === key, async (now) => {
      const u = await app.desk.chatAfter(now, id, cursor.after);
      return rowsEvent({ rows: u.rows, status: `${u.status}:${u.officerId ?? ''}` }, lastStatus, cursor);
    });
    return reply;
  });

  server.get('/chats/events', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const signature = async () => (await app.handoffs.open(500)).map((h) => `${h.id}:${h.status}:${h.officer_id ?? ''}:${h.timeout_notified_at ? 1 : 0}`).join(',');
    let seen = await signature();
    stream(request, reply, () => true, async () => {
      const now = await signature();
      if (now === seen) return undefined;
      seen = now;
      return 'event: changed\ndata: {}\n\n';
    });
    return reply;
  });
}
