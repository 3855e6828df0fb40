import type { ParamValue } from '../engine/events.ts';
import type { Lang } from '../engine/session.ts';
import type { Profile } from './schema.ts';

/** Texts the law's features send besides the flows; `flows check` requires each in both languages. */
export const LAW_KEYS = [
  'law:contact_line', 'law:contact_here', 'law:contact', 'law:privacy_line', 'law:board_complaint_url', 'law:board_complaint_default', 'law:breach.notice',
] as const;

type Render = (key: string, params?: Record<string, ParamValue>) => string;

/**
 * Values every text may use, built from the profile in the citizen's language:
 * - `contact_line`: who answers questions about processing and how to reach them (DPDP Rules
 *   r.9: in every reply on a right or grievance);
 * - `privacy_line`: a line linking the organisation's privacy notice, or nothing;
 * - `board_complaint`: how to complain to the Data Protection Board (Rule 3(c)(iii)).
 */
export function lawGlobals(profile: Profile, t: Render, lang: Lang): Record<string, string> {
  const c = profile.organisation.contact;
  const how = [c.email, c.phone].filter((x): x is string => typeof x === 'string' && x.length > 0).join(', ');
  const contact_line = t('law:contact_line', { contact_how: how || t('law:contact_here') });
  const url = profile.law.privacyNoticeUrl;
  const privacy_line = url ? `\n${t('law:privacy_line', { url })}` : '';
  const board = profile.law.boardComplaint?.[lang]
    ?? (profile.board.url ? t('law:board_complaint_url', { url: profile.board.url }) : t('law:board_complaint_default'));
  return { contact_line, privacy_line, board_complaint: board };
}
