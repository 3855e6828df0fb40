import { parseArgs } from 'node:util';
import { createApp, loadContent } from '../app.ts';
import { ConsoleAdapter } from '../channels/console/adapter.ts';
import { runConsoleChat } from '../channels/console/run.ts';
import { loadConfig } from '../config.ts';
import { inspectFlows } from '../engine/inspect.ts';
import { AppError, describeError, ERROR_CODES } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';

const USAGE = `Usage: nivaran <command>

  start                         run the bot: console chat in this terminal (the embedded default)
  chat [--user ID] [--json]     one citizen message per line of stdin, replies on stdout
  tickets list [--json]         the tickets in the database
  flows check                   check flows and texts (both languages); exit 1 on a problem
  bench                         measure messages per second and per-message cost

Environment: see .env.example (DATA_DIR, LOG_LEVEL, ORG_NAME, …).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return chat(['--user', 'local', ...rest], process.stdin.isTTY === true);
    case 'chat':
      return chat(rest, false);
    case 'tickets':
      return tickets(rest);
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

async function chat(args: string[], interactive: boolean): Promise<number> {
  const { values } = parseArgs({ args, options: { user: { type: 'string', default: 'local' }, json: { type: 'boolean', default: false } } });
  const user = values.user ?? 'local';
  if (!/^[\w.@+-]{1,64}$/.test(user)) throw new AppError(ERROR_CODES.CLI_USAGE, '--user takes 1–64 letters, digits or . _ @ + -');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const adapter = new ConsoleAdapter({ output: process.stdout, json: values.json ?? false, interactive });
  const app = await createApp(config, { logger, adapters: [adapter] });
  try {
    await runConsoleChat(app, { input: process.stdin, output: process.stdout, user, interactive });
  } finally {
    await app.close();
  }
  return 0;
}

async function tickets(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals[0] !== 'list') throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran tickets list [--json]');
  const config = loadConfig();
  const store = await SqliteStore.open(config.databaseFile);
  try {
    const rows = await store.transaction((uow) => uow.tickets.list(100_000));
    const out = rows.map((t) => ({
      number: t.number,
      kind: t.kind,
      status: t.status,
      language: t.language,
      channel: t.channel,
      createdAt: t.created_at,
      dueAt: t.due_at,
    }));
    if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else if (out.length === 0) process.stdout.write('No tickets yet.\n');
    else for (const t of out) process.stdout.write(`${t.number}  ${t.status.padEnd(12)} ${t.language}  ${t.channel.padEnd(8)} created ${t.createdAt}  due ${t.dueAt}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

async function flows(args: string[]): Promise<number> {
  if (args[0] !== 'check') throw new AppError(ERROR_CODES.CLI_USAGE, 'Usage: nivaran flows check');
  const config = loadConfig();
  const { flows: loaded, translator, actions } = loadContent(config);
  const problems = inspectFlows(loaded.set, actions, translator);
  if (problems.length === 0) {
    process.stdout.write(`flows check: ${loaded.flows.length} flows, ${loaded.commands.commands.length} commands, both languages complete: OK\n`);
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
