import { z } from 'zod';
import { DURATION_UNITS } from '../../domain/sla/duration.ts';

/**
 * The JSON API's shapes. Responses are encoded through these schemas (keys not named here are
 * left out), and the OpenAPI document is generated from them; the named ones become components.
 */
function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  return schema.meta(description ? { id, description } : { id });
}

const iso = () => z.string().describe('ISO 8601 time (UTC)');
const isoOrNull = () => z.string().nullable().describe('ISO 8601 time (UTC), or null');

export const apiErrorSchema = named(
  'ApiError',
  z.object({
    code: z.string().describe('Stable error code, e.g. NIV_API_INVALID, NIV_DESK_FORBIDDEN, NIV_TICKET_TRANSITION'),
    message: z.string().describe('What went wrong, in English, and what to do about it'),
  }),
);

export const officerSchema = named(
  'Officer',
  z.object({ id: z.number().int(), email: z.string(), name: z.string(), role: z.string(), lang: z.string() }),
  'The officer the API token belongs to.',
);

export const officerRefSchema = named('OfficerRef', z.object({ id: z.number().int(), name: z.string(), role: z.string() }));

const durationSchema = z.object({ unit: z.enum(DURATION_UNITS), value: z.number().int() });

export const ticketSummarySchema = named(
  'TicketSummary',
  z.object({
    number: z.string(),
    kind: z.string(),
    status: z.string(),
    language: z.string(),
    channel: z.string(),
    department: z.string().describe('The department holding the ticket (`main` where the profile declares none)'),
    createdAt: iso(),
    policy: z.object({
      id: z.string(),
      regime: z.string(),
      title: z.string(),
      acknowledge: durationSchema.nullable(),
      resolve: durationSchema,
    }),
    ackDueAt: isoOrNull(),
    acknowledgedAt: isoOrNull(),
    dueAt: iso().describe('The statutory deadline to resolve (pauses and the extension counted)'),
    level: z.number().int().describe('The rung of the escalation ladder (0: the first)'),
    levelRole: z.string().nullable(),
    levelStartedAt: isoOrNull(),
    levelDueAt: iso(),
    paused: z.boolean().describe('True while awaiting the citizen: the clock stands still'),
    pausedMs: z.number(),
    extension: z.object({ duration: durationSchema, reason: z.string(), at: iso(), actor: z.string() }).nullable(),
    breachedAt: isoOrNull(),
    boardNotifiedAt: isoOrNull(),
    resolvedAt: isoOrNull(),
    closedAt: isoOrNull(),
  }),
);

export const actionResultSchema = named(
  'ActionResult',
  ticketSummarySchema.extend({
    assignedTo: z.number().int().nullable().describe('The id of the officer holding the ticket, or null'),
    updatedAt: iso(),
  }),
  'The ticket as the action left it.',
);

export const queueItemSchema = named(
  'QueueItem',
  ticketSummarySchema.extend({
    nextDue: z.string().nullable().describe('The nearest deadline: the level’s or the statutory one'),
    assignee: officerRefSchema.nullable(),
    breached: z.boolean(),
    dueSoon: z.boolean(),
  }),
);

export const queueSchema = named(
  'Queue',
  z.object({
    items: z.array(queueItemSchema).describe('Nearest deadline first'),
    counts: z.object({
      total: z.number().int(),
      breached: z.number().int(),
      dueSoon: z.number().int(),
      unassigned: z.number().int(),
      mine: z.number().int(),
    }),
    waitingChats: z.number().int().describe('Citizens waiting for an officer in a live chat'),
    page: z.number().int(),
    pageSize: z.number().int(),
    now: iso(),
  }),
);

export const transcriptRowSchema = named(
  'TranscriptRow',
  z.object({
    id: z.number().int().describe('Pass the last id seen as `after` to get only newer rows'),
    direction: z.enum(['in', 'out']).describe('in: from the citizen; out: to the citizen'),
    text: z.string().describe('As stored: identifiers such as Aadhaar numbers are masked'),
    at: iso(),
  }),
);

export const ticketDetailSchema = named(
  'Ticket',
  ticketSummarySchema.extend({
    fields: z.unknown().describe('What the citizen gave in the conversation (masked)'),
    history: z.array(
      z.object({
        at: iso(),
        actor: z.string(),
        kind: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        reason: z.string().nullable(),
        data: z.unknown(),
      }),
    ),
    timers: z.array(z.object({ kind: z.string(), fireAt: iso(), data: z.unknown() })),
    officerNotifications: z.array(z.object({ at: iso(), role: z.string(), kind: z.string(), data: z.unknown() })),
    transcript: z.array(transcriptRowSchema).describe('The conversation’s latest 500 rows'),
    assignee: officerRefSchema.nullable(),
    officers: z.array(officerRefSchema).describe('Every active officer, to name the actors in the history'),
    actions: z.array(z.string()).describe('The actions this officer may take now: POST …/actions/{action}'),
    assignable: z.array(officerRefSchema).describe('Officers the ticket can be assigned to'),
    handoff: z.object({ id: z.number().int(), status: z.string(), officerId: z.number().int().nullable() }).nullable().describe('The citizen’s live chat, if one is open'),
    levelTitle: z.object({ en: z.string(), hi: z.string() }),
  }),
);

