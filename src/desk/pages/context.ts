import type { ParamValue } from '../../engine/events.ts';
import type { Lang } from '../../engine/session.ts';
import { formatDateTime, type Translator } from '../../i18n/i18n.ts';
import type { Officer } from '../accounts.ts';

/** What every page needs: the officer, their language, and the form token of this response. */
export interface PageContext {
  lang: Lang;
  officer: Officer | undefined;
  /** The CSRF token every form of the page carries. */
  csrf: string;
  translator: Translator;
  /** Counts shown in the navigation (waiting live chats). */
  waitingChats?: number;
  /** The organisation declares departments: the admin's navigation offers their page. */
  departments?: boolean;
  /** For the admin: years this one and next with no holiday list (see holiday-coverage.ts). */
  missingHolidays?: Array<{ year: number; command: string }>;
}

export function t(ctx: PageContext, key: string, params: Record<string, ParamValue> = {}): string {
  return ctx.translator.t(ctx.lang, `desk:${key}`, params);
}

/** A label for a value that may not have one (an unknown status or channel): the value itself. */
export function label(ctx: PageContext, group: string, value: string): string {
  const key = `desk:${group}.${value.replace(/-/g, '_')}`;
  return ctx.translator.has(ctx.lang, key) ? ctx.translator.t(ctx.lang, key) : value;
}

export function when(ctx: PageContext, iso: string | null | undefined): string {
  return iso ? formatDateTime(ctx.lang, iso) : '—';
}
