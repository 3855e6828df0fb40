import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { DeskContext } from '../server.ts';

const fileParams = z.object({ number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/), id: z.coerce.number().int().positive() });
const ticketParams = z.object({ number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/) });

/**
 * Evidence files on the desk: an officer who may see the ticket downloads its files (audited);
 * an officer who may act on it attaches one through the API (the raw bytes as the body; the type
 * is found from the content, whatever Content-Type says).
 */
export async function registerFileRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  const maxBytes = app.content.profile.files.maxBytes;

  server.get('/tickets/:number/files/:id', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    const { number, id } = fileParams.parse(request.params);
    const { row, bytes } = await app.evidence.download(officer, number, id);
    // Always a download, never rendered by the browser in the desk's origin.
    return reply
      .type(row.mime)
      .header('content-disposition', `attachment; filename="${number}-${row.id}.${extOf(row.mime)}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(bytes);
  });

  await server.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes + 1 }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/tickets/:number/files', { bodyLimit: maxBytes + 1 }, async (request, reply) => {
      const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      const officer = token ? await app.accounts.tokenOfficer(token) : undefined;
      if (!officer) return reply.status(401).send({ code: 'NIV_API_UNAUTHENTICATED', message: 'Send an API token: Authorization: Bearer nvr_… (create one on the desk under My account).' });
      const { number } = ticketParams.parse(request.params);
      if (!Buffer.isBuffer(request.body)) throw new AppError(ERROR_CODES.FILE_REJECTED, 'Send the file itself as the request body.');
      const row = await app.evidence.attach(officer, number, request.body);
      return reply.status(201).send({ id: row.id, mime: row.mime, size: row.size, sha256: row.sha256, createdAt: row.created_at });
    });
  });
}

function extOf(mime: string): string {
  return mime.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
}
