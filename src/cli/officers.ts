import readline from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { Accounts, checkPassword, organisationWords, isOfficerRole, MIN_PASSWORD_LENGTH, normaliseOfficerEmail } from '../desk/accounts.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { loadProfile } from '../profile/load.ts';
import { openStore } from '../storage/open-store.ts';
import { OFFICER_ROLES } from '../storage/schema.ts';
import type { Store } from '../storage/sqlite-store.ts';

/** Where a command reads and writes; the process's own streams unless a test gives others. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** True when stdin is a terminal: the password is then asked for twice, with hidden input. */
  isTTY: boolean;
}

export interface CliOptions {
  /** The configuration; `loadConfig()` from the environment when not given. */
  config?: Config;
  io?: Partial<CliIo>;
}

/** Who the audit log names for what the command line does. */
const CLI_ACTOR = 'cli';

export function cliIo(io: Partial<CliIo> = {}): CliIo {
  return {
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout ?? process.stdout,
    isTTY: io.isTTY ?? process.stdin.isTTY === true,
  };
}

/** `parseArgs`, with its errors (an unknown option, a missing value) as usage errors. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string) {
  try {
    return parseArgs(config);
  } catch (cause) {
    throw new AppError(ERROR_CODES.CLI_USAGE, `${cause instanceof Error ? cause.message : String(cause)}\n\n${usage}`, { cause });
  }
}

const USAGE = `Usage: nivaran officers add --email E --role ROLE [--name N] [--lang en|hi]
       nivaran officers list [--json]
       nivaran officers token --email E [--label L]
       nivaran officers deactivate --email E     (ends their sessions and API tokens at once)
       nivaran officers activate --email E
       nivaran officers password --email E       (a new password: asked twice, or the first line of stdin)
Roles: ${OFFICER_ROLES.join(', ')}.`;

/** `nivaran officers add|list|token`: accounts for the officers' desk. */
export async function officersCommand(args: string[], opts: CliOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return addOfficer(rest, opts);
    case 'list':
      return listOfficers(rest, opts);
    case 'token':
      return createOfficerToken(rest, opts);
    case 'deactivate':
    case 'activate':
    case 'password':
      return manageOfficer(sub, rest, opts);
    default:
      throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
  }
}

async function withAccounts<T>(opts: CliOptions, work: (accounts: Accounts, store: Store) => Promise<T>): Promise<T> {
  const config = opts.config ?? loadConfig();
  const store = await openStore(config);
  try {
    return await work(new Accounts(store, () => new Date(), config.desk?.sessionHours ?? 12, config.apiTokenDays, organisationWords(loadProfile(config.profileFile))), store);
  } finally {
    await store.close();
  }
}

/**
 * Creates an account. The password is asked for twice with hidden input on a terminal, or read
 * from the first line of standard input otherwise (`echo "$PASSWORD" | nivaran officers add …`).
 *
 * @throws AppError OFFICER_INVALID (see `Accounts.create`, and two passwords that differ) or CLI_USAGE.
 */
export async function addOfficer(args: string[], opts: CliOptions = {}): Promise<number> {
  const { values } = parseCliArgs({
    args,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, lang: { type: 'string' } },
  }, USAGE);
  if (!values.email || !values.role) throw new AppError(ERROR_CODES.CLI_USAGE, `officers add needs --email and --role.\n\n${USAGE}`);
  if (values.lang !== undefined && values.lang !== 'en' && values.lang !== 'hi') {
    throw new AppError(ERROR_CODES.CLI_USAGE, `--lang is en or hi (got "${values.lang}").`);
  }
  const io = cliIo(opts.io);
  const { email, role } = values;
  return withAccounts(opts, async (accounts, store) => {
    // What can be told before the password is typed, is: a role or email mistake costs no typing.
    // `Accounts.create` checks everything again.
    if (!isOfficerRole(role)) {
      throw new AppError(ERROR_CODES.OFFICER_INVALID, `Unknown role "${role}"; use one of: ${OFFICER_ROLES.join(', ')}.`);
    }
    const taken = await store.transaction((uow) => uow.officers.byEmail(normaliseOfficerEmail(email)));
    if (taken) throw new AppError(ERROR_CODES.OFFICER_INVALID, `An officer with the email ${taken.email} already exists.`);
    const password = io.isTTY ? await promptPassword(io) : await firstLine(io.stdin);
    const officer = await accounts.create({ email, role, name: values.name ?? '', lang: values.lang ?? 'en', password }, CLI_ACTOR);
    io.stdout.write(`Officer ${officer.id} created: ${officer.email} (${officer.role})\n`);
    return 0;
  });
}

