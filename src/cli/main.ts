import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkContent, createApp, loadContent } from '../app.ts';
import { ConsoleAdapter } from '../channels/console/adapter.ts';
import { runConsoleChat } from '../channels/console/run.ts';
import { DrainLoop } from '../channels/drain-loop.ts';
import { conversationKey } from '../channels/types.ts';
import { deskSecret } from '../secrets.ts';
import { loadConfig, type Config } from '../config.ts';
import { durationSchema, type Duration } from '../domain/sla/duration.ts';
import { isTicketStatus, TICKET_STATUSES } from '../domain/tickets/state-machine.ts';
import { parseTicketNumber } from '../domain/tickets/ticket-number.ts';
import { AppError, describeError, ERROR_CODES } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { ticketDetail, ticketSummary } from '../tickets/view.ts';
import { formatImportReport, importPrincipals } from '../identity/csv-import.ts';
import { openStore } from '../storage/open-store.ts';
import { auditCommand } from './audit.ts';
import { officersCommand } from './officers.ts';

const USAGE = `Usage: nivaran <command>

  start                           run the bot: console chat in this terminal, and the scheduler
  chat [--user ID] [--json]       one citizen message per line of stdin, replies on stdout
  tickets list [--json]           every ticket with its policy, due times, paused time and level
  tickets show NUMBER [--json]    one ticket with its request, history, timers and officers' notes
  tickets set NUMBER STATUS [--reason TEXT] [--as OFFICER]
                                  an officer's action: acknowledged, in_progress, awaiting_citizen
                                  (--reason is the question put to the citizen), resolved (--reason
                                  is the answer), closed, reopened, escalated, appealed
  tickets extend NUMBER (--days N | --working-days N | --hours N | --months N) --reason TEXT [--as OFFICER]
  scheduler run                   fire every due reminder, breach and escalation once, then exit
  principals import FILE.csv      load the data principals on file (external_ref,name,mobile,email)
  calendar import FILE.ics --id ID --year YYYY [--extends ID]
                                  write CALENDARS_DIR/ID-YYYY.json from an iCalendar file
  officers add --email E --role ROLE [--name N] [--lang en|hi]
                                  an account for the officers' desk (roles: officer, grievance_officer,
                                  dpo, reviewer, admin); the password is asked twice, or read from
                                  the first line of stdin when it is not a terminal
  officers list [--json]          every account: id, email, name, role, active, last log-in
  officers token --email E [--label L]
                                  a new API token for the officer, shown once
  departments list [--json]       the profile's departments, their ladders, calendars, categories and officers
  departments assign --email E --department D --role ROLE
                                  an officer's role (officer, grievance_officer, dpo) in a department
  departments remove --email E --department D
                                  takes the officer out of the department
  audit verify [--against FILE]   recompute the audit log's hash chain (and check it still holds a checkpoint); exit 1 naming what broke
  audit checkpoint [--out FILE]   write a signed checkpoint of the audit log, to keep away from the database
  retention run [--dry-run]       delete what has outlived its retention period (holds and open cases kept);
                                  --dry-run only counts what would go
  report [--month YYYY-MM] [--format text|csv|json] [--out FILE]
                                  the month's figures: requests, times, share on time, extensions, escalations, quality
  report --department ID | --by-department
                                  one department's report, or each department's headline figures beside the organisation's
  backup FILE [--force]           a consistent copy of the SQLite database while the bot runs
  restore FILE [--yes]            replace the SQLite database with a backup (stop the bot first)
  flows check                     check flows and texts (both languages); exit 1 on a problem
  bench                           measure throughput, per-message cost, memory and start-up

Environment: see .env.example (DATA_DIR, DATABASE_URL, PROFILE_FILE, LOG_LEVEL, …).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return chat(['--user', 'local', ...rest], process.stdin.isTTY === true, true);
    case 'chat':
      return chat(rest, false, false);
    case 'tickets':
      return tickets(rest);
    case 'scheduler':
      return scheduler(rest);
    case 'calendar':
      return calendar(rest);
    case 'principals':
      return principals(rest);
    case 'retention': {
      const { retentionCommand } = await import('./retention.ts');
      return retentionCommand(rest);
    }
    case 'report': {
      const { reportCommand } = await import('./report.ts');
      return reportCommand(rest);
    }
    case 'officers':
      return officersCommand(rest);
    case 'backup': {
      const { backupCommand } = await import('./backup.ts');
      return backupCommand(rest);
    }
    case 'restore': {
      const { restoreCommand } = await import('./backup.ts');
      return restoreCommand(rest);
    }
    case 'departments': {
      const { departmentsCommand } = await import('./departments.ts');
      return departmentsCommand(rest);
    }
    case 'audit':
      return auditCommand(rest);
    case 'flows':
      return flows(rest);
    case 'bench': {
      const { runBench } = await import('../bench/bench.ts');
      return runBench(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new AppError(ERROR_CODES.CLI_USAGE, `Unknown command "${command}".\n\n${USAGE}`);
  }
}

async function chat(args: string[], interactive: boolean, withScheduler: boolean): Promise<number> {
  const { values } = parseArgs({ args, options: { user: { type: 'string', default: 'local' }, json: { type: 'boolean', default: false } } });
  const user = values.user ?? 'local';
  if (!/^[\w.@+-]{1,64}$/.test(user)) throw new AppError(ERROR_CODES.CLI_USAGE, '--user takes 1–64 letters, digits or . _ @ + -');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const adapter = new ConsoleAdapter({ output: process.stdout, json: values.json ?? false, interactive });
  // `start` only: the live channels, Telegram when TELEGRAM_BOT_TOKEN is set and WhatsApp Cloud
  // when the WA_CLOUD_* credentials are. Their webhooks share one server on PORT.
  const port = config.whatsappCloud?.port ?? config.telegram?.webhook?.port;
  // Each channel's code (grammY, the HTTP server, WhatsApp Web) is loaded only when it is
  // configured: an installation without it does not pay for loading it at every start.
  const server = withScheduler && (config.whatsappCloud || config.telegram?.webhook)
    ? new (await import('../http/webhook-server.ts')).WebhookServer(logger) : undefined;
  const telegram = withScheduler && config.telegram
    ? (await import('../channels/telegram/live.ts')).liveTelegram(config.telegram, logger, {}, server) : undefined;
  const whatsapp = withScheduler && config.whatsappCloud
    ? (await import('../channels/whatsapp-cloud/live.ts')).liveWhatsAppCloud(config.whatsappCloud, logger, {}, server) : undefined;
  // WhatsApp Web (one linked phone) when WHATSAPP_WEB is on.
  const web = withScheduler && config.whatsappWeb ? (await import('../channels/whatsapp-web/live.ts')).liveWhatsAppWeb(config, logger) : undefined;
  const lives = [telegram, whatsapp, web].filter((l) => l !== undefined);
  const app = await createApp(config, { logger, adapters: [adapter, ...lives.map((l) => l.channel.adapter)] });
  let desk: { close(): Promise<unknown> } | undefined;
  let metricsServer: { close(): Promise<void> } | undefined;
  // Not ready (/readyz) until each live channel has started.
  for (const live of lives) app.metrics.setChannelUp(live.channel.adapter.name, false);
  // An officer's answer, a hand-off notice or a reminder reaches the console citizen without
  // waiting for them to type: a drain loop for their conversation, kicked by the desk.
  const consoleLoop = new DrainLoop(() => app.sender.drain('console', conversationKey('console', user)), 1000, logger);
  if (withScheduler) {
    await app.scheduler.sweep();
    app.scheduler.start(config.schedulerIntervalMs);
    app.onOutbox((channel) => {
      if (channel === 'console') consoleLoop.kick();
    });
    consoleLoop.start();
    if (config.desk) {
      try {
        // Loaded only here: fastify and its plugins cost `nivaran chat` nothing.
        const { startDesk } = await import('../desk/server.ts');
        desk = await startDesk(app, { ...config.desk, secret: deskSecret(config), logger });
      } catch (err) {
        await consoleLoop.stop();
        await app.close();
        throw err;
      }
      const shown = config.desk.host === '0.0.0.0' || config.desk.host === '::' ? 'localhost' : config.desk.host;
      logger.info({ url: `http://${shown}:${config.desk.port}` }, "officers' desk listening (create the first account with `npx nivaran officers add --role admin --email …`)");
    }
    if (config.metrics?.port !== undefined) {
      const { startMetricsServer } = await import('../metrics/http.ts');
      try {
        metricsServer = await startMetricsServer(app, { host: config.metrics.host, port: config.metrics.port, logger });
      } catch (err) {
        await desk?.close();
        await consoleLoop.stop();
        await app.close();
        throw err;
      }
    }
  }
  try {
    if (lives.length === 0 && !desk) {
      await runConsoleChat(app, { input: process.stdin, output: process.stdout, user, interactive });
      return 0;
    }
    for (const live of lives) live.bind(app);
    // With the desk or a live channel, Ctrl+C or SIGTERM stops gracefully, and the end of the
    // console's input (or none, under a service manager) does not stop the bot.
    const signalled = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const started: typeof lives = [];
    try {
      // Listening first, so Telegram's setWebhook and Meta's first post find the server up.
      if (server && port !== undefined) await server.listen(port);
      for (const live of lives) {
        await live.start();
        started.push(live);
        app.metrics.setChannelUp(live.channel.adapter.name, true);
      }
      logger.info(startupSummary(config, lives.map((l) => l.channel.adapter.name)), 'Nivaran is running');
      const first = await Promise.race([runConsoleChat(app, { input: process.stdin, output: process.stdout, user, interactive }).then(() => 'eof'), signalled]);
      if (first === 'eof') {
        logger.info("console input ended; the officers' desk and live channels keep running until SIGINT or SIGTERM");
        await signalled;
      } else {
        process.stdin.destroy();
      }
    } finally {
      await server?.close();
      for (const live of started.reverse()) {
        app.metrics.setChannelUp(live.channel.adapter.name, false);
        await live.stop();
      }
    }
    return 0;
  } finally {
    await metricsServer?.close();
    await desk?.close();
    await consoleLoop.stop();
    await app.close();
  }
}

