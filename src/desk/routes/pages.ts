import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { isLang } from '../../engine/session.ts';
import { isAdmin } from '../access.ts';
import { DESK_ACTIONS, deskActionSchema, queueFiltersSchema } from '../desk-service.ts';
import { accountPage } from '../pages/account.ts';
import { chatPage, chatsPage } from '../pages/chats.ts';
import { t, type PageContext } from '../pages/context.ts';
import type { Notice } from '../pages/layout.ts';
import { loginPage } from '../pages/login.ts';
import { officersPage } from '../pages/officers.ts';
import { queuePage } from '../pages/queue.ts';
import { ticketPage } from '../pages/ticket.ts';
import { anonymousLang, errorKey, errorStatus, SESSION_COOKIE, type DeskContext } from '../server.ts';
import { LoginGuard } from '../login-guard.ts';
import { sendPage as send } from './page-reply.ts';
import { randomToken } from '../../security/token.ts';

const loginBody = z.object({
  email: z.string().trim().max(320).default(''),
  password: z.string().max(1024).default(''),
  next: z.string().max(2000).default('/queue'),
  lang: z.string().optional(),
});
const ticketParams = z.object({ number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/) });
const idParams = z.object({ id: z.coerce.number().int().positive() });
const doneQuery = z.object({ done: z.string().max(20).optional() });

/** Only same-site paths: `next` must never send an officer to another site after log-in. */
function safeNext(next: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/queue';
}


function doneNotice(ctx: PageContext, request: FastifyRequest): Notice | undefined {
  const q = doneQuery.safeParse(request.query);
  const key = q.success ? q.data.done : undefined;
  return key && ctx.translator.has(ctx.lang, `desk:done.${key}`) ? { kind: 'ok', text: t(ctx, `done.${key}`) } : undefined;
}

/** An error an officer can correct on the same form: the page again, with what they typed. */
function formError(ctx: PageContext, error: unknown): { notice: Notice; status: number } | undefined {
  if (error instanceof z.ZodError) {
    const key = error.issues[0]?.message ?? 'error.input';
    return { notice: { kind: 'error', text: t(ctx, key.startsWith('error.') ? key : 'error.input') }, status: 400 };
  }
  if (error instanceof AppError && error.code !== ERROR_CODES.TICKET_NOT_FOUND) {
    const status = errorStatus(error);
    if (status >= 500) return undefined;
    const key = errorKey(error, status);
    const detail = error.message.startsWith('error.') ? '' : ` ${t(ctx, 'error.detail', { detail: error.message })}`;
    return { notice: { kind: 'error', text: `${t(ctx, key)}${detail}` }, status };
  }
  return undefined;
}

/**
 * The desk's pages: log-in, queue, ticket (with its action forms), live chats, the officer's
 * account, and the admin's list of officers. Every POST carries the page's CSRF token and ends
 * in a redirect (post/redirect/get), or shows the form again with the error.
 */
