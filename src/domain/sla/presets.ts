import { z } from 'zod';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { CALENDAR_ID } from './calendar-data.ts';
import { durationSchema, type Duration, type DurationUnit } from './duration.ts';

/** The legal regimes whose clocks Nivaran knows (legal-requirements §1). */
export const SLA_REGIMES = ['dpdp', 'it_rules', 'spdi', 'ecommerce', 'cpgrams'] as const;
export type SlaRegime = (typeof SLA_REGIMES)[number];

const POLICY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TICKET_KIND = /^[a-z][a-z0-9_]*$/;

/**
 * DPDP Rules 2025 r.14(3): the Data Fiduciary publishes its grievance response period, "not
 * exceeding ninety days". Each unit's largest value that can never pass 90 days from receipt.
 * (60 working days is about 12 weeks, 84 days, before holidays: a window crowded with
 * holidays could pass 90 days, so an organisation choosing working days should stay well below.)
 */
export const DPDP_MAX_RESOLVE: Readonly<Record<DurationUnit, number>> = {
  calendar_days: 90,
  months: 2,
  working_days: 60,
  hours: 2160,
};

const localized = z.strictObject({
  en: z.string().trim().min(1, 'the English title is empty'),
  hi: z.string().trim().min(1, 'the Hindi title is empty'),
});

/**
 * A clock policy: which ticket kinds it covers under which regime, and the periods to
 * acknowledge (optional: most regimes set none) and to resolve. `calendar` names the calendar
 * used when a period is in working days.
 */
export const slaPolicySchema = z
  .strictObject({
    id: z.string().regex(POLICY_ID, 'a policy id is lower-case letters and digits joined by "-", e.g. "dpdp"'),
    regime: z.enum(SLA_REGIMES),
    kinds: z.array(z.string().regex(TICKET_KIND, 'a ticket kind is snake_case, e.g. "data_rights"')).min(1, 'name at least one ticket kind'),
    acknowledge: durationSchema.optional(),
    resolve: durationSchema,
    calendar: z.string().regex(CALENDAR_ID, 'a calendar id is lower-case letters and digits joined by "-", e.g. "in-central"').default('in-central'),
    title: localized,
  })
  .superRefine((policy, ctx) => {
    if (policy.regime !== 'dpdp') return;
    const max = DPDP_MAX_RESOLVE[policy.resolve.unit];
    if (policy.resolve.value > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['resolve', 'value'],
        message:
          `DPDP Rules 2025 r.14(3) caps the grievance response period at ninety days; ${policy.resolve.value} ${policy.resolve.unit} can exceed it. ` +
          `Use at most ${DPDP_MAX_RESOLVE.calendar_days} calendar_days, ${DPDP_MAX_RESOLVE.months} months, ${DPDP_MAX_RESOLVE.working_days} working_days or ${DPDP_MAX_RESOLVE.hours} hours.`,
      });
    }
  });

/** A validated policy (calendar defaulted). */
export type SlaPolicy = z.output<typeof slaPolicySchema>;
/** A policy as written in a profile (calendar may be left out). */
export type SlaPolicyInput = z.input<typeof slaPolicySchema>;

const days = (value: number): Duration => ({ unit: 'calendar_days', value });
const hours = (value: number): Duration => ({ unit: 'hours', value });
const months = (value: number): Duration => ({ unit: 'months', value });

/** The DPDP period Nivaran suggests when an organisation has not published its own (≤ 90 days). */
export const DPDP_DEFAULT_RESOLVE: Duration = days(30);

/**
 * The DPDP policy with the organisation's published period (default 30 calendar days).
 * Throws AppError(CONFIG_INVALID) quoting r.14(3) if the period can exceed ninety days.
 */
export function dpdpPolicy(resolve: Duration = DPDP_DEFAULT_RESOLVE): SlaPolicy {
  return parsePolicy({
    id: 'dpdp',
    regime: 'dpdp',
    kinds: ['grievance', 'data_rights'],
    // Neither the Act nor the Rules set an acknowledgment period: the bot acknowledges at once.
    resolve,
    title: { en: 'DPDP Act 2023: grievance or data-rights request', hi: 'डीपीडीपी अधिनियम 2023: शिकायत या डेटा अधिकार अनुरोध' },
  });
}

/** Validates a policy; a problem throws AppError(CONFIG_INVALID) naming the field. */
export function parsePolicy(input: unknown): SlaPolicy {
  const parsed = slaPolicySchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(policy)'}: ${i.message}`);
    throw new AppError(ERROR_CODES.CONFIG_INVALID, `The clock policy is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The shipped policies, one per regime (legal-requirements §1). Every period is calendar days,
 * hours or months: none of these texts says "working days". Frozen; validated by the tests.
 */
export const SLA_PRESETS: readonly SlaPolicy[] = Object.freeze(
  [
    dpdpPolicy(),
    parsePolicy({
      id: 'it-rules',
      regime: 'it_rules',
      kinds: ['grievance'],
      // IT Rules 2021 r.3(2)(a)(i): acknowledge within 24 hours, dispose of within 15 days.
      acknowledge: hours(24),
      resolve: days(15),
      title: { en: 'IT Rules 2021: complaint to the Grievance Officer', hi: 'आईटी नियम 2021: शिकायत अधिकारी को शिकायत' },
    }),
    parsePolicy({
      id: 'it-rules-intimate-image',
      regime: 'it_rules',
      kinds: ['intimate_image_removal'],
      // r.3(2)(b): remove or disable access within 24 hours of the complaint. Acting within the
      // day also meets the 24-hour acknowledgment, so no separate acknowledge clock.
      resolve: hours(24),
      title: { en: 'IT Rules 2021: removal of intimate or morphed images', hi: 'आईटी नियम 2021: अंतरंग या छेड़छाड़ की गई तस्वीरें हटाना' },
    }),
    parsePolicy({
      id: 'spdi',
      regime: 'spdi',
      kinds: ['grievance', 'data_rights'],
      // SPDI Rules 2011 r.5(9): "within one month from the date of receipt".
      resolve: months(1),
      title: { en: 'SPDI Rules 2011: grievance about personal information', hi: 'एसपीडीआई नियम 2011: व्यक्तिगत जानकारी संबंधी शिकायत' },
    }),
    parsePolicy({
      id: 'ecommerce',
      regime: 'ecommerce',
      kinds: ['grievance'],
      // Consumer Protection (E-Commerce) Rules 2020 r.4: acknowledge in 48 hours, redress in one month.
      acknowledge: hours(48),
      resolve: months(1),
      title: { en: 'E-Commerce Rules 2020: consumer complaint', hi: 'ई-कॉमर्स नियम 2020: उपभोक्ता शिकायत' },
    }),
    parsePolicy({
      id: 'cpgrams',
      regime: 'cpgrams',
      kinds: ['grievance'],
      // DARPG guidelines of 23 Aug 2024: 21 days (read as calendar days).
      resolve: days(21),
      title: { en: 'CPGRAMS: public grievance', hi: 'सीपीग्राम्स: लोक शिकायत' },
    }),
  ].map(freezePolicy),
);

// Presets are shared by every ticket: freeze the nested objects too, so no caller can edit one.
function freezePolicy(p: SlaPolicy): SlaPolicy {
  Object.freeze(p.resolve);
  if (p.acknowledge) Object.freeze(p.acknowledge);
  Object.freeze(p.kinds);
  Object.freeze(p.title);
  return Object.freeze(p);
}

/** The preset with that id, or undefined. */
export function slaPreset(id: string): SlaPolicy | undefined {
  return SLA_PRESETS.find((p) => p.id === id);
}
