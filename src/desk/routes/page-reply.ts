import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../html.ts';

/** Sends a rendered desk page. */
export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page.value);
}

/** A desk form's fields, as strings (anything else, and the CSRF token, dropped). */
export function formValues(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
}