/** Every account: id, email, name, role, whether active, and the last log-in. Never a password hash. */
export async function listOfficers(args: string[], opts: CliOptions = {}): Promise<number> {
  const { values } = parseCliArgs({ args, options: { json: { type: 'boolean', default: false } } }, USAGE);
  const io = cliIo(opts.io);
  const officers = await withAccounts(opts, (accounts) => accounts.list());
  if (values.json) {
    io.stdout.write(`${JSON.stringify(officers, null, 2)}\n`);
    return 0;
  }
  if (officers.length === 0) {
    io.stdout.write('No officers yet. Create the first with: nivaran officers add --role admin --email …\n');
    return 0;
  }
  const rows = [
    ['ID', 'EMAIL', 'NAME', 'ROLE', 'ACTIVE', 'LAST LOG-IN'],
    ...officers.map((o) => [String(o.id), o.email, o.name, o.role, o.active ? 'yes' : 'no', o.lastLoginAt ?? 'never']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  io.stdout.write(`${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`);
  return 0;
}

/** A new API token for an active officer, printed once: only its hash is kept. */
export async function createOfficerToken(args: string[], opts: CliOptions = {}): Promise<number> {
  const { values } = parseCliArgs({ args, options: { email: { type: 'string' }, label: { type: 'string' } } }, USAGE);
  if (!values.email) throw new AppError(ERROR_CODES.CLI_USAGE, `officers token needs --email.\n\n${USAGE}`);
  const io = cliIo(opts.io);
  const email = normaliseOfficerEmail(values.email);
  return withAccounts(opts, async (accounts, store) => {
    const row = await store.transaction((uow) => uow.officers.byEmail(email));
    const officer = row ? await accounts.byId(row.id) : undefined;
    if (!officer) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no active officer with the email ${email}.`);
    const { id, token } = await accounts.createApiToken(officer, values.label ?? '', CLI_ACTOR);
    io.stdout.write(`API token ${id} for ${officer.email} (officer ${officer.id}):\n${token}\n`
      + 'It will not be shown again: copy it now. Send it as "Authorization: Bearer <token>".\n');
    return 0;
  });
}

/** Switches an officer off or on, or sets a new password for them; each audited as the cli's. */
async function manageOfficer(sub: 'deactivate' | 'activate' | 'password', args: string[], opts: CliOptions): Promise<number> {
  const { values } = parseCliArgs({ args, options: { email: { type: 'string' } } }, USAGE);
  if (!values.email) throw new AppError(ERROR_CODES.CLI_USAGE, `officers ${sub} needs --email.\n\n${USAGE}`);
  const io = cliIo(opts.io);
  const email = normaliseOfficerEmail(values.email);
  return withAccounts(opts, async (accounts, store) => {
    const row = await store.transaction((uow) => uow.officers.byEmail(email));
    if (!row) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer with the email ${email}.`);
    if (sub === 'deactivate') {
      const ended = await accounts.deactivate(row.id, CLI_ACTOR);
      io.stdout.write(`Officer ${row.id} (${row.email}) switched off: ${ended.sessions} session(s) ended, ${ended.tokens} API token(s) revoked.\n`);
    } else if (sub === 'activate') {
      await accounts.activate(row.id, CLI_ACTOR);
      io.stdout.write(`Officer ${row.id} (${row.email}) switched on. Earlier sessions and tokens stay ended.\n`);
    } else {
      const password = io.isTTY ? await promptPassword(io) : await firstLine(io.stdin);
      await accounts.setPassword(row.id, password, CLI_ACTOR);
      io.stdout.write(`New password set for officer ${row.id} (${row.email}); their sessions have ended.\n`);
    }
    return 0;
  });
}

/** Lines of a stream, one per call, in order; undefined once the stream has ended. */
function lineReader(rl: readline.Interface): () => Promise<string | undefined> {
  const queued: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let closed = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queued.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return () => {
    if (queued.length > 0) return Promise.resolve(queued.shift());
    if (closed) return Promise.resolve(undefined);
    return new Promise((resolve) => waiting.push(resolve));
  };
}

/** The first line of a non-interactive standard input: the password, as piped in. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    const line = await lineReader(rl)();
    if (line === undefined || line === '') {
      throw new AppError(ERROR_CODES.OFFICER_INVALID, 'No password on standard input: give it on the first line (or run the command in a terminal to be asked).');
    }
    return line;
  } finally {
    rl.close();
  }
}

/** Asks for the password twice on a terminal without echoing it; the two must match. */
async function promptPassword(io: CliIo): Promise<string> {
  let muted = false;
  // readline echoes what is typed to its output; this one passes the prompts and drops the echo.
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) io.stdout.write(chunk);
      callback();
    },
  });
  const rl = readline.createInterface({ input: io.stdin, output, terminal: true, historySize: 0 });
  const next = lineReader(rl);
  const ask = async (prompt: string): Promise<string> => {
    muted = false;
    rl.setPrompt(prompt);
    rl.prompt();
    muted = true;
    const line = await next();
    muted = false;
    io.stdout.write('\n');
    // Ctrl+C or Ctrl+D closes the interface.
    if (line === undefined) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'Cancelled: no password given.');
    return line;
  };
  try {
    const first = await ask(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
    await checkPassword(first);
    const second = await ask('The same password again: ');
    if (first !== second) throw new AppError(ERROR_CODES.OFFICER_INVALID, 'The two passwords do not match; nothing was created.');
    return first;
  } finally {
    rl.close();
  }
}
