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
export type TicketKind = (typeof TICKET_KINDS)[number];

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
  /** Officer reminders at these fractions of each rung's time (0 < f < 1). */
  reminders: z.array(z.number().gt(0).lt(1)).max(5).default([0.5, 0.8]),
  board: z.object({ url: z.url().optional() }).default({}),
});

export type ProfileInput = z.input<typeof profileSchema>;
export type Profile = Omit<z.infer<typeof profileSchema>, 'policies'> & {
  /** Every ticket kind resolved to its full policy. */
  policies: Record<TicketKind, SlaPolicy>;
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