export async function registerPageRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app, options } = ctx;
  const desk = app.desk;
  const csrf = server.csrfProtection;
  const loginGuard = new LoginGuard(app.store, ctx.clock, 'login', options.loginGuard);

  server.get('/', async (_request, reply) => reply.redirect('/queue', 303));

  server.get('/login', async (request, reply) => {
    const pc = await ctx.pageContext(request, reply);
    const q = request.query as Record<string, string | undefined>;
    const notice: Notice | undefined = q.out ? { kind: 'ok', text: t(pc, 'login.logged_out') } : q.expired ? { kind: 'error', text: t(pc, 'login.expired') } : undefined;
    return send(reply, loginPage(pc, { next: safeNext(q.next ?? '/queue'), ...(notice ? { notice } : {}) }));
  });

  server.post('/login', {
    preHandler: csrf,
    config: {
      rateLimit: {
        max: options.loginAttempts ?? 5,
        timeWindow: options.loginWindowMs ?? 15 * 60_000,
        hook: 'preHandler',
        // Per address and account: guessing one officer's password from one place is slowed,
        // and one address cannot lock every officer out.
        keyGenerator: (req: FastifyRequest) => `${req.ip}|${String((req.body as Record<string, unknown> | undefined)?.email ?? '').trim().toLowerCase()}`,
        errorResponseBuilder: (_req: FastifyRequest, context: { ttl: number }) => {
          const err = new Error('too many log-in attempts') as Error & { statusCode: number; code: string; retryAfterMs: number };
          err.statusCode = 429;
          err.code = 'NIV_LOGIN_RATE_LIMITED';
          err.retryAfterMs = context.ttl;
          return err;
        },
      },
    },
    errorHandler: async (error, request, reply) => {
      // Rate limiting and CSRF failures on the log-in form show the form again, with the reason.
      const body = loginBody.safeParse(request.body ?? {});
      const lang = body.success && body.data.lang && isLang(body.data.lang) ? body.data.lang : anonymousLang(request);
      const pc = { ...(await ctx.pageContext(request, reply)), lang };
      const status = errorStatus(error);
      const retry = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const text = status === 429
        ? t(pc, 'login.rate_limited', { minutes: Math.max(1, Math.ceil((typeof retry === 'number' ? retry : 60_000) / 60_000)) })
        : t(pc, errorKey(error, status));
      return send(reply, loginPage(pc, { email: body.success ? body.data.email : '', notice: { kind: 'error', text } }), status);
    },
  }, async (request, reply) => {
    const body = loginBody.parse(request.body ?? {});
    // Limits that a forged X-Forwarded-For cannot dodge: per account, and per address over many accounts.
    // `begin` counts the attempt before the password is checked, so attempts sent at once are all counted.
    const verdict = await loginGuard.begin(body.email, request.ip);
    if (!verdict.ok) {
      const pc = await ctx.pageContext(request, reply);
      const lang = body.lang && isLang(body.lang) ? body.lang : pc.lang;
      const text = t({ ...pc, lang }, 'login.rate_limited', { minutes: Math.max(1, Math.ceil(verdict.retryAfterMs / 60_000)) });
      reply.header('retry-after', String(Math.ceil(verdict.retryAfterMs / 1000)));
      return send(reply, loginPage({ ...pc, lang }, { email: body.email, next: safeNext(body.next), notice: { kind: 'error', text } }), 429);
    }
    const officer = await app.accounts.authenticate(body.email, body.password, request.ip);
    if (officer) await loginGuard.succeeded(body.email);
    else await loginGuard.failed(body.email, request.ip);
    if (!officer) {
      const pc = await ctx.pageContext(request, reply);
      const lang = body.lang && isLang(body.lang) ? body.lang : pc.lang;
      return send(reply, loginPage({ ...pc, lang }, { email: body.email, next: safeNext(body.next), notice: { kind: 'error', text: t({ ...pc, lang }, 'login.failed') } }), 401);
    }
    const session = await app.accounts.startSession(officer);
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      path: '/',
      // Max-Age, never Expires: the browser counts the lifetime on its own clock (see startSession).
      maxAge: session.maxAgeSeconds,
    });
    return reply.redirect(safeNext(body.next), 303);
  });

  server.post('/logout', { preHandler: csrf }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    const found = token ? await app.accounts.sessionOfficer(token) : undefined;
    if (token && found) await app.accounts.endSession(token, found.officer);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login?out=1', 303);
  });

  server.get('/queue', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const filters = queueFiltersSchema.catch(queueFiltersSchema.parse({})).parse(request.query ?? {});
    const pc = await ctx.pageContext(request, reply);
    const q = await desk.queue(officer, filters);
    return send(reply, queuePage(pc, q, filters, doneNotice(pc, request)));
  });

  server.get('/tickets/:number', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { number } = ticketParams.parse(request.params);
    const pc = await ctx.pageContext(request, reply);
    const v = await desk.ticket(officer, number);
    const notice = doneNotice(pc, request);
    const files = await app.evidence.ofTicket(officer, number);
    // A new token per page: the upload form sends it, so a repeat of that submission is recognised.
    return send(reply, ticketPage(pc, v, { files, formKey: randomToken(), ...(notice ? { notice } : {}) }));
  });

  server.post('/tickets/:number/actions/:type', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { number } = ticketParams.parse(request.params);
    const type = (request.params as { type: string }).type;
    if (!(DESK_ACTIONS as readonly string[]).includes(type)) throw new AppError(ERROR_CODES.DESK_INPUT, `Unknown action "${type}".`);
    const values = Object.fromEntries(Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
    try {
      await desk.act(officer, number, deskActionSchema.parse({ ...values, type }));
    } catch (error) {
      const pc = await ctx.pageContext(request, reply);
      const shown = formError(pc, error);
      if (!shown) throw error;
      const v = await desk.ticket(officer, number);
      return send(reply, ticketPage(pc, v, { notice: shown.notice, values, failed: type }), shown.status);
    }
    return reply.redirect(`/tickets/${number}?done=${type}`, 303);
  });

  server.get('/chats', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const pc = await ctx.pageContext(request, reply);
    return send(reply, chatsPage(pc, await desk.chats(officer), doneNotice(pc, request)));
  });

  server.get('/chats/:id', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    const pc = await ctx.pageContext(request, reply);
    const notice = doneNotice(pc, request);
    return send(reply, chatPage(pc, await desk.chat(officer, id), notice ? { notice } : {}));
  });

  const chatAction = (path: string, run: (officer: NonNullable<FastifyRequest['officer']>, id: number, body: Record<string, unknown>) => Promise<unknown>, done: string) =>
    server.post(`/chats/:id/${path}`, { preHandler: csrf }, async (request, reply) => {
      const officer = await ctx.requireOfficer(request, reply);
      if (!officer) return reply;
      const { id } = idParams.parse(request.params);
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        await run(officer, id, body);
      } catch (error) {
        const pc = await ctx.pageContext(request, reply);
        const shown = formError(pc, error);
        if (!shown) throw error;
        const draft = typeof body.text === 'string' ? body.text : undefined;
        return send(reply, chatPage(pc, await desk.chat(officer, id), { notice: shown.notice, ...(draft ? { draft } : {}) }), shown.status);
      }
      return reply.redirect(`/chats/${id}?done=${done}`, 303);
    });
  chatAction('take', (o, id) => desk.takeChat(o, id), 'chat_take');
  chatAction('say', (o, id, body) => desk.sayInChat(o, id, typeof body.text === 'string' ? body.text : ''), 'chat_say');
  chatAction('release', (o, id) => desk.releaseChat(o, id), 'chat_release');

  server.get('/account', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const pc = await ctx.pageContext(request, reply);
    const notice = doneNotice(pc, request);
    return send(reply, accountPage(pc, await app.accounts.apiTokens(officer), notice ? { notice } : {}));
  });

  server.post('/account/lang', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const lang = (request.body as Record<string, unknown> | undefined)?.lang;
    if (lang === 'en' || lang === 'hi') await app.accounts.setLanguage(officer, lang);
    const back = request.headers.referer ? new URL(request.headers.referer, 'http://desk').pathname : '/queue';
    return reply.redirect(safeNext(back), 303);
  });

  server.post('/account/tokens', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const label = String((request.body as Record<string, unknown> | undefined)?.label ?? '');
    const created = await app.accounts.createApiToken(officer, label, `officer:${officer.id}`);
    const pc = await ctx.pageContext(request, reply);
    // Shown once, in this response only: never put in a URL or a redirect.
    return send(reply, accountPage(pc, await app.accounts.apiTokens(officer), { newToken: created.token, notice: { kind: 'ok', text: t(pc, 'done.token') } }));
  });

  // POST /account/tokens/:id/revoke: see officer-security.ts (an honest answer when nothing was revoked).

  server.get('/officers', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    if (!isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator manages officers.');
    const pc = await ctx.pageContext(request, reply);
    const notice = doneNotice(pc, request);
    return send(reply, officersPage(pc, await app.accounts.list(), notice ? { notice } : {}));
  });

  server.post('/officers', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    if (!isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator manages officers.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    try {
      await app.accounts.create({ email: str('email'), name: str('name'), role: str('role'), lang: str('lang'), password: str('password') }, `officer:${officer.id}`);
    } catch (error) {
      const pc = await ctx.pageContext(request, reply);
      const shown = formError(pc, error);
      if (!shown) throw error;
      return send(reply, officersPage(pc, await app.accounts.list(), { notice: shown.notice, values: { name: str('name'), email: str('email'), role: str('role'), lang: str('lang') } }), shown.status);
    }
    return reply.redirect('/officers?done=officer', 303);
  });
}
