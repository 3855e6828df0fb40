import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { App } from '../app.ts';
import { auditRefusal } from './refusals.ts';
import type { TrustProxy } from '../config.ts';
import type { LoginGuardOptions } from './login-guard.ts';
import { isLang, type Lang } from '../engine/session.ts';
import { AppError, describeError, ERROR_CODES } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { holidayImportCommand, missingHolidayYears } from '../domain/sla/holiday-coverage.ts';
import { isAdmin } from './access.ts';
import type { Officer } from './accounts.ts';
import { DESK_CSS } from './assets/desk-css.ts';
import { DESK_JS } from './assets/desk-js.ts';
import type { PageContext } from './pages/context.ts';
import { errorPage } from './pages/officers.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerLiveRoutes } from './routes/live.ts';
import { registerPageRoutes } from './routes/pages.ts';
import { registerHoldsRoutes } from './routes/holds.ts';
import { registerOfficerSecurityRoutes } from './routes/officer-security.ts';
import { registerBreachRoutes } from './routes/breaches.ts';
import { registerMyDataRoutes } from './routes/my-data.ts';
import { registerReportsRoutes } from './routes/reports.ts';
import { registerReviewsRoutes } from './routes/reviews.ts';
import { registerNotificationRoutes } from './routes/notifications.ts';
import { registerOperationsRoutes } from './routes/operations.ts';
import { registerFileRoutes } from './routes/files.ts';
import { registerDepartmentRoutes } from './routes/departments.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The officer signed in (page routes) or holding the API token (API routes). */
    officer: Officer | null;
  }
}

export const SESSION_COOKIE = 'nivaran_session';

/** The desk's Content-Security-Policy: scripts and styles only from the desk itself, never inline (no `style` attribute: a stylesheet class instead). */
export const DESK_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface DeskOptions {
  /** Derives CSRF tokens and signs their cookie (DESK_SECRET or DATA_DIR/desk-secret). */
  secret: string;
  /** Behind a TLS proxy: whose X-Forwarded-Proto/For to trust (DESK_TRUST_PROXY): none, N hops, or these addresses. */
  trustProxy: TrustProxy;
  sessionHours: number;
  logger: Logger;
  /** The app's clock (tests inject one). */
  clock?: () => Date;
  /** Log-in attempts allowed per address and email in `loginWindowMs`. */
  loginAttempts?: number;
  loginWindowMs?: number;
  /** Per-account and per-address limits on wrong passwords (defaults: LOGIN_GUARD_DEFAULTS). */
  loginGuard?: Partial<LoginGuardOptions>;
}

/** Everything a route needs: the app, the options, and the helpers shared by pages and the API. */
export interface DeskContext {
  app: App;
  options: DeskOptions;
  clock: () => Date;
  pageContext(request: FastifyRequest, reply: FastifyReply): Promise<PageContext>;
  /** Page routes: the signed-in officer, or a redirect to the log-in page (undefined: stop). */
  requireOfficer(request: FastifyRequest, reply: FastifyReply): Promise<Officer | undefined>;
}

function hopsTrusted(hops: number): ((address: string, hop: number) => boolean) | false {
  return hops <= 0 ? false : (_address, hop) => hop < hops;
}

/** The language of a page for someone not signed in: ?lang=, else the browser's preference. */
export function anonymousLang(request: FastifyRequest): Lang {
  const q = (request.query as Record<string, unknown> | undefined)?.lang;
  if (typeof q === 'string' && isLang(q)) return q;
  return /^hi\b/i.test(request.headers['accept-language'] ?? '') ? 'hi' : 'en';
}

/**
 * The officers' desk: server-rendered pages (English and Hindi), their live updates, and the
 * JSON API with its OpenAPI document. Built without listening so tests can `inject`.
 */