export const ticketTranscriptSchema = named(
  'TicketTranscriptUpdate',
  z.object({ rows: z.array(transcriptRowSchema).describe('At most 200 rows'), status: z.string(), updatedAt: iso() }),
);

export const chatSchema = named(
  'Chat',
  z.object({
    id: z.number().int(),
    channel: z.string(),
    language: z.string(),
    reason: z.string().describe('citizen_asked, or stuck (the assistant could not help)'),
    status: z.enum(['waiting', 'taken', 'closed']),
    createdAt: iso(),
    takenAt: isoOrNull(),
    officer: officerRefSchema.nullable(),
    timeoutNotifiedAt: isoOrNull().describe('When the citizen was told that no officer was free yet'),
  }),
  'A citizen’s request to talk to an officer.',
);

export const chatDetailSchema = named(
  'ChatDetail',
  chatSchema.extend({
    transcript: z.array(transcriptRowSchema).describe('The conversation’s latest 500 rows'),
    tickets: z.array(z.object({ number: z.string(), status: z.string(), kind: z.string() })).describe('This citizen’s tickets'),
    mine: z.boolean().describe('True when this officer holds the chat'),
  }),
);

export const chatUpdateSchema = named(
  'ChatUpdate',
  z.object({ rows: z.array(transcriptRowSchema).describe('At most 200 rows'), status: z.enum(['waiting', 'taken', 'closed']), officerId: z.number().int().nullable() }),
);

export const chatStateSchema = named(
  'ChatState',
  z.object({
    id: z.number().int(),
    status: z.enum(['waiting', 'taken', 'closed']),
    officerId: z.number().int().nullable(),
    takenAt: isoOrNull(),
    closedAt: isoOrNull(),
  }),
);

export const ticketParams = z.object({
  number: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6}$/, 'a ticket number looks like GRV-2026-000123').describe('The ticket number, e.g. GRV-2026-000123'),
});
export const chatParams = z.object({ id: z.coerce.number().int().positive().describe('The live chat’s id') });
export const afterQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('Only rows after the transcript row with this id (0: from the start)'),
});

/** Descriptions of the action fields, for the OpenAPI document. */
export const ACTION_FIELD_DOCS: Record<string, string> = {
  officerId: 'The officer to give the ticket to; 0 puts it back in its level’s queue.',
  text: 'The reply the citizen receives (1–4000 characters).',
  question: 'What the citizen is asked (5–1000 characters); the clock pauses until they answer.',
  unit: 'The unit of the extension.',
  value: 'How many units (1–90).',
  reason: 'Why, in words the citizen reads (at least 5 characters).',
};

/** What each action does, for the OpenAPI document. */
export const ACTION_DOCS: Record<string, { summary: string; description: string }> = {
  take: { summary: 'Take the ticket', description: 'Assigns the ticket to you. A ticket a colleague holds can only be taken by the admin.' },
  assign: { summary: 'Assign the ticket', description: 'Gives the ticket to an officer who works at its level (see `assignable` on the ticket), or back to the queue.' },
  acknowledge: { summary: 'Acknowledge the ticket', description: 'The citizen is told that the ticket is being looked into.' },
  reply: { summary: 'Write to the citizen', description: 'Sends the text to the citizen on their channel. The status does not change: resolve does that. Counts as the acknowledgment if none was given.' },
  ask: { summary: 'Ask the citizen for information', description: 'The ticket awaits the citizen and its clock pauses until they answer in the chat.' },
  extend: { summary: 'Extend the deadline', description: 'The one extension a ticket may get; the citizen is told the new date and the reason.' },
  resolve: { summary: 'Resolve the ticket', description: 'The reason is the answer the citizen reads.' },
  escalate: { summary: 'Escalate the ticket', description: 'Refers the ticket to the next level of the ladder; it leaves the officer who held it.' },
  close: { summary: 'Close the ticket', description: 'The reason is optional.' },
  transfer: {
    summary: 'Transfer the ticket to another department',
    description: 'Where the organisation declares departments: the ticket goes to the first level of that department, held by nobody; the statutory deadline does not move. The citizen is told the department and reads the reason.',
  },
};
