import type { FastifyInstance } from 'fastify';
import { tokenMatches } from '../../metrics/http.ts';
import type { DeskContext } from '../server.ts';

/**
 * For the IT team's monitoring, beside `/healthz` (alive): `/readyz` (ready for traffic) and,
 * with METRICS_TOKEN, `/metrics` for a Prometheus scrape carrying `Authorization: Bearer <token>`.
 */
export async function registerOperationsRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  server.get('/readyz', async (_request, reply) => {
    const r = await app.metrics.readiness();
    return reply.status(r.ready ? 200 : 503).send(r);
  });
  const token = app.config.metrics?.token;
  if (!token) return;
  server.get('/metrics', async (request, reply) => {
    if (!tokenMatches(request.headers.authorization, token)) {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ code: 'NIV_METRICS_TOKEN', message: 'Send METRICS_TOKEN as Authorization: Bearer <token>.' });
    }
    const m = await app.metrics.render();
    return reply.type(m.contentType).send(m.body);
  });
}
