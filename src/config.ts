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
  ORG_NAME: z.string().min(1).max(120).default('Nivaran Demo Organisation'),
  ORG_NAME_HI: z.string().min(1).max(120).optional(),
  /** Days within which a grievance must be answered until per-regime policies arrive. */
  GRIEVANCE_REPLY_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  FLOWS_DIR: z.string().min(1).optional(),
  LOCALES_DIR: z.string().min(1).optional(),
});

export interface Config {
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly orgName: { readonly en: string; readonly hi: string };
  readonly grievanceReplyDays: number;
  readonly flowsDir: string;
  readonly localesDir: string;
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
    logLevel: e.LOG_LEVEL,
    orgName: Object.freeze({ en: e.ORG_NAME, hi: e.ORG_NAME_HI ?? e.ORG_NAME }),
    grievanceReplyDays: e.GRIEVANCE_REPLY_DAYS,
    flowsDir: path.resolve(e.FLOWS_DIR ?? path.join(PACKAGE_ROOT, 'flows')),
    localesDir: path.resolve(e.LOCALES_DIR ?? path.join(PACKAGE_ROOT, 'locales')),
  });
}