/** Officer and operator commands on tickets; the desk offers the same actions. */
async function tickets(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      reason: { type: 'string' },
      as: { type: 'string', default: 'operator' },
      days: { type: 'string' },
      'working-days': { type: 'string' },
      hours: { type: 'string' },
      months: { type: 'string' },
    },
  });
  const [sub, rawNumber, status] = positionals;
  const config = loadConfig();
  const app = await createApp(config, { logger: createLogger(config.logLevel), adapters: [] });
  const ladder = app.content.profile.ladder;
  const now = new Date();
  const out = (v: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(v, null, 2)}\n` : `${text}\n`);
  const numberArg = () => {
    const n = rawNumber ? parseTicketNumber(rawNumber) : undefined;
    if (!n) throw new AppError(ERROR_CODES.CLI_USAGE, `Give a ticket number such as GRV-2026-000001 (got "${rawNumber ?? ''}").`);
    return n;
  };
  try {
    switch (sub) {
      case 'list': {
        const rows = await app.store.transaction((uow) => uow.tickets.list(100_000));
        const list = rows.map((t) => ticketSummary(t, app.tickets, ladder, now));
        out(list, list.length === 0 ? 'No tickets yet.' : list.map((t) => `${t.number}  ${t.status.padEnd(16)} level ${t.level} (${t.levelRole})  due ${t.dueAt}${t.paused ? '  [paused]' : ''}${t.breachedAt ? '  [breached]' : ''}`).join('\n'));
        return 0;
      }
      case 'show': {
        const number = numberArg();
        const detail = await app.store.transaction(async (uow) => {
          const t = await uow.tickets.byNumber(number);
          return t ? ticketDetail(uow, t, app.tickets, ladder, now) : undefined;
        });
        if (!detail) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, `There is no ticket ${number}.`);
        out(detail, JSON.stringify(detail, null, 2));
        return 0;
      }
      case 'set': {
        const number = numberArg();
        if (!status || !isTicketStatus(status)) throw new AppError(ERROR_CODES.CLI_USAGE, `Give the new status: one of ${TICKET_STATUSES.join(', ')}.`);
        if ((status === 'awaiting_citizen' || status === 'resolved') && !values.reason) {
          throw new AppError(ERROR_CODES.CLI_USAGE, status === 'resolved' ? 'A resolution needs --reason: the answer the citizen will read.' : 'Asking the citizen needs --reason: the question they will read.');
        }
        const t = await app.store.transaction((uow) => app.tickets.transition(uow, number, status, { actor: values.as ?? 'operator', reason: values.reason, now }));
        out(ticketSummary(t, app.tickets, ladder, now), `${t.number} is now ${t.status}; due ${t.due_at}.`);
        return 0;
      }
      case 'extend': {
        const number = numberArg();
        if (!values.reason) throw new AppError(ERROR_CODES.CLI_USAGE, 'An extension needs --reason: the citizen is told it.');
        const duration = extensionArg(values);
        const t = await app.store.transaction((uow) => app.tickets.extend(uow, number, duration, { actor: values.as ?? 'operator', reason: values.reason!, now }));
        out(ticketSummary(t, app.tickets, ladder, now), `${t.number} now due ${t.due_at}.`);
        return 0;
      }
      default:
        throw new AppError(ERROR_CODES.CLI_USAGE, `Usage: nivaran tickets list|show|set|extend …\n\n${USAGE}`);
    }
  } finally {
    await app.close();
  }
}

function extensionArg(v: { days?: string | undefined; 'working-days'?: string | undefined; hours?: string | undefined; months?: string | undefined }): Duration {
  const given = (
    [
      ['calendar_days', v.days],
      ['working_days', v['working-days']],
      ['hours', v.hours],
      ['months', v.months],
    ] as const
  ).filter(([, x]) => x !== undefined);
  if (given.length !== 1) throw new AppError(ERROR_CODES.CLI_USAGE, 'Give exactly one of --days, --working-days, --hours, --months.');
  const [unit, raw] = given[0]!;
  const parsed = durationSchema.safeParse({ unit, value: Number(raw) });
  if (!parsed.success) throw new AppError(ERROR_CODES.CLI_USAGE, `The extension must be a positive whole number (got "${raw}").`);
  return parsed.data;
}

async function scheduler(args: string[]): Promise<number> {
  if (args[0] !== 'run') throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran scheduler run');
  const config = loadConfig();
  const app = await createApp(config, { logger: createLogger(config.logLevel), adapters: [] });
  try {
    const r = await app.scheduler.sweep();
    process.stdout.write(`scheduler: ${r.due} due, ${r.fired} fired, ${r.skipped} taken by another instance, ${r.failed} failed\n`);
    return r.failed > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

async function calendar(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { id: { type: 'string' }, year: { type: 'string' }, extends: { type: 'string' } },
  });
  const [sub, file] = positionals;
  if (sub !== 'import' || !file || !values.id || !values.year) {
    throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran calendar import FILE.ics --id ID --year YYYY [--extends ID]');
  }
  const config = loadConfig();
  const year = Number(values.year);
  // ical.js is only for this command, so it is not loaded by every other one.
  const { calendarFileFromIcs } = await import('../domain/sla/ics.ts');
  const data = calendarFileFromIcs(fs.readFileSync(file, 'utf8'), { id: values.id, year, extends: values.extends ?? null });
  const target = path.join(config.calendarsDir, `${values.id}-${year}.json`);
  fs.mkdirSync(config.calendarsDir, { recursive: true });
  fs.writeFileSync(target, `${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`calendar: ${data.holidays.length} holidays written to ${target}. Add the Hindi names there.\n`);
  return 0;
}

