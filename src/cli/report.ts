import fs from 'node:fs';
import { loadConfig, type Config } from '../config.ts';
import { loadCalendar } from '../domain/sla/calendar-files.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { loadProfile } from '../profile/load.ts';
import { csvCell, reportCsv, reportText } from '../reports/format.ts';
import { Departments } from '../departments/departments.ts';
import { departmentSplit, reportsByDepartment } from '../departments/report.ts';
import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import type { Profile } from '../profile/schema.ts';
import { monthlyReport } from '../reports/load.ts';
import { monthOf, parseMonth } from '../reports/month.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = `Usage: nivaran report [--month YYYY-MM] [--format text|json|csv] [--out FILE] [--department ID | --by-department]
  --month   the IST calendar month, e.g. 2026-11 (default: the month under way)
  --format  text (a readable summary, the default), json (the whole report) or csv
            (one table: section,metric,dimension,value)
  --out     write to FILE instead of standard output
  --department ID   one department's report (its tickets, transfers in and out, on its own clocks)
  --by-department   the month's headline figures for the organisation and each department`;

const FORMATS = ['text', 'json', 'csv'] as const;

export interface ReportCliOptions extends CliOptions {
  /** The clock (tests fix it); the month under way and "open past due" are measured against it. */
  now?: () => Date;
}

/**
 * `nivaran report --month 2026-11 [--format json|csv] [--out FILE]`: the month's figures. The
 * reading is recorded in the audit log (`report.view`, actor `cli`, the month and format only).
 *
 * @throws AppError CLI_USAGE for a month not written YYYY-MM (`2026-13`, `nov`), an unknown
 *   format, or a stray argument.
 */
export async function reportCommand(args: string[], opts: ReportCliOptions = {}): Promise<number> {
  const { values, positionals } = parseCliArgs({
    args,
    allowPositionals: true,
    options: {
      month: { type: 'string' }, format: { type: 'string', default: 'text' }, out: { type: 'string' },
      department: { type: 'string' }, 'by-department': { type: 'boolean', default: false },
    },
  }, USAGE);
  if (positionals.length > 0) throw new AppError(ERROR_CODES.CLI_USAGE, `Unexpected "${positionals[0]}".\n\n${USAGE}`);
  const now = (opts.now ?? (() => new Date()))();
  const month = values.month ?? monthOf(now);
  try {
    parseMonth(month);
  } catch (cause) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `--month must be written YYYY-MM, e.g. 2026-11 (got "${month}").\n\n${USAGE}`, { cause });
  }
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `--format is text, json or csv (got "${format}").\n\n${USAGE}`);
  }
  const config = opts.config ?? loadConfig();
  const profile = loadProfile(config.profileFile);
  const calendar = loadCalendar(config.calendarsDir, profile.calendar);
  const byDepartment = values['by-department'] === true;
  if (values.department !== undefined || byDepartment) {
    return departmentReportCommand({ config, profile, calendar, now, month, format, out: values.out, department: values.department, byDepartment, io: cliIo(opts.io) });
  }
  const store = await openStore(config);
  let report;
  try {
    report = await monthlyReport({ store, profile, calendar, now }, month, { actor: 'cli', action: 'report.view', subject: `report:${month}`, detail: { month, format } });
  } finally {
    await store.close();
  }
  const body = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? reportCsv(report) : reportText(report);
  return writeOut(body, values.out, month, format, cliIo(opts.io));
}

function writeOut(body: string, out: string | undefined, month: string, format: string, io: ReturnType<typeof cliIo>): number {
  if (out) {
    try {
      // Reports hold figures about citizens' requests: readable by this account only.
      fs.writeFileSync(out, body, { mode: 0o600 });
      fs.chmodSync(out, 0o600);
    } catch (cause) {
      throw new AppError(ERROR_CODES.CLI_USAGE, `Cannot write ${out}: ${(cause as Error).message}`, { cause });
    }
    io.stdout.write(`Report for ${month} written to ${out} (${format}).\n`);
  } else {
    io.stdout.write(body);
  }
  return 0;
}

/** `report --department ID` and `report --by-department`, audited as `report.view` with the department. */
async function departmentReportCommand(a: {
  config: Config; profile: Profile; calendar: BusinessCalendar; now: Date; month: string; format: string; out: string | undefined;
  department: string | undefined; byDepartment: boolean; io: ReturnType<typeof cliIo>;
}): Promise<number> {
  if (a.department !== undefined && a.byDepartment) throw new AppError(ERROR_CODES.CLI_USAGE, `Give --department or --by-department, not both.\n\n${USAGE}`);
  const departments = Departments.fromProfile(a.profile, a.calendar, (id) => loadCalendar(a.config.calendarsDir, id));
  if (a.department !== undefined && (!departments.declared || !departments.has(a.department))) {
    const known = departments.declared ? `the profile declares: ${departments.list.map((d) => d.id).join(', ')}` : 'the profile declares no departments';
    throw new AppError(ERROR_CODES.CLI_USAGE, `There is no department "${a.department}" (${known}).`);
  }
  const store = await openStore(a.config);
  let reports;
  try {
    reports = await reportsByDepartment({ store, profile: a.profile, departments, calendar: a.calendar, now: a.now }, a.month, {
      actor: 'cli', action: 'report.view', subject: `report:${a.month}`, detail: { month: a.month, format: a.format, department: a.department ?? 'all' },
    });
  } finally {
    await store.close();
  }
  let body: string;
  if (a.department !== undefined) {
    const report = reports.departments.find((r) => r.department?.id === a.department)!;
    body = a.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : a.format === 'csv' ? reportCsv(report) : reportText(report);
  } else {
    const split = departmentSplit([reports.organisation, ...reports.departments]);
    body = a.format === 'json' ? `${JSON.stringify(split, null, 2)}\n` : a.format === 'csv' ? splitCsv(split) : splitText(a.month, split);
  }
  return writeOut(body, a.out, a.month, a.format, a.io);
}

type Split = ReturnType<typeof departmentSplit>;

function splitCsv(split: Split): string {
  const header = ['department', 'received', 'resolved', 'on_time', 'on_time_share', 'open_past_due', 'escalations', 'transfers_in', 'transfers_out'];
  const rows = split.map((s) => [s.department, s.received, s.resolved, s.onTime, s.onTimeShare, s.openPastDue, s.escalations, s.transfersIn, s.transfersOut]);
  return `\uFEFF${[header, ...rows].map((r) => r.map((c) => csvCell(c ?? null)).join(',')).join('\r\n')}\r\n`;
}

function splitText(month: string, split: Split): string {
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
  const rows = [
    ['DEPARTMENT', 'RECEIVED', 'RESOLVED', 'ON TIME', 'OPEN PAST DUE', 'ESCALATIONS', 'TRANSFERS IN', 'OUT'],
    ...split.map((s) => [
      s.department === 'all' ? 'Whole organisation' : `${s.name?.en ?? s.department} (${s.department})`, String(s.received), String(s.resolved),
      pct(s.onTimeShare), String(s.openPastDue), String(s.escalations), s.transfersIn === null ? '–' : String(s.transfersIn), s.transfersOut === null ? '–' : String(s.transfersOut),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `Nivaran report by department: ${month}, IST\n\n${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
