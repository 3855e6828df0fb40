import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NOTIFY_KINDS } from '../../notify/kinds.ts';
import { notificationsPage } from '../pages/notifications.ts';
import type { DeskContext } from '../server.ts';

/** My account → notifications by email: each officer's own choices (not citizen data, so not audited). */
export async function registerNotificationRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  const emailOn = Boolean(app.config.smtp);
  const send = (reply: import('fastify').FastifyReply, page: { value: string }, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').send(page.value);

  server.get('/account/notifications', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const pc = await ctx.pageContext(request, reply);
    const saved = z.object({ done: z.literal('1').optional() }).safeParse(request.query);
    const notice = saved.success && saved.data.done ? { kind: 'ok' as const, text: app.content.translator.t(pc.lang, 'operations:settings.saved') } : undefined;
    return send(reply, notificationsPage(pc, await app.notifier.settingsOf(officer.id), { emailOn, ...(notice ? { notice } : {}) }));
  });

  server.post('/account/notifications', { preHandler: server.csrfProtection }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const modes: Record<string, unknown> = {};
    for (const kind of NOTIFY_KINDS) if (body[`mode_${kind}`] !== undefined) modes[kind] = body[`mode_${kind}`];
    try {
      await app.notifier.saveSettings(officer.id, { digestTime: body.digest_time, modes });
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      const pc = await ctx.pageContext(request, reply);
      const text = app.content.translator.t(pc.lang, 'operations:settings.bad_time');
      return send(reply, notificationsPage(pc, await app.notifier.settingsOf(officer.id), { emailOn, notice: { kind: 'error', text } }), 400);
    }
    return reply.redirect('/account/notifications?done=1', 303);
  });
}
