import { describeDuration, type DurationUnit } from '../domain/sla/duration.ts';
import type { MonthlyReport, OnTimeFigures, TimeMeasure } from './compute.ts';

export const CSV_HEADER = ['section', 'metric', 'dimension', 'value'] as const;

type Cell = string | number | boolean | null;

/**
 * The report as one tidy table, `section,metric,dimension,value`, one figure a row, that opens
 * in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads Hindi reasons right), CRLF line
 * ends, RFC 4180 quoting, and text that a spreadsheet would take for a formula (= + - @) led by
 * an apostrophe. `dimension` is `all`, or the right, channel, language, policy id, ticket number,
 * rung, rubric criterion or rating the figure is for; an empty value is "none" (no data).
 */
export function reportCsv(r: MonthlyReport): string {
  const rows: Cell[][] = [];
  const add = (section: string, metric: string, dimension: string, value: Cell) => rows.push([section, metric, dimension, value]);
  add('report', 'month', 'all', r.month);
  add('report', 'from', 'all', r.from);
  add('report', 'to', 'all', r.to);
  add('report', 'as_of', 'all', r.asOf);
  add('report', 'complete', 'all', r.complete);
  if (r.department) add('report', 'department', 'all', r.department.id);
  add('requests', 'total', 'all', r.requests.total);
  for (const [k, n] of Object.entries(r.requests.byRight)) add('requests', 'by_right', k, n);
  for (const [k, n] of Object.entries(r.requests.byChannel)) add('requests', 'by_channel', k, n);
  for (const [k, n] of Object.entries(r.requests.byLanguage)) add('requests', 'by_language', k, n);
  for (const p of r.times) {
    for (const [section, m] of [['acknowledge', p.acknowledge], ['resolve', p.resolve]] as const) {
      add(section, 'unit', p.policy, m.unit);
      add(section, 'limit', p.policy, m.limit);
      add(section, 'count', p.policy, m.count);
      add(section, 'median', p.policy, m.median);
      add(section, 'p90', p.policy, m.p90);
    }
  }
  const onTime = (dimension: string, f: OnTimeFigures) => {
    add('on_time', 'resolved', dimension, f.resolved);
    add('on_time', 'on_time', dimension, f.onTime);
    add('on_time', 'late', dimension, f.late);
    add('on_time', 'share', dimension, f.share);
  };
  onTime('all', r.onTime);
  for (const p of r.onTime.byPolicy) onTime(p.policy, p);
  add('open_past_due', 'count', 'all', r.onTime.openPastDue.count);
  for (const [policy, n] of Object.entries(r.onTime.openPastDue.byPolicy)) add('open_past_due', 'count', policy, n);
  add('extensions', 'count', 'all', r.extensions.count);
  for (const e of r.extensions.items) {
    add('extensions', 'at', e.number, e.at);
    add('extensions', 'duration', e.number, e.duration ? `${e.duration.value} ${e.duration.unit}` : null);
    add('extensions', 'reason', e.number, e.reason);
  }
  add('escalations', 'count', 'all', r.escalations.count);
  add('escalations', 'automatic', 'all', r.escalations.automatic);
  add('escalations', 'by_officers', 'all', r.escalations.byOfficers);
  for (const l of r.escalations.byLevel) add('escalations', 'to_level', l.role, l.count);
  add('escalations', 'appeals', 'all', r.escalations.appeals);
  add('board', 'referrals', 'all', r.board.count);
  add('transfers', 'count', 'all', r.transfers.count);
  if (r.transfers.in !== null) add('transfers', 'in', 'all', r.transfers.in);
  if (r.transfers.out !== null) add('transfers', 'out', 'all', r.transfers.out);
  for (const b of r.board.items) add('board', 'referred_at', b.number, b.at);
  add('quality', 'reviews', 'all', r.quality.reviews);
  for (const c of r.quality.criteria) add('quality', 'average', c.id, c.average);
  add('quality', 'overall', 'all', r.quality.overall);
  add('ratings', 'count', 'all', r.ratings.count);
  add('ratings', 'average', 'all', r.ratings.average);
  for (const [k, n] of Object.entries(r.ratings.distribution)) add('ratings', 'distribution', k, n);
  return `\uFEFF${[[...CSV_HEADER], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function unitWords(unit: DurationUnit, value: number): string {
  // describeDuration takes whole numbers; a median may be a half.
  const [one, many] = { hours: ['hour', 'hours'], calendar_days: ['calendar day', 'calendar days'], working_days: ['working day', 'working days'], months: ['month', 'months'] }[unit];
  return `${num(value)} ${value === 1 ? one : many}`;
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function pct(share: number | null): string {
  return share === null ? '–' : `${(share * 100).toFixed(1)}%`;
}

function measureLine(label: string, m: TimeMeasure): string {
  const limit = m.limit === null ? 'no statutory limit' : `limit ${unitWords(m.unit, m.limit)}`;
  if (m.count === 0) return `    ${label}: none in the month (${limit})`;
  return `    ${label}: ${m.count} ticket${m.count === 1 ? '' : 's'}, median ${unitWords(m.unit, m.median!)}, 90th percentile ${unitWords(m.unit, m.p90!)} (${limit})`;
}

function istDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 330 * 60_000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!.slice(0, 3)} ${d.getUTCFullYear()}`;
}

