import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Officer } from '../accounts.ts';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { ticketKindOf, ticketWordKey } from '../../domain/tickets/ticket-number.ts';
import { parseMultipart } from '../multipart.ts';
import type { DeskContext } from '../server.ts';
import { apiTokenCheck, sendApiError } from './api.ts';

const fileParams = z.object({ number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/), id: z.coerce.number().int().positive() });
const ticketParams = z.object({ number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/) });
/** The ticket page's upload form: the file and an optional note to the citizen (the reply's own limit less room for the notice). */
const uploadForm = z.object({
  file: z.instanceof(Buffer, { message: 'Choose a file to attach.' }),
  text: z.string().trim().max(3000).optional(),
  /** The page's token for this form (a page from before it had one sends none: no retry protection). */
  form_key: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/).optional(),
});
/** Room for the form's other fields and the multipart headers beside the file. */
/** An Idempotency-Key used before for another request: not a retry, refused. */
const API_KEY_REUSED: Record<string, string> = {
  'error.form_other_ticket': 'This Idempotency-Key was already used for a file on another ticket; send a new key.',
  'error.form_other_file': 'This Idempotency-Key was already used for another file; send a new key.',
};

/** The API upload's optional Idempotency-Key header (as Stripe's and the IETF draft's). */
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/).optional();
const FORM_OVERHEAD = 64 * 1024;

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
    // The API's token check before the body is read: a handler's check came after fastify had
    // buffered up to maxBytes for anyone who asked.
    scope.addHook('onRequest', apiTokenCheck(ctx));
    // Answered as the rest of the API answers (an input error in English, not a locale key).
    scope.setErrorHandler(async (error: FastifyError, request, reply) => sendApiError(ctx, error, request, reply));
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes + 1 }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/tickets/:number/files', { bodyLimit: maxBytes + 1 }, async (request, reply) => {
      const officer = signedIn(request);
      const { number } = ticketParams.parse(request.params);
      if (!Buffer.isBuffer(request.body)) throw new AppError(ERROR_CODES.FILE_REJECTED, 'Send the file itself as the request body.');
      // A client that retries after a timeout sends the same Idempotency-Key: the file is attached
      // once, and the retry answers 200 with the first one's file. Keys are the officer's own.
      const key = idempotencyKey.safeParse(request.headers['idempotency-key']);
      if (!key.success) throw new AppError(ERROR_CODES.DESK_INPUT, 'The Idempotency-Key header must be 1 to 200 visible ASCII characters.');
      const { row, fresh } = await app.evidence.attach(officer, number, request.body, key.data === undefined ? undefined : `api:${officer.id}:${key.data}`)
        .catch((error: unknown) => {
          // The desk form's wording ("this form") told in the API's terms.
          const reused = error instanceof AppError && error.code === ERROR_CODES.DESK_INPUT ? API_KEY_REUSED[error.message] : undefined;
          throw reused ? new AppError(ERROR_CODES.DESK_INPUT, reused) : error;
        });
      return reply.status(fresh ? 201 : 200).send({ id: row.id, mime: row.mime, size: row.size, sha256: row.sha256, createdAt: row.created_at });
    });
  });

  // The ticket page's form: attach a file (audited, as through the API) and reply to the citizen,
  // in their language, that a document was attached and how to get it. The channels do not send
  // the file itself yet: the citizen gets it with their copy of their data ("my data").
  await server.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: maxBytes + FORM_OVERHEAD }, (request, body, done) => {
      try {
        const form = parseMultipart(body as Buffer, String(request.headers['content-type']));
        // `_csrf` among the fields, where the CSRF check looks for it.
        done(null, { ...form.fields, ...(form.files.file && form.files.file.length > 0 ? { file: form.files.file } : {}) });
      } catch (error) {
        done(error as Error);
      }
    });
    // Past the form's body limit: a file too large, said as the checks say it (the desk's handler renders it).
    scope.setErrorHandler(async (error) => {
      if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        throw new AppError(ERROR_CODES.FILE_REJECTED, `The file is larger than the ${maxBytes} bytes accepted (profile files.maxBytes).`, { details: { reason: 'too_large', maxBytes } });
      }
      throw error;
    });
    // The officer's session before the body is read (the cookie plugin has parsed cookies by
    // onRequest): otherwise anyone could make the desk buffer up to maxBytes before being refused.
    scope.addHook('onRequest', async (request, reply) => {
      if (!(await ctx.requireOfficer(request, reply))) return reply;
    });
    scope.post('/tickets/:number/files', { preHandler: server.csrfProtection, bodyLimit: maxBytes + FORM_OVERHEAD }, async (request, reply) => {
      const officer = signedIn(request);
      const { number } = ticketParams.parse(request.params);
      const form = uploadForm.safeParse(request.body);
      if (!form.success) throw new AppError(ERROR_CODES.FILE_REJECTED, form.error.issues[0]?.message ?? 'Choose a file to attach.', { details: { reason: 'empty' } });
      // Checked before the unit of work (it reads the whole file); attached and replied in one,
      // keyed by the form's token, so a retried submission does neither twice.
      const checked = await app.evidence.check(form.data.file);
      await app.desk.attachAndReply(officer, number, {
        file: { bytes: form.data.file, checked },
        note: form.data.text || undefined,
        idempotencyKey: form.data.form_key && `desk-form:${officer.id}:${form.data.form_key}`,
        told: (lang) => app.content.translator.t(lang, 'operations:files.attached_reply', { number, item: { t: ticketWordKey(ticketKindOf(number)) } }),
      });
      // A repeat lands where the first submission did: the file is there, the citizen was told once.
      return reply.redirect(`/tickets/${number}?done=file`, 303);
    });
  });
}

/** The officer the scope's `onRequest` hook found; it answers every request without one. */
function signedIn(request: FastifyRequest): Officer {
  if (!request.officer) throw new Error('upload route reached without the onRequest authentication hook');
  return request.officer;
}

function extOf(mime: string): string {
  return mime.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
}
