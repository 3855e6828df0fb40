import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { isAdmin } from '../access.ts';
import { SESSION_COOKIE, type DeskContext } from '../server.ts';
import { hashToken } from '../../security/token.ts';
import { accountPage } from '../pages/account.ts';
import { officersPage } from '../pages/officers.ts';
import type { Notice } from '../pages/layout.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const form = (request: FastifyRequest) => {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
};

/**
 * Switching officers off and on, password resets (the admin) and changes (the officer), and the
 * honest revoke of an API token: each audited by `Accounts` (issue 14).
 */
export async function registerOfficerSecurityRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  const csrf = server.csrfProtection;
  const st = (lang: string, key: string) => app.content.translator.t(lang === 'hi' ? 'hi' : 'en', `security:${key}`);

  const admin = async (request: FastifyRequest, reply: FastifyReply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (officer && !isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator manages officers.');
    return officer;
  };
  const officersAgain = async (request: FastifyRequest, reply: FastifyReply, notice: Notice, status: number) => {
    const pc = await ctx.pageContext(request, reply);
    return reply.status(status).type('text/html; charset=utf-8').send(officersPage(pc, await app.accounts.list(), { notice }).value);
  };
  const officerError = (error: unknown) => (error instanceof AppError && error.code === ERROR_CODES.OFFICER_INVALID ? error.message : undefined);

  for (const [path, run, done] of [
    ['deactivate', (id: number, actor: string) => app.accounts.deactivate(id, actor), 'deactivated'],
    ['activate', (id: number, actor: string) => app.accounts.activate(id, actor), 'activated'],
  ] as const) {
    server.post(`/officers/:id/${path}`, { preHandler: csrf }, async (request, reply) => {
      const officer = await admin(request, reply);
      if (!officer) return reply;
      const { id } = idParams.parse(request.params);
      try {
        await run(id, `officer:${officer.id}`);
      } catch (error) {
        const message = officerError(error);
        if (!message) throw error;
        return officersAgain(request, reply, { kind: 'error', text: message }, 409);
      }
      return officersAgain(request, reply, { kind: 'ok', text: st(officer.lang, done) }, 200);
    });
  }

  server.post('/officers/:id/password', { preHandler: csrf }, async (request, reply) => {
    const officer = await admin(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    try {
      await app.accounts.setPassword(id, form(request)('password'), `officer:${officer.id}`);
    } catch (error) {
      const message = officerError(error);
      if (!message) throw error;
      return officersAgain(request, reply, { kind: 'error', text: message }, 400);
    }
    return officersAgain(request, reply, { kind: 'ok', text: st(officer.lang, 'password_reset') }, 200);
  });

  const accountAgain = async (request: FastifyRequest, reply: FastifyReply, notice: Notice, status: number) => {
    const pc = await ctx.pageContext(request, reply);
    return reply.status(status).type('text/html; charset=utf-8').send(accountPage(pc, await app.accounts.apiTokens(pc.officer!), { notice }).value);
  };

  server.post('/account/password', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const f = form(request);
    try {
      await app.accounts.changeOwnPassword(officer, f('current'), f('password'), hashToken(request.cookies[SESSION_COOKIE] ?? ''));
    } catch (error) {
      const message = officerError(error);
      if (!message) throw error;
      return accountAgain(request, reply, { kind: 'error', text: message }, 400);
    }
    return accountAgain(request, reply, { kind: 'ok', text: st(officer.lang, 'password_changed') }, 200);
  });

  // Replaces the account page's revoke: "done" only when a token really was revoked.
  server.post('/account/tokens/:id/revoke', { preHandler: csrf }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { id } = idParams.parse(request.params);
    try {
      await app.accounts.revokeApiToken(officer, id);
    } catch (error) {
      if (error instanceof AppError && error.code === ERROR_CODES.DESK_INPUT) return accountAgain(request, reply, { kind: 'error', text: st(officer.lang, 'token_unknown') }, 404);
      throw error;
    }
    return accountAgain(request, reply, { kind: 'ok', text: st(officer.lang, 'token_revoked') }, 200);
  });
}