function counts(c: Record<string, number>): string {
  return Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ');
}

/** The report as plain English text for the terminal (`nivaran report` without --format). */
export function reportText(r: MonthlyReport): string {
  const [y, m] = r.month.split('-');
  const lines: string[] = [];
  const state = r.complete ? '' : ` (month under way: figures as of ${istDate(r.asOf)})`;
  lines.push(`Nivaran monthly report: ${MONTHS[Number(m) - 1]} ${y}, IST${state}`);
  if (r.department) lines.push(`Department: ${r.department.name.en} (${r.department.id})`);
  lines.push('');
  lines.push(`Requests received: ${r.requests.total}`);
  lines.push(`  by right:    ${counts(r.requests.byRight)}`);
  lines.push(`  by channel:  ${counts(r.requests.byChannel)}`);
  lines.push(`  by language: ${counts(r.requests.byLanguage)}`, '');
  lines.push('Time to acknowledge and to resolve, from receipt, in each policy\'s unit');
  lines.push('  (median; 90th percentile by nearest rank)');
  for (const p of r.times) {
    lines.push(`  ${p.policy}${p.title ? `: ${p.title.en}` : ''}`);
    lines.push(measureLine('acknowledged', p.acknowledge));
    lines.push(measureLine('resolved    ', p.resolve));
  }
  lines.push('');
  lines.push(r.onTime.resolved === 0 ? 'Resolved on time: nothing resolved in the month' : `Resolved on time: ${r.onTime.onTime} of ${r.onTime.resolved} (${pct(r.onTime.share)})`);
  for (const p of r.onTime.byPolicy) lines.push(`  ${p.policy}: ${p.onTime} of ${p.resolved} (${pct(p.share)})`);
  lines.push(`Open and past due ${r.complete ? 'at the end of the month' : `on ${istDate(r.asOf)}`}: ${r.onTime.openPastDue.count}`, '');
  lines.push(`Extensions: ${r.extensions.count}`);
  for (const e of r.extensions.items) {
    lines.push(`  ${e.number}  ${istDate(e.at)}  ${e.duration ? describeDuration(e.duration) : '?'}  ${e.reason}`);
  }
  lines.push(`Escalations: ${r.escalations.count} (${r.escalations.automatic} when a rung's time ran out, ${r.escalations.byOfficers} by officers); citizens' appeals: ${r.escalations.appeals}`);
  if (r.escalations.byLevel.length > 0) lines.push(`  reached: ${r.escalations.byLevel.map((l) => `${l.role} ${l.count}`).join(', ')}`);
  lines.push(`Board referrals (citizen told of the Data Protection Board): ${r.board.count}${r.board.items.length ? `: ${r.board.items.map((b) => b.number).join(', ')}` : ''}`);
  if (r.transfers.in !== null) lines.push(`Transfers between departments: ${r.transfers.in} received, ${r.transfers.out} sent`);
  else if (r.transfers.count > 0) lines.push(`Transfers between departments: ${r.transfers.count}`);
  lines.push('');
  if (r.quality.reviews === 0) lines.push('Quality review: no reviews in the month');
  else {
    lines.push(`Quality review: ${r.quality.reviews} review${r.quality.reviews === 1 ? '' : 's'}, average score (1–5) ${r.quality.overall === null ? '–' : num(r.quality.overall)}`);
    for (const c of r.quality.criteria) lines.push(`  ${c.id}: ${c.average === null ? '–' : num(c.average)}`);
  }
  if (r.ratings.count === 0) lines.push('Citizens\' satisfaction: no ratings in the month');
  else {
    lines.push(`Citizens' satisfaction: ${r.ratings.count} rating${r.ratings.count === 1 ? '' : 's'}, average ${num(r.ratings.average!)} of 5`);
    lines.push(`  ${Object.entries(r.ratings.distribution).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
