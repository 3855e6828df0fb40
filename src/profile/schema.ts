import { z } from 'zod';
import { durationSchema } from '../domain/sla/duration.ts';
import { SLA_PRESETS, slaPolicySchema, type SlaPolicy } from '../domain/sla/presets.ts';

/**
 * The organisation's profile: one YAML file an IT team edits. Who the organisation is, whom a
 * citizen may contact (DPDP Rules r.9), which statutory clock applies to each kind of ticket,
 * the calendar it counts working days on, and its escalation ladder.
 */
const localized = z.object({ en: z.string().min(1).max(300), hi: z.string().min(1).max(300) });

export const LADDER_ROLES = ['officer', 'grievance_officer', 'dpo'] as const;

const rung = z.object({
  role: z.enum(LADDER_ROLES),
  title: localized,
  /** Time this rung has to answer, counted from when the ticket reaches it. */
  within: durationSchema,
});

export const TICKET_KINDS = ['grievance', 'data_rights'] as const;

/**
 * DPDP Rule 3 and s.8(6)/Rule 7: the notice's links, and the breach clock.
 * - `privacyNoticeUrl`: the organisation's privacy notice or website, linked from the consent notice.
 * - `boardComplaint`: how to complain to the Data Protection Board, in each language; without it
 *   the notice names the Board and `board.url` (or, lacking that, where the Board is published).
 * - `breach.boardReportHours`: the detailed report to the Board is due this long after the
 *   breach became known (Rule 7(2)(b): 72 hours, longer only if the Board allows it in writing).
 * - `breach.reminderHours`: the DPO is reminded this long before the report is due.
 */
const lawSchema = z
  .object({
    privacyNoticeUrl: z.url().optional(),
    /**
     * DPDP s.9, Rules 10–11: where children may use the service, the consent step asks whether
     * the person is under 18 (or acts for a person with a disability as their lawful guardian);
     * then consent must come from a parent or guardian verified as an identifiable adult on file,
     * by a one-time code to their number or email on file.
     */
    children: z.object({ possible: z.boolean().default(false) }).default({ possible: false }),
    boardComplaint: localized.optional(),
    breach: z
      .object({
        boardReportHours: z.number().int().min(1).max(24 * 30).default(72),
        reminderHours: z.array(z.number().int().min(1).max(72)).max(5).default([24, 6]),
      })
      .default({ boardReportHours: 72, reminderHours: [24, 6] }),
  })
  .default({ children: { possible: false }, breach: { boardReportHours: 72, reminderHours: [24, 6] } });

const RETENTION_FLOOR = 'must be at least 12 months: DPDP Rule 8(3) requires personal data and logs of processing to be kept for one year';

/** The rubric reviewers score conversations on unless the profile sets its own. */
export const DEFAULT_RUBRIC = [
  { id: 'correct_information', title: { en: 'Correct information', hi: 'सही जानकारी' } },
  { id: 'tone', title: { en: 'Courteous tone', hi: 'शिष्ट व्यवहार' } },
  { id: 'timeliness', title: { en: 'Timeliness', hi: 'समयबद्धता' } },
  { id: 'language_quality', title: { en: 'Language quality', hi: 'भाषा की गुणवत्ता' } },
  { id: 'resolution', title: { en: 'Resolution', hi: 'समाधान' } },
];