export async function buildDesk(app: App, options: DeskOptions): Promise<FastifyInstance> {
  const server = Fastify({
    // A hop count is trusted as fastify does for a number (its types omit it): the nearest N
    // proxies; their X-Forwarded-For entries name the client, earlier ones (the client's own) are ignored.
    trustProxy: typeof options.trustProxy === 'number' ? hopsTrusted(options.trustProxy) : options.trustProxy,
    // Live-update streams stay open; closing the desk must not wait for browsers to leave.
    forceCloseConnections: true,
    bodyLimit: 256 * 1024,
    // Our own pino logs requests' failures; fastify's per-request logging would add noise.
    logger: false,
  });
  server.decorateRequest('officer', null);
  await server.register(fastifyCookie, { secret: options.secret });
  await server.register(fastifyFormbody);
  await server.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'nivaran_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : (req.headers['x-csrf-token'] as string | undefined);
    },
  });
  await server.register(fastifyRateLimit, { global: false });

  const ctx: DeskContext = {
    app,
    options,
    clock: options.clock ?? (() => new Date()),
    pageContext: async (request, reply) => {
      const officer = request.officer;
      const lang: Lang = officer && isLang(officer.lang) ? officer.lang : anonymousLang(request);
      const waitingChats = officer ? await app.desk.waitingChats(officer) : 0;
      const missingHolidays = officer && isAdmin(officer)
        ? missingHolidayYears(app.content.calendar, ctx.clock()).map((year) => ({ year, command: holidayImportCommand(app.content.calendar.id, year) }))
        : [];
      return {
        lang, officer: officer ?? undefined, csrf: reply.generateCsrf(), translator: app.content.translator, waitingChats, missingHolidays,
        departments: app.tickets.departments.declared,
      };
    },
    requireOfficer: async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      const found = token ? await app.accounts.sessionOfficer(token) : undefined;
      if (!found) {
        const next = request.method === 'GET' ? request.url : '/queue';
        await reply.redirect(`/login?next=${encodeURIComponent(next)}${token ? '&expired=1' : ''}`, 303);
        return undefined;
      }
      request.officer = found.officer;
      return found.officer;
    },
  };

  // Set before any route is declared: a route keeps the handlers in force when it was added.
  server.addHook('onSend', async (request, reply, payload) => {
    // Officers' pages hold citizen data: never cached, never framed, no referrer to other sites.
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    // No inline or foreign script or style (the desk's one script is /assets/desk.js, its one
    // stylesheet /assets/desk.css). The API's documentation page sets its own.
    if (!request.url.startsWith('/api/docs')) reply.header('content-security-policy', DESK_CSP);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  server.setErrorHandler(async (error, request, reply) => {
    const status = errorStatus(error);
    if (status >= 500) options.logger.error({ route: request.routeOptions.url, error: describeError(error) }, 'desk request failed');
    // Refused accesses are audited too: who tried to reach what (the path, no query or body).
    if (status === 403) await auditRefusal(app.store, request, ctx.clock(), options.logger);
    if (request.url.startsWith('/api/')) return reply.status(status).send(apiError(error, status));
    const pc = await ctx.pageContext(request, reply);
    const { translator } = app.content;
    const message = translator.t(pc.lang, `desk:${errorKey(error, status)}`);
    return reply.status(status).type('text/html; charset=utf-8').send(errorPage(pc, message).value);
  });
  server.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/')) return reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
    const pc = await ctx.pageContext(request, reply);
    return reply.status(404).type('text/html; charset=utf-8').send(errorPage(pc, app.content.translator.t(pc.lang, 'desk:error.not_found_page')).value);
  });
  server.get('/assets/desk.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DESK_CSS));
  server.get('/assets/desk.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DESK_JS));
  server.get('/healthz', async () => ({ ok: true }));

  await registerPageRoutes(server, ctx);
  await registerLiveRoutes(server, ctx);
  await registerReviewsRoutes(server, ctx);
  await registerReportsRoutes(server, ctx);
  await registerHoldsRoutes(server, ctx);
  await registerOfficerSecurityRoutes(server, ctx);
  await registerBreachRoutes(server, ctx);
  await registerMyDataRoutes(server, ctx);
  await registerNotificationRoutes(server, ctx);
  await registerOperationsRoutes(server, ctx);
  await registerFileRoutes(server, ctx);
  await registerDepartmentRoutes(server, ctx);
  await registerApiRoutes(server, ctx);

  return server;
}

/** HTTP status of an error from a route: app errors by code, fastify's own by their status. */
export function errorStatus(error: unknown): number {
  if (error instanceof ZodError) return 400;
  if (error instanceof AppError) {
    switch (error.code) {
      case ERROR_CODES.TICKET_NOT_FOUND:
        return 404;
      case ERROR_CODES.DESK_FORBIDDEN:
        return 403;
      case ERROR_CODES.DESK_INPUT:
      case ERROR_CODES.OFFICER_INVALID:
      case ERROR_CODES.FILE_REJECTED:
        return 400;
      case ERROR_CODES.TICKET_TRANSITION:
      case ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED:
      case ERROR_CODES.HANDOFF_STATE:
        return 409;
      default:
        return 500;
    }
  }
  const s = (error as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

/** The desk text key that explains an error to an officer. */
export function errorKey(error: unknown, status: number): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('FST_CSRF')) return 'error.csrf';
  // A form past the body limit (the upload form's own limit is reported as a refused file, in files.ts).
  if (status === 413) return 'error.too_long';
  if (error instanceof AppError) {
    // A file refused by the upload form: say why, not "check what you entered".
    if (error.code === ERROR_CODES.FILE_REJECTED) {
      const reason = (error.details as { reason?: unknown } | undefined)?.reason;
      return reason === 'too_large' ? 'error.file_too_large' : reason === 'type' ? 'error.file_type' : 'error.file_empty';
    }
    if (error.code === ERROR_CODES.DESK_INPUT && error.message.startsWith('error.')) return error.message;
    if (error.code === ERROR_CODES.TICKET_NOT_FOUND) return 'error.not_found';
    if (error.code === ERROR_CODES.DESK_FORBIDDEN) return 'error.forbidden';
    if (error.code === ERROR_CODES.TICKET_TRANSITION || error.code === ERROR_CODES.TICKET_EXTENSION_NOT_ALLOWED) return 'error.transition';
    if (error.code === ERROR_CODES.HANDOFF_STATE) return 'error.chat_state';
    if (error.code === ERROR_CODES.DESK_INPUT || error.code === ERROR_CODES.OFFICER_INVALID) return 'error.input';
  }
  if (status === 404) return 'error.not_found_page';
  if (status === 400) return 'error.input';
  if (status === 403) return 'error.forbidden';
  return 'error.generic';
}

/** The JSON API's error body: a stable code and a message a person can act on. */
export function apiError(error: unknown, status: number): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (status >= 500) return { code: 'NIV_INTERNAL', message: 'The desk could not do this; the IT team will find the details in the log.' };
  return { code: typeof code === 'string' ? code : `HTTP_${status}`, message };
}

/** Starts the desk on DESK_HOST:DESK_PORT. @throws AppError DESK_START naming the port when it cannot listen. */
export async function startDesk(app: App, options: DeskOptions & { host: string; port: number }): Promise<FastifyInstance> {
  const server = await buildDesk(app, options);
  try {
    await server.listen({ host: options.host, port: options.port });
  } catch (cause) {
    await server.close();
    throw new AppError(
      ERROR_CODES.DESK_START,
      `The officers' desk cannot listen on ${options.host}:${options.port} (${describeError(cause)}). Set DESK_PORT to a free port, or DESK_PORT=0 to run without the desk.`,
      { cause },
    );
  }
  return server;
}
