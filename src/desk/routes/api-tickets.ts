import { z } from 'zod';
import { DESK_ACTIONS, deskActionSchema, queueFiltersSchema } from '../desk-service.ts';
import type { DeskContext } from '../server.ts';
import { errors, officerOf, secured, type ApiInstance } from './api-common.ts';
import {
  ACTION_DOCS,
  ACTION_FIELD_DOCS,
  actionResultSchema,
  afterQuery,
  apiErrorSchema,
  officerSchema,
  queueSchema,
  ticketDetailSchema,
  ticketParams,
  ticketTranscriptSchema,
} from './api-schemas.ts';

const queueQuery = queueFiltersSchema.extend({
  kind: queueFiltersSchema.shape.kind.describe('grievance, data_rights, …; empty: any'),
  status: queueFiltersSchema.shape.status.describe('A ticket status; empty: every open one'),
  channel: queueFiltersSchema.shape.channel.describe('console, telegram, whatsapp, …; empty: any'),
  language: queueFiltersSchema.shape.language.describe('en or hi; empty: any'),
  department: queueFiltersSchema.shape.department.describe('A department id; empty: every department you work in'),
  assignee: queueFiltersSchema.shape.assignee.describe('any, me, none, or an officer’s id'),
  page: queueFiltersSchema.shape.page.describe('50 tickets a page'),
});

/** The body of each action: its fields in `deskActionSchema`, without `type` (the URL names it). */
function actionBody(option: (typeof deskActionSchema.options)[number]) {
  const { type: _type, ...fields } = option.shape as Record<string, z.ZodType>;
  const described = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, ACTION_FIELD_DOCS[k] ? f.describe(ACTION_FIELD_DOCS[k]) : f]));
  const body = z.strictObject(described);
  // Actions without required fields may be sent without a body.
  return body.safeParse({}).success ? body.nullish() : body;
}

export function registerTicketApi(api: ApiInstance, ctx: DeskContext): void {
  const desk = ctx.app.desk;

  api.get('/me', { schema: { ...secured('account', 'The officer the token belongs to'), response: { 200: officerSchema, ...errors() } } }, async (request) => {
    const { id, email, name, role, lang } = officerOf(request);
    return { id, email, name, role, lang };
  });

  api.get(
    '/tickets',
    {
      schema: {
        ...secured('tickets', 'The queue', 'Open tickets this officer may see (their levels, and those assigned to them), nearest deadline first.'),
        querystring: queueQuery,
        response: { 200: queueSchema, ...errors(400) },
      },
    },
    async (request) => {
      const q = await desk.queue(officerOf(request), request.query);
      const { due_soon: dueSoon, ...counts } = q.counts;
      return { items: q.items, counts: { ...counts, dueSoon }, waitingChats: q.waitingChats, page: q.page, pageSize: q.pageSize, now: q.now.toISOString() };
    },
  );

  api.get(
    '/tickets/:number',
    {
      schema: {
        ...secured('tickets', 'A ticket', 'The ticket with its history, timers and transcript, and the actions this officer may take.'),
        params: ticketParams,
        response: { 200: ticketDetailSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => desk.ticket(officerOf(request), request.params.number),
  );

  api.get(
    '/tickets/:number/transcript',
    {
      schema: {
        ...secured('tickets', 'New transcript rows of a ticket', 'Rows of the ticket’s conversation after the given row id (at most 200), with the ticket’s status.'),
        params: ticketParams,
        querystring: afterQuery,
        response: { 200: ticketTranscriptSchema, ...errors(400, 403, 404) },
      },
    },
    async (request) => desk.ticketTranscriptAfter(officerOf(request), request.params.number, request.query.after, { audit: true }),
  );

  for (const option of deskActionSchema.options) {
    const type = option.shape.type.value;
    const doc = ACTION_DOCS[type]!;
    api.post(
      `/tickets/:number/actions/${type}`,
      {
        schema: {
          ...secured('tickets', doc.summary, doc.description),
          operationId: `ticket_${type}`,
          params: ticketParams,
          body: actionBody(option),
          response: { 200: actionResultSchema, ...errors(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const t = await desk.act(officerOf(request), request.params.number, deskActionSchema.parse({ ...body, type }));
        return desk.summary(t);
      },
    );
  }

  // Any other action: say which there are.
  api.post(
    '/tickets/:number/actions/:type',
    { schema: { hide: true, response: { 404: apiErrorSchema } } },
    async (request, reply) => {
      const { type } = request.params as { type: string };
      return reply.status(404).send({ code: 'NOT_FOUND', message: `There is no ticket action "${type}"; the actions are: ${DESK_ACTIONS.join(', ')}.` });
    },
  );
}