/** Identity assurance, weakest first: none; the channel's own attestation; a one-time code. */
export const ASSURANCE_LEVELS = ['none', 'channel', 'otp'] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];
export const REQUEST_KINDS = ['grievance', 'access', 'correction', 'erasure', 'nomination', 'withdraw_consent', 'own_data'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** A header value: literal, or `env:NAME` to read a secret from the environment (never the file). */
const headerValue = z.string().min(1).max(500);
export type TicketKind = (typeof TICKET_KINDS)[number];

/**
 * One department (desk) of the organisation: its names, the grievance categories it answers, and
 * optionally its own ladder, calendar and clocks (the organisation's are used where it sets none).
 * Ids are lower-case letters, digits and `-` (they appear in URLs, the CLI and reports).
 */
const departmentSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, starting with a letter'),
  name: localized,
  /** The grievance categories this department answers: they make the citizen's category menu. */
  categories: z
    .array(z.object({ id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower_snake_case id'), name: localized }))
    .max(10)
    .default([]),
  /** The data-protection desk: data-rights requests (access, correction, erasure, nomination) go here. */
  rights: z.boolean().default(false),
  calendar: z.string().regex(/^[a-z0-9-]+$/).optional(),
  /** Per ticket kind; a kind left out keeps the organisation's policy. */
  policies: z.partialRecord(z.enum(TICKET_KINDS), z.union([z.string(), slaPolicySchema])).optional(),
  ladder: z.array(rung).min(1).max(5).optional(),
});
export type DepartmentInput = z.infer<typeof departmentSchema>;

export const profileSchema = z.object({
  organisation: z.object({
    name: localized,
    /** The DPO or the person who answers questions about processing (DPDP Rules r.9). */
    contact: z.object({
      title: localized,
      name: z.string().min(1).max(120),
      email: z.email().optional(),
      phone: z.string().min(5).max(30).optional(),
    }),
  }),
  /** Calendar id (files in CALENDARS_DIR) for working days and holidays. */
  calendar: z.string().regex(/^[a-z0-9-]+$/).default('in-central'),
  /** The clock of each ticket kind: a preset id or a policy written out. */
  policies: z.record(z.enum(TICKET_KINDS), z.union([z.string(), slaPolicySchema])),
  ladder: z.array(rung).min(1).max(5),
  /**
   * The organisation's departments (see docs/departments.md). None: one implicit department with
   * the organisation's own ladder, calendar and clocks, as before departments existed.
   */
  departments: z
    .array(departmentSchema)
    .min(1)
    .max(20)
    .superRefine((list, ctx) => {
      const ids = new Set<string>();
      const categories = new Set<string>();
      list.forEach((d, i) => {
        if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `a second department with id "${d.id}"` });
        ids.add(d.id);
        d.categories.forEach((c, j) => {
          if (categories.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'categories', j, 'id'], message: `category "${c.id}" belongs to two departments` });
          categories.add(c.id);
        });
      });
      if (list.filter((d) => d.rights).length > 1) ctx.addIssue({ code: 'custom', message: 'at most one department may be the data-protection desk (rights: true)' });
      if (categories.size === 0) ctx.addIssue({ code: 'custom', message: 'the departments must answer at least one grievance category between them' });
      if (categories.size > 10) ctx.addIssue({ code: 'custom', message: `the departments answer ${categories.size} categories; a menu shows at most 10` });
    })
    .optional(),
  /** Officer reminders at these fractions of each rung's time (0 < f < 1). */
  reminders: z.array(z.number().gt(0).lt(1)).max(5).default([0.5, 0.8]),
  board: z.object({ url: z.url().optional() }).default({}),
  /** The identity assurance each kind of request needs (rights requests: a one-time code). */
  verification: z
    .object({
      grievance: z.enum(ASSURANCE_LEVELS).default('none'),
      access: z.enum(ASSURANCE_LEVELS).default('otp'),
      correction: z.enum(ASSURANCE_LEVELS).default('otp'),
      erasure: z.enum(ASSURANCE_LEVELS).default('otp'),
      nomination: z.enum(ASSURANCE_LEVELS).default('otp'),
      withdraw_consent: z.enum(ASSURANCE_LEVELS).default('channel'),
      /**
       * The citizen's copy, or erasure, of what Nivaran holds from their own chat. That data is
       * the conversation's, so the channel's word that the sender owns the chat (a WhatsApp
       * sender, a Telegram user's own contact) is enough by default; otherwise a one-time code.
       */
      own_data: z.enum(ASSURANCE_LEVELS).default('channel'),
    })
    .default({ grievance: 'none', access: 'otp', correction: 'otp', erasure: 'otp', nomination: 'otp', withdraw_consent: 'channel', own_data: 'channel' }),
  /**
   * Where principals on file are looked up when they are not in the local directory (imported
   * from CSV): `{mobile}` and `{email}` in the URL are filled in, URL-encoded.
   */
  directory: z
    .object({
      url: z.string().regex(/^https?:\/\//, 'an http(s) URL with {mobile} or {email}'),
      headers: z.record(z.string(), headerValue).default({}),
      timeoutMs: z.number().int().min(100).max(10_000).default(2000),
    })
    .optional(),
  /**
   * Systems that answer a rights request directly. `access`: GET the URL (`{external_ref}`,
   * `{mobile}`, `{email}` filled in) → JSON `{ "summary": { "en": "…", "hi": "…" } }`, sent to the
   * citizen in the chat; without it an officer prepares the summary.
   */
  connectors: z
    .object({
      access: z
        .object({
          url: z.string().regex(/^https?:\/\//, 'an http(s) URL with {external_ref}, {mobile} or {email}'),
          headers: z.record(z.string(), headerValue).default({}),
          timeoutMs: z.number().int().min(100).max(30_000).default(5000),
        })
        .optional(),
    })
    .default({}),
  erasure: z.object({ coolingOffDays: z.number().int().min(0).max(30).default(7) }).default({ coolingOffDays: 7 }),
  /**
   * How long each class of data is kept, in months, never below the one-year floor of DPDP Rule
   * 8(3) for personal data and logs of processing. The daily purge deletes what is older, except
   * while a ticket of the conversation is open, an appeal or Board case is pending (a Board
   * notice less than `boardCaseMonths` old), or an admin has set a legal hold.
   */
  retention: z
    .object({
      transcriptMonths: z.number().int().min(12, RETENTION_FLOOR).max(120).default(12),
      verificationMonths: z.number().int().min(12, RETENTION_FLOOR).max(120).default(12),
      consentMonths: z.number().int().min(12, RETENTION_FLOOR).max(120).default(84),
      ticketMonths: z.number().int().min(12, RETENTION_FLOOR).max(120).default(36),
      auditMonths: z.number().int().min(12, RETENTION_FLOOR).max(120).default(36),
      boardCaseMonths: z.number().int().min(1).max(120).default(24),
    })
    .default({ transcriptMonths: 12, verificationMonths: 12, consentMonths: 84, ticketMonths: 36, auditMonths: 36, boardCaseMonths: 24 }),
  /**
   * Quality review: every `everyDays` days a random sample of the conversations closed in that
   * period, `perStratum` from each channel × language × kind, lands in the reviewers' queue and is
   * scored 1–5 on each rubric criterion. `seed` makes the sample reproducible.
   */
  quality: z
    .object({
      everyDays: z.number().int().min(1).max(90).default(7),
      perStratum: z.number().int().min(1).max(100).default(2),
      seed: z.string().min(1).max(100).default('nivaran'),
      rubric: z
        .array(z.object({ id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), title: localized, description: localized.optional() }))
        .min(1)
        .max(12)
        .default(DEFAULT_RUBRIC),
    })
    .default({ everyDays: 7, perStratum: 2, seed: 'nivaran', rubric: DEFAULT_RUBRIC }),
  /** The citizen's copy of their own data: a link valid this many hours (served by the desk at PUBLIC_DESK_URL). */
  exports: z.object({ linkHours: z.number().int().min(1).max(24 * 7).default(72) }).default({ linkHours: 72 }),
  /**
   * The officers' desk. `handoffWaitMinutes`: a citizen who asked for an officer and is still
   * waiting after this long is told so once (and may carry on with the assistant).
   * `dueSoonHours`: tickets whose next deadline falls within this are marked "due soon".
   */
  desk: z
    .object({
      handoffWaitMinutes: z.number().int().min(1).max(24 * 60).default(10),
      dueSoonHours: z.number().int().min(1).max(24 * 14).default(48),
    })
    .default({ handoffWaitMinutes: 10, dueSoonHours: 48 }),
  /**
   * Bump when the consent notice's content changes: a returning citizen is shown the new notice
   * before anything else is taken (2026-12: privacy-notice link, the Board, nominees and ratings).
   */
  consent: z.object({ noticeVersion: z.string().min(1).max(40).default('2026-12') }).default({ noticeVersion: '2026-12' }),
  /** Evidence files citizens send and officers attach: the largest accepted, in bytes (default 10 MB). */
  files: z.object({ maxBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024) }).default({ maxBytes: 10 * 1024 * 1024 }),
  /** What the law asks the organisation to tell and do beyond the tickets: see lawSchema. */
  law: lawSchema,
  /**
   * WhatsApp Cloud: approved message templates, sent when the 24-hour customer-service window is
   * closed (WhatsApp refuses free-form text then). `notification` must take exactly one body
   * parameter, which receives the reply's text; `language` is the template language code
   * approved for each of the citizen's languages (e.g. en_US, hi).
   */
  whatsapp: z
    .object({
      templates: z.object({
        notification: z.object({
          name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'a template name as approved in WhatsApp Manager (lower-case letters, digits and _)'),
          language: z
            .object({ en: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/).default('en'), hi: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/).default('hi') })
            .default({ en: 'en', hi: 'hi' }),
        }),
      }),
    })
    .optional(),
});

