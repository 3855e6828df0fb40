import { isIP } from 'node:net';
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
  /**
   * How long an instance's claim on a reply lasts without news; a claim left by an instance that
   * died is taken over after it. Longer than one send can take (a Graph request times out at 15 s).
   */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  /** PostgreSQL: a statement running longer is cancelled and its unit of work fails (and is retried). */
  DB_STATEMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
  /** Where one-time codes go: console (development: printed to stderr), smtp (email) or sms (HTTP gateway). */
  OTP_SENDER: z.enum(['console', 'smtp', 'sms']).default('console'),
  /** The HMAC key one-time codes are kept under. Required with DATABASE_URL (see below). */
  OTP_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -hex 32`').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s/]+/, 'must be smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS)')
    .refine(canParseUrl, 'is not a valid URL (percent-encode special characters in the user and password)')
    .optional(),
  SMTP_FROM: z.string().max(320).regex(/[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/, 'must be a sender address, e.g. Nivaran <no-reply@example.in>').optional(),
  SMS_GATEWAY_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL template, e.g. https://sms.example/send?to={to}&text={message}')
    .refine((u) => canParseUrl(fillSmsPlaceholders(u)), 'is not a valid URL once its placeholders are filled in')
    .optional(),
  SMS_GATEWAY_METHOD: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['GET', 'POST'])).default('GET'),
  SMS_GATEWAY_BODY: z.string().min(1).optional(),
  SMS_GATEWAY_HEADERS: z.string().optional(),
  /** The Telegram channel runs when this is set: the token @BotFather gave. */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'must be the token @BotFather gave, e.g. 123456789:AAH…(digits, a colon, then 20 or more letters, digits, _ or -)')
    .optional(),
  /** A self-hosted Bot API server instead of https://api.telegram.org. */
  TELEGRAM_API_ROOT: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL, e.g. http://127.0.0.1:8081').refine(canParseUrl, 'is not a valid URL').optional(),
  /** This server's public https address: when set, Telegram posts updates to it (webhook) instead of being polled. */
  PUBLIC_URL: z.string().regex(/^https:\/\/\S+$/, 'must be an https URL, e.g. https://nivaran.example.in').refine(canParseUrl, 'is not a valid URL').optional(),
  /** Telegram sends it with every webhook request; requests without it are rejected. */
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A-Z, a-z, 0-9, _ and -, e.g. the output of `openssl rand -hex 32`')
    .optional(),
  /** The port the webhooks listen on (Telegram webhook mode, WhatsApp Cloud). */
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  /** WhatsApp Cloud API: a system user's permanent access token (Bearer). */
  WA_CLOUD_TOKEN: z.string().regex(/^[\w.|-]{20,}$/, 'must be the access token from Meta (20 or more letters, digits, _ . | -, e.g. EAAG…)').optional(),
  /** The WhatsApp business phone number's id (not the number itself). */
  WA_CLOUD_PHONE_ID: z.string().regex(/^\d{5,20}$/, 'must be the phone number id from WhatsApp Manager (digits), not the phone number').optional(),
  /** The Meta app's secret: the HMAC key of X-Hub-Signature-256 on every webhook post. */
  WA_CLOUD_APP_SECRET: z.string().regex(/^\S{16,256}$/, 'must be the app secret from the Meta app dashboard (16 or more characters, no spaces)').optional(),
  /** The token typed into the webhook settings; Meta echoes it on the verification GET. */
  WA_CLOUD_VERIFY_TOKEN: z.string().regex(/^\S{8,256}$/, 'must be 8–256 characters without spaces, e.g. the output of `openssl rand -hex 16`').optional(),
  /** Another Graph API root (a test double or a proxy) instead of https://graph.facebook.com. */
  WA_CLOUD_API_ROOT: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL, e.g. http://127.0.0.1:8090').refine(canParseUrl, 'is not a valid URL').optional(),
  /** Runs the WhatsApp Web channel (whatsapp-web.js, one linked phone): '1' or 'true'. */
  WHATSAPP_WEB: z
    .string()
    .regex(/^(1|0|true|false|)$/i, "must be '1' or 'true' to run the WhatsApp Web channel ('0', 'false' or unset: off)")
    .optional(),
  /** The Chromium that whatsapp-web.js drives; checked when the channel starts. */
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** The officers' desk: port and address. 0 turns the desk off (e.g. a webhook-only instance). */
  DESK_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** 127.0.0.1 by default: put a TLS proxy in front, or set 0.0.0.0 to serve the local network. */
  DESK_HOST: z.string().min(1).default('127.0.0.1'),
  /** Where citizens reach the desk's download links (their copy of their data), e.g. https://desk.example.in. Default: http://localhost:DESK_PORT. */
  DESK_PUBLIC_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL, e.g. https://desk.example.in').refine(canParseUrl, 'is not a valid URL').optional(),
  /** How long a desk log-in lasts. */
  DESK_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  /** The key of the audit log's chain and head (HMAC). Required with DATABASE_URL; otherwise kept in DATA_DIR/audit-secret. */
  AUDIT_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -hex 32`').optional(),
  /** How many days a new API token works (then a new one must be made). */
  API_TOKEN_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  /**
   * Behind a TLS proxy: which forwarded headers to trust. A number of proxy hops ('1', or 'true'
   * for one), or the proxies' addresses and CIDR ranges, comma-separated. Only the address the
   * trusted hops saw is used: a client's own X-Forwarded-For entries never are.
   */
  DESK_TRUST_PROXY: z.string().refine((v) => parseTrustProxy(v) !== undefined, "must be a number of proxy hops (e.g. '1'), or the proxies' addresses or CIDR ranges, comma-separated (e.g. '10.0.0.5' or '10.0.0.0/8, ::1'); '0', 'false' or unset when no proxy is in front").optional(),
  /** The key CSRF tokens are derived with. Required with DATABASE_URL (instances must agree); otherwise kept in DATA_DIR/desk-secret. */
  DESK_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -hex 32`').optional(),
  /** A Telegram chat (group) of the officers that gets every officers' notification too; needs TELEGRAM_BOT_TOKEN. */
  OFFICERS_TELEGRAM_CHAT_ID: z.string().regex(/^-?\d{1,20}$/, 'must be the numeric chat id of the officers\' Telegram group, e.g. -1001234567890').optional(),
  /** Bearer token for /metrics on the desk's port. Without it (and without METRICS_PORT) /metrics is off. */
  METRICS_TOKEN: z.string().regex(/^\S{16,256}$/, 'must be 16–256 characters without spaces, e.g. the output of `openssl rand -hex 16`').optional(),
  /** A separate port serving /metrics, /healthz and /readyz without a token (bind it to a private network). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** The address METRICS_PORT listens on. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
}).superRefine((e, ctx) => {
  const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  if (e.DATABASE_URL && !e.OTP_SECRET) {
    issue('OTP_SECRET', 'is required when DATABASE_URL is set: every instance sharing the database must check one-time codes with the same OTP_SECRET (at least 32 characters, e.g. `openssl rand -hex 32`)');
  }
  if (e.DATABASE_URL && !e.AUDIT_SECRET) {
    issue('AUDIT_SECRET', 'is required when DATABASE_URL is set: the audit log is keyed with a value the database does not hold, so someone who can write to the database cannot rewrite it (at least 32 characters, e.g. `openssl rand -hex 32`; keep it outside the database)');
  }
  if (e.DATABASE_URL && !e.DESK_SECRET && e.DESK_PORT !== 0) {
    issue('DESK_SECRET', 'is required when DATABASE_URL is set: every instance serving the desk must check form tokens with the same DESK_SECRET (at least 32 characters, e.g. `openssl rand -hex 32`)');
  }
  if (e.OTP_SENDER === 'smtp') {
    if (!e.SMTP_URL) issue('SMTP_URL', 'is required when OTP_SENDER=smtp');
    if (!e.SMTP_FROM) issue('SMTP_FROM', 'is required when OTP_SENDER=smtp');
  }
  if (e.OTP_SENDER === 'sms' && !e.SMS_GATEWAY_URL) issue('SMS_GATEWAY_URL', 'is required when OTP_SENDER=sms');
  if (e.SMS_GATEWAY_URL) {
    const templates = `${e.SMS_GATEWAY_URL} ${e.SMS_GATEWAY_BODY ?? ''}`;
    for (const unknown of templates.match(/\{[a-z_]+\}/g)?.filter((p) => !SMS_PLACEHOLDERS.includes(p)) ?? []) {
      issue(e.SMS_GATEWAY_BODY?.includes(unknown) ? 'SMS_GATEWAY_BODY' : 'SMS_GATEWAY_URL', `has an unknown placeholder ${unknown} (known: ${SMS_PLACEHOLDERS.join(' ')})`);
    }
    if (!/\{to(_digits)?\}/.test(templates)) issue('SMS_GATEWAY_URL', 'must contain {to} or {to_digits}, in the URL or in SMS_GATEWAY_BODY');
    if (!/\{(message|code)\}/.test(templates)) issue('SMS_GATEWAY_URL', 'must contain {message} or {code}, in the URL or in SMS_GATEWAY_BODY');
  }
  if (e.SMS_GATEWAY_BODY !== undefined) {
    if (e.SMS_GATEWAY_METHOD !== 'POST') issue('SMS_GATEWAY_BODY', 'is only sent with SMS_GATEWAY_METHOD=POST');
    if (/^\s*[[{]/.test(e.SMS_GATEWAY_BODY)) {
      try {
        JSON.parse(fillSmsPlaceholders(e.SMS_GATEWAY_BODY));
      } catch {
        issue('SMS_GATEWAY_BODY', 'starts like JSON but is not valid JSON (placeholders go inside strings: {"to":"{to}"})');
      }
    }
  }
  if (e.PUBLIC_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    issue('TELEGRAM_WEBHOOK_SECRET', 'is required when PUBLIC_URL is set: Telegram sends it with every webhook request so others cannot post fake updates (16–256 characters of A-Z, a-z, 0-9, _ and -)');
  }
  if ((e.PUBLIC_URL || e.TELEGRAM_API_ROOT) && !e.TELEGRAM_BOT_TOKEN) {
    issue('TELEGRAM_BOT_TOKEN', `is required when ${e.PUBLIC_URL ? 'PUBLIC_URL' : 'TELEGRAM_API_ROOT'} is set`);
  }
  if (e.OFFICERS_TELEGRAM_CHAT_ID && !e.TELEGRAM_BOT_TOKEN) {
    issue('TELEGRAM_BOT_TOKEN', 'is required when OFFICERS_TELEGRAM_CHAT_ID is set: the bot posts the officers\' notifications to that chat');
  }
  if (e.METRICS_PORT !== undefined && (e.METRICS_PORT === e.DESK_PORT || e.METRICS_PORT === e.PORT)) {
    issue('METRICS_PORT', `must differ from DESK_PORT and PORT (${e.METRICS_PORT} is taken)`);
  }
  const headers = parseHeaderList(e.SMS_GATEWAY_HEADERS);
  if ('error' in headers) issue('SMS_GATEWAY_HEADERS', headers.error);
  // WhatsApp Cloud needs all four: half a configuration would start a channel that can neither
  // send (token, phone id) nor safely receive (app secret, verify token).
  const wa = { WA_CLOUD_TOKEN: e.WA_CLOUD_TOKEN, WA_CLOUD_PHONE_ID: e.WA_CLOUD_PHONE_ID, WA_CLOUD_APP_SECRET: e.WA_CLOUD_APP_SECRET, WA_CLOUD_VERIFY_TOKEN: e.WA_CLOUD_VERIFY_TOKEN };
  const waSet = Object.entries(wa).filter(([, v]) => v !== undefined).map(([k]) => k);
  if (waSet.length > 0 || e.WA_CLOUD_API_ROOT) {
    for (const [name, value] of Object.entries(wa)) {
      if (value === undefined) issue(name, `is required for the WhatsApp Cloud channel (set all of WA_CLOUD_TOKEN, WA_CLOUD_PHONE_ID, WA_CLOUD_APP_SECRET and WA_CLOUD_VERIFY_TOKEN, or none)`);
    }
  }
});

/** The placeholders of the SMS gateway templates (see http-sms-sender.ts). */
const SMS_PLACEHOLDERS: readonly string[] = ['{to}', '{to_digits}', '{message}', '{code}', '{lang}'];

function fillSmsPlaceholders(template: string): string {
  return template.replace(/\{[a-z_]+\}/g, 'x');
}

function canParseUrl(u: string): boolean {
  try {
    new URL(u);
    return true;
  } catch {
    return false;
  }
}

/**
 * `Name: value; Name2: value2` → headers. Errors name the part, never its value (a credential).
 */
function parseHeaderList(spec: string | undefined): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  for (const [i, part] of (spec ?? '').split(';').entries()) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    const name = colon < 0 ? '' : part.slice(0, colon).trim();
    const value = colon < 0 ? '' : part.slice(colon + 1).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === '') {
      return { error: `part ${i + 1} is not "Name: value" (write Name: value; Name2: value2; values cannot contain ";")` };
    }
    headers[name] = value;
  }
  return { headers };
}

export interface Config {
  readonly dataDir: string;
  readonly databaseFile: string;
  /** A `postgres://` connection string: when set the store is PostgreSQL, not `databaseFile`. */
  readonly databaseUrl: string | undefined;
  /** OUTBOX_LEASE_SECONDS in ms: how long a claim on a reply lasts (docs/delivery.md). */
  readonly outboxLeaseMs: number;
  /** DB_STATEMENT_TIMEOUT_SECONDS in ms (PostgreSQL). */
  readonly dbStatementTimeoutMs: number;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly profileFile: string;
  readonly calendarsDir: string;
  readonly flowsDir: string;
  readonly localesDir: string;
  readonly schedulerIntervalMs: number;
  /** API_TOKEN_DAYS: how long a new API token works (90 days by default). */
  readonly apiTokenDays: number;
  /** AUDIT_SECRET: the audit chain's key; when unset (SQLite only) one kept in DATA_DIR/audit-secret. */
  readonly auditSecret: string | undefined;
  /** Where one-time codes go (OTP_SENDER). */
  readonly otpSender: 'console' | 'smtp' | 'sms';
  /**
   * The HMAC key of one-time codes (OTP_SECRET). When unset (SQLite only), the app keeps a random
   * key in DATA_DIR/otp-secret (see secrets.ts), so codes survive restarts and CLI runs.
   */
  readonly otpSecret: string | undefined;
  /** The mail server for codes by email; set when SMTP_URL and SMTP_FROM are. */
  readonly smtp?: { readonly url: string; readonly from: string };
  /** The HTTP SMS gateway for codes by SMS; set when SMS_GATEWAY_URL is. */
  readonly smsGateway?: {
    readonly url: string;
    readonly method: 'GET' | 'POST';
    readonly body?: string;
    readonly headers: Readonly<Record<string, string>>;
  };
  /** The Telegram channel; set when TELEGRAM_BOT_TOKEN is. */
  readonly telegram?: {
    readonly token: string;
    /** TELEGRAM_API_ROOT: a self-hosted Bot API server. */
    readonly apiRoot?: string;
    /** Webhook mode (PUBLIC_URL and TELEGRAM_WEBHOOK_SECRET); long polling when absent. */
    readonly webhook?: { readonly publicUrl: string; readonly secretToken: string; readonly port: number };
  };
  /** The WhatsApp Cloud API channel; set when all four WA_CLOUD_* credentials are. */
  readonly whatsappCloud?: {
    readonly token: string;
    readonly phoneNumberId: string;
    readonly appSecret: string;
    readonly verifyToken: string;
    /** WA_CLOUD_API_ROOT without a trailing slash; https://graph.facebook.com by default. */
    readonly apiRoot: string;
    /** PORT: Meta posts to `/whatsapp/webhook` on it (behind the TLS proxy). */
    readonly port: number;
  };
  /** The officers' desk; absent when DESK_PORT=0. */
  readonly desk?: {
    readonly port: number;
    readonly host: string;
    readonly sessionHours: number;
    /** DESK_TRUST_PROXY: false, a number of proxy hops, or the proxies' addresses/CIDRs (fastify's trustProxy). */
    readonly trustProxy: TrustProxy;
    /** DESK_PUBLIC_URL without a trailing slash: the base of links sent to citizens. */
    readonly publicUrl: string;
    /** DESK_SECRET; when unset (SQLite only) a random key kept in DATA_DIR/desk-secret. */
    readonly secret: string | undefined;
  };
  /** Officers' notifications: by email when `smtp` is set, and to this Telegram chat when set. */
  readonly officersTelegramChatId?: string;
  /** /metrics: on the desk with a bearer token, and/or on a port of its own. Absent: off. */
  readonly metrics?: { readonly token?: string; readonly port?: number; readonly host: string };
  /** The WhatsApp Web channel; set when WHATSAPP_WEB is '1' or 'true'. */
  readonly whatsappWeb?: {
    /** CHROMIUM_PATH (absolute); start-up fails naming it when the file does not exist. */
    readonly chromiumPath: string;
  };
}

