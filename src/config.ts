import path from 'node:path';
import { z } from 'zod';
import { AppError, ERROR_CODES } from './errors.ts';

/**
 * The only module that reads `process.env`. Everything is validated once, at start-up, and
 * frozen; a bad value stops the process with a message naming the variable.
 */
const envSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The organisation's profile (YAML): name, contact, policies, calendar, ladder. */
  PROFILE_FILE: z.string().min(1).optional(),
  CALENDARS_DIR: z.string().min(1).optional(),
  FLOWS_DIR: z.string().min(1).optional(),
  LOCALES_DIR: z.string().min(1).optional(),
  /** How often the scheduler looks for due reminders, breaches and escalations. */
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** When set, PostgreSQL holds the data instead of the SQLite file in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL connection string: postgres://user:password@host:5432/database')
    .optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseFile: string;
  /** A `postgres://` connection string: when set the store is PostgreSQL, not `databaseFile`. */
  readonly databaseUrl: string | undefined;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly profileFile: string;
  readonly calendarsDir: string;
  readonly flowsDir: string;
  readonly localesDir: string;
  readonly schedulerIntervalMs: number;
}

/**
 * Where the packaged flows and locales live (the repository root). The bin script's bundle
 * defines NIVARAN_ROOT at build time; run from source, it is the parent of src/.
 */
export const PACKAGE_ROOT = process.env.NIVARAN_ROOT ?? path.resolve(import.meta.dirname, '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new AppError(
      ERROR_CODES.CONFIG_INVALID,
      `Configuration is invalid; fix these environment variables (see .env.example):\n${lines.join('\n')}`,
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    dataDir,
    databaseFile: path.join(dataDir, 'nivaran.sqlite'),
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    profileFile: path.resolve(e.PROFILE_FILE ?? path.join(PACKAGE_ROOT, 'profiles', 'default.yaml')),
    calendarsDir: path.resolve(e.CALENDARS_DIR ?? path.join(PACKAGE_ROOT, 'calendars')),
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    flowsDir: path.resolve(e.FLOWS_DIR ?? path.join(PACKAGE_ROOT, 'flows')),
    localesDir: path.resolve(e.LOCALES_DIR ?? path.join(PACKAGE_ROOT, 'locales')),
  });
}