export type ProfileInput = z.input<typeof profileSchema>;
/** A department as the profile declares it, its own policies resolved (see `loadProfile`). */
export type ProfileDepartment = Omit<DepartmentInput, 'policies'> & {
  /** Every ticket kind, the organisation's policy where the department sets none; absent: the organisation's. */
  policies?: Record<TicketKind, SlaPolicy> | undefined;
};
export type Profile = Omit<z.infer<typeof profileSchema>, 'policies' | 'departments'> & {
  /** Every ticket kind resolved to its full policy. */
  policies: Record<TicketKind, SlaPolicy>;
  departments?: ProfileDepartment[] | undefined;
};

/** Resolves preset ids; an unknown id is reported with the known ones. */
export function resolvePolicies(raw: z.infer<typeof profileSchema>['policies']): { policies?: Profile['policies']; error?: string } {
  const out: Partial<Record<TicketKind, SlaPolicy>> = {};
  for (const kind of TICKET_KINDS) {
    const p = raw[kind] ?? raw.grievance;
    if (p === undefined) return { error: `policies.${kind}: no policy (and no grievance policy to fall back on)` };
    if (typeof p === 'string') {
      const preset = SLA_PRESETS.find((s) => s.id === p);
      if (!preset) return { error: `policies.${kind}: unknown preset "${p}" (known: ${SLA_PRESETS.map((s) => s.id).join(', ')})` };
      out[kind] = preset;
    } else out[kind] = p;
  }
  return { policies: out as Profile['policies'] };
}