/**
 * Where the packaged flows, locales, profiles and calendars live (the project's root). Run from
 * the bundle in node_modules/.cache, bin/nivaran.js tells it at run time (the bundle holds no path,
 * so a moved or copied project reads its own files); run from source, it is the parent of src/.
 */
const rootFromLauncher = (globalThis as { __NIVARAN_ROOT__?: unknown }).__NIVARAN_ROOT__;
export const PACKAGE_ROOT = typeof rootFromLauncher === 'string' ? rootFromLauncher : path.resolve(import.meta.dirname, '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const parsed = envSchema.safeParse(env, { jitless: true });
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
    outboxLeaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    profileFile: path.resolve(e.PROFILE_FILE ?? path.join(PACKAGE_ROOT, 'profiles', 'default.yaml')),
    calendarsDir: path.resolve(e.CALENDARS_DIR ?? path.join(PACKAGE_ROOT, 'calendars')),
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    apiTokenDays: e.API_TOKEN_DAYS,
    auditSecret: e.AUDIT_SECRET,
    flowsDir: path.resolve(e.FLOWS_DIR ?? path.join(PACKAGE_ROOT, 'flows')),
    localesDir: path.resolve(e.LOCALES_DIR ?? path.join(PACKAGE_ROOT, 'locales')),
    otpSender: e.OTP_SENDER,
    // A per-process key is safe for one process on SQLite: it only costs pending codes at a
    // restart. With DATABASE_URL it is required above, since instances must agree on it.
    otpSecret: e.OTP_SECRET,
    ...(e.SMTP_URL && e.SMTP_FROM ? { smtp: Object.freeze({ url: e.SMTP_URL, from: e.SMTP_FROM }) } : {}),
    ...(e.SMS_GATEWAY_URL
      ? {
          smsGateway: Object.freeze({
            url: e.SMS_GATEWAY_URL,
            method: e.SMS_GATEWAY_METHOD,
            ...(e.SMS_GATEWAY_BODY !== undefined ? { body: e.SMS_GATEWAY_BODY } : {}),
            headers: Object.freeze(headersOf(e.SMS_GATEWAY_HEADERS)),
          }),
        }
      : {}),
    ...(e.TELEGRAM_BOT_TOKEN
      ? {
          telegram: Object.freeze({
            token: e.TELEGRAM_BOT_TOKEN,
            ...(e.TELEGRAM_API_ROOT ? { apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, '') } : {}),
            ...(e.PUBLIC_URL && e.TELEGRAM_WEBHOOK_SECRET
              ? { webhook: Object.freeze({ publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''), secretToken: e.TELEGRAM_WEBHOOK_SECRET, port: e.PORT }) }
              : {}),
          }),
        }
      : {}),
    ...(e.WA_CLOUD_TOKEN && e.WA_CLOUD_PHONE_ID && e.WA_CLOUD_APP_SECRET && e.WA_CLOUD_VERIFY_TOKEN
      ? {
          whatsappCloud: Object.freeze({
            token: e.WA_CLOUD_TOKEN,
            phoneNumberId: e.WA_CLOUD_PHONE_ID,
            appSecret: e.WA_CLOUD_APP_SECRET,
            verifyToken: e.WA_CLOUD_VERIFY_TOKEN,
            apiRoot: (e.WA_CLOUD_API_ROOT ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
            port: e.PORT,
          }),
        }
      : {}),
    ...(e.DESK_PORT !== 0
      ? {
          desk: Object.freeze({
            port: e.DESK_PORT,
            host: e.DESK_HOST,
            sessionHours: e.DESK_SESSION_HOURS,
            trustProxy: parseTrustProxy(e.DESK_TRUST_PROXY ?? '') ?? false,
            publicUrl: (e.DESK_PUBLIC_URL ?? `http://localhost:${e.DESK_PORT}`).replace(/\/+$/, ''),
            secret: e.DESK_SECRET,
          }),
        }
      : {}),
    ...(e.OFFICERS_TELEGRAM_CHAT_ID ? { officersTelegramChatId: e.OFFICERS_TELEGRAM_CHAT_ID } : {}),
    ...(e.METRICS_TOKEN || e.METRICS_PORT !== undefined
      ? {
          metrics: Object.freeze({
            ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}),
            ...(e.METRICS_PORT !== undefined ? { port: e.METRICS_PORT } : {}),
            host: e.METRICS_HOST,
          }),
        }
      : {}),
    ...(e.WHATSAPP_WEB && /^(1|true)$/i.test(e.WHATSAPP_WEB)
      ? { whatsappWeb: Object.freeze({ chromiumPath: path.resolve(e.CHROMIUM_PATH) }) }
      : {}),
  });
}

function headersOf(spec: string | undefined): Record<string, string> {
  const parsed = parseHeaderList(spec);
  // Validated by the schema already; this keeps the types honest.
  if ('error' in parsed) throw new AppError(ERROR_CODES.CONFIG_INVALID, `SMS_GATEWAY_HEADERS: ${parsed.error}`);
  return parsed.headers;
}

/** Which proxies' forwarded headers the desk trusts: none, the nearest N hops, or these addresses. */
export type TrustProxy = false | number | string[];

/**
 * DESK_TRUST_PROXY → fastify's trustProxy. Never `true` (trust every hop): then a client could
 * choose its own address by sending X-Forwarded-For, and dodge per-address limits. '1'/'true'
 * mean one hop, the proxy in front. Undefined when the value is not understood.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (/^(|0|false)$/i.test(v)) return false;
  if (/^true$/i.test(v)) return 1;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const valid = parts.every((p) => {
    const [addr, bits, ...rest] = p.split('/');
    if (rest.length > 0 || !addr) return false;
    const kind = isIP(addr);
    if (kind === 0) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
  });
  return valid && parts.length > 0 ? parts : undefined;
}