/** The directory of principals on file: identity checks send codes only to these addresses. */
async function principals(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'import' || !file) throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran principals import FILE.csv (header: external_ref,name,mobile,email)');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `Cannot read ${file}.`, { cause });
  }
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const result = await importPrincipals(store, text, new Date());
    process.stdout.write(`${formatImportReport(result)}\n`);
    return result.errors.length > 0 && result.imported === 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

async function flows(args: string[]): Promise<number> {
  if (args[0] !== 'check') throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran flows check');
  const content = loadContent(loadConfig());
  const problems = checkContent(content);
  if (problems.length === 0) {
    const intents = content.understanding.def.intents;
    process.stdout.write(
      `flows check: ${content.flows.flows.length} flows, ${content.flows.commands.commands.length} commands, ${intents.length} intents (${intents.reduce((n, i) => n + i.examples.length, 0)} examples), both languages complete: OK\n`,
    );
    return 0;
  }
  for (const p of problems) process.stderr.write(`${p.code}: ${p.where}: ${p.message}\n`);
  process.stderr.write(`flows check: ${problems.length} problem(s)\n`);
  return 1;
}

export function reportFatal(err: unknown): number {
  process.stderr.write(`nivaran: ${describeError(err)}\n`);
  if (!(err instanceof AppError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

/**
 * The one start-up line an operator reads: which channels, which database, where the desk and
 * the metrics are. No secrets: the PostgreSQL address is shown without its user and password.
 */
export function startupSummary(config: Config, liveChannels: readonly string[]): Record<string, unknown> {
  let database = `sqlite ${config.databaseFile}`;
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    database = `postgresql ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  }
  return {
    channels: ['console', ...liveChannels].join(', '),
    database,
    desk: config.desk ? `http://${config.desk.host}:${config.desk.port} (public ${config.desk.publicUrl})` : 'off',
    metrics: config.metrics ? [config.metrics.token ? 'desk /metrics (token)' : '', config.metrics.port !== undefined ? `http://${config.metrics.host}:${config.metrics.port}/metrics` : ''].filter(Boolean).join(', ') : 'off',
    officerEmails: config.smtp ? 'on' : 'off (set SMTP_URL and SMTP_FROM)',
  };
}
