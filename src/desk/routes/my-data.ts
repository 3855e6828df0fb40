import type { FastifyInstance, FastifyRequest } from 'fastify';
import { downloadOwnData } from '../../citizen-data/download.ts';
import { MY_DATA_PATH, parseToken } from '../../citizen-data/links.ts';
import { notFoundPage, ownDataPage } from '../../citizen-data/page.ts';
import { isLang } from '../../engine/session.ts';
import type { DeskContext } from '../server.ts';

/** Downloads allowed per address per minute (pages and JSON files alike, found or not). */
export const MY_DATA_RATE = { max: 20, windowMs: 60_000 } as const;

/**
 * The citizen's download of their own data, by the link sent in the chat: no log-in, the link's
 * random token is the key. `/my-data/<token>` is a readable page in the citizen's language,
 * `/my-data/<token>.json` the same data as a file. An unknown or expired token gets a 404 page in
 * both languages. Rate-limited per address; never cached, indexed or framed.
 */
export async function registerMyDataRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { translator } = ctx.app.content;
  server.get<{ Params: { token: string } }>(`${MY_DATA_PATH}:token`, {
    // A HEAD (a link checker) must not count as a download.
    exposeHeadRoute: false,
    config: { rateLimit: { max: MY_DATA_RATE.max, timeWindow: MY_DATA_RATE.windowMs, keyGenerator: (req: FastifyRequest) => req.ip } },
  }, async (request, reply) => {
    reply.header('x-robots-tag', 'noindex, nofollow');
    const parsed = parseToken(request.params.token);
    const found = parsed ? await downloadOwnData(ctx.app.store, parsed.token, parsed.json ? 'json' : 'html', ctx.clock(), (uow, sha) => ctx.app.evidence.bytesOf(uow, sha)) : undefined;
    if (!parsed || !found) return reply.status(404).type('text/html; charset=utf-8').send(notFoundPage(translator).value);
    if (parsed.json) {
      const day = found.data.exported_at.slice(0, 10);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="my-data-${day}.json"`)
        .send(`${JSON.stringify(found.data, null, 2)}\n`);
    }
    const lang = isLang(found.link.lang) ? found.link.lang : 'en';
    const page = ownDataPage(found.data, { lang, translator, jsonHref: `${MY_DATA_PATH}${parsed.token}.json`, expiresAt: found.link.expires_at });
    return reply.type('text/html; charset=utf-8').send(page.value);
  });
}
