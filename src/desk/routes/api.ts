import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, describeError, ERROR_CODES } from '../../errors.ts';
import { apiError, errorStatus, type DeskContext } from '../server.ts';
import { auditRefusal } from '../refusals.ts';
import { registerChatApi } from './api-chats.ts';
import { API_INVALID, API_PREFIX, API_DOCS, API_UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE, type ApiInstance } from './api-common.ts';
import { registerTicketApi } from './api-tickets.ts';

/**
 * The JSON API, for officers' own tools and integrations: the queue, tickets and their actions,
 * and live chats, with an OpenAPI 3 document at /api/docs/json and its UI at /api/docs. Requests
 * carry an officer's API token (no cookies, so no CSRF token); everything the desk audits for a
 * page is audited the same way here, inside DeskService.
 */
/**
 * The API's token check, as an `onRequest` hook: sets `request.officer` or answers 401. Also used
 * by the API's file upload (files.ts), registered apart for its raw body: in `onRequest` it runs
 * before a body of up to files.maxBytes is read, so no one unauthenticated makes the desk buffer one.
 */
export function apiTokenCheck(ctx: DeskContext): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const officer = match ? await ctx.app.accounts.tokenOfficer(match[1]!) : undefined;
    if (!officer) {
      return reply
        .status(401)
        .header('www-authenticate', match ? 'Bearer error="invalid_token"' : 'Bearer')
        .send({ code: API_UNAUTHENTICATED, message: UNAUTHENTICATED_MESSAGE });
    }
    request.officer = officer;
  };
}

export async function registerApiRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  // Registered, not awaited: fastify loads them in order when the desk becomes ready.
  void server.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Nivaran desk API',
        version: '1.0.0',
        description:
          'The officers’ desk as JSON: the queue, tickets and their actions, and live chats with citizens. ' +
          'Authenticate with an API token created on the desk under My account: `Authorization: Bearer nvr_…`. ' +
          'Every read of citizen data and every action is written to the audit log under the token’s officer.',
      },
      tags: [
        { name: 'account', description: 'The token’s officer' },
        { name: 'tickets', description: 'The queue, tickets and officers’ actions on them' },
        { name: 'chats', description: 'Live chats: citizens who asked for an officer' },
      ],
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'An officer’s API token (nvr_…), created on the desk under My account.' },
        },
      },
    },
    // Only the JSON API is documented: the desk's pages and the docs' own routes are not.
    transform: (doc) => (doc.url.startsWith(`${API_PREFIX}/`) ? jsonSchemaTransform(doc) : { schema: { hide: true }, url: doc.url }),
    transformObject: (doc) => tidyDocument(jsonSchemaTransformObject(doc)),
  });
  void server.register(fastifySwaggerUi, {
    routePrefix: API_DOCS,
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });

  void server.register(
    async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      // `POST …/take` with `content-type: application/json` and no body is a request with no body, not an error.
      const json = api.getDefaultJsonParser('error', 'error');
      api.removeContentTypeParser('application/json');
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        if (body === '') done(null, undefined);
        else json(request, body.toString(), done);
      });

      api.addHook('onRequest', apiTokenCheck(ctx));

      // The API's own: validation errors and desk input errors are said differently from the pages'.
      api.setErrorHandler(async (error: FastifyError, request, reply) => sendApiError(ctx, error, request, reply));

      const typed: ApiInstance = api.withTypeProvider<ZodTypeProvider>();
      registerTicketApi(typed, ctx);
      registerChatApi(typed, ctx);
    },
    { prefix: API_PREFIX },
  );
}

/** Validation errors name the field and why; desk input errors are said in English; the rest as the desk answers them. */
export async function sendApiError(ctx: DeskContext, error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const english = (message: string) => (message.startsWith('error.') ? ctx.app.content.translator.t('en', `desk:${message}`) : message);
  const invalid = (message: string) => reply.status(400).send({ code: API_INVALID, message });
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    return invalid(error.validation.map((v) => `${fieldOf(where, v.instancePath)}: ${english(v.message ?? 'is not valid')}`).join('; '));
  }
  if (error instanceof z.ZodError) {
    return invalid(error.issues.map((i) => `${fieldOf('body', i.path.map(String).join('/'))}: ${english(i.message)}`).join('; '));
  }
  if (error instanceof AppError && error.code === ERROR_CODES.DESK_INPUT) {
    return reply.status(400).send({ code: error.code, message: english(error.message) });
  }
  const status = errorStatus(error);
  if (status === 403) await auditRefusal(ctx.app.store, request, ctx.clock(), ctx.options.logger);
  // Fastify's own refusals of a request (a body that is not JSON, an empty JSON body).
  if (status === 400 && !(error instanceof AppError)) return invalid(error.message);
  if (status >= 500) ctx.options.logger.error({ route: request.routeOptions.url, error: describeError(error) }, 'desk API request failed');
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.status(status).send(apiError(error, status));
}

type Doc = {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: { nullable?: boolean } }> } }>>;
  components?: { schemas?: Record<string, unknown> };
};

/**
 * Two fixes to the generated document: a body the route takes as optional (null or absent) is
 * not required; and each named schema becomes two components, as a request's and a response's
 * shape, so the ones no operation reaches are left out.
 */
function tidyDocument<T extends object>(document: T): T {
  const doc = document as Doc;
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (op.requestBody && schema?.nullable) {
        op.requestBody.required = false;
        delete schema.nullable;
      }
    }
  }
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  const reached = new Set<string>();
  const pending = refsIn(doc.paths);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
  return document;
}

function fieldOf(where: string, path: string): string {
  const p = path.replace(/^\//, '').replaceAll('/', '.');
  return p ? `${where}.${p}` : where;
}
