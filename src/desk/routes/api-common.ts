import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Officer } from '../accounts.ts';
import { apiErrorSchema } from './api-schemas.ts';

/** The /api/v1 plugin's instance, with zod schemas typing requests and replies. */
export type ApiInstance = Parameters<FastifyPluginAsyncZod>[0];

export const API_PREFIX = '/api/v1';
export const API_DOCS = '/api/docs';
export const API_INVALID = 'NIV_API_INVALID';
export const API_UNAUTHENTICATED = 'NIV_API_UNAUTHENTICATED';
export const UNAUTHENTICATED_MESSAGE = 'Send an API token: Authorization: Bearer nvr_… (create one on the desk under My account).';

/** Every /api/v1 route: its tag, the bearer token it needs, and the errors any route may answer. */
export function secured(tag: string, summary: string, description?: string) {
  return { tags: [tag], summary, ...(description ? { description } : {}), security: [{ apiToken: [] }] };
}

/** Error responses for a route's schema, so the OpenAPI document lists them. */
export function errors(...statuses: Array<400 | 401 | 403 | 404 | 409>) {
  return Object.fromEntries([401, ...statuses].map((s) => [s, apiErrorSchema])) as Record<number, typeof apiErrorSchema>;
}

/** The officer whose token the request carries (set by the authentication hook). */
export function officerOf(request: FastifyRequest): Officer {
  if (!request.officer) throw Object.assign(new Error(UNAUTHENTICATED_MESSAGE), { statusCode: 401, code: API_UNAUTHENTICATED });
  return request.officer;
}
