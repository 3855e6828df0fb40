import { privateDir } from './security/file-modes.ts';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

/**
 * The one-time-code key: OTP_SECRET when set (required with PostgreSQL, where instances share
 * it); otherwise a random key created once in DATA_DIR/otp-secret, readable by this user only,
 * so pending codes survive a restart and every `nivaran chat` run of the same installation.
 */
export function otpSecret(config: Pick<Config, 'otpSecret' | 'dataDir'>): string {
  return config.otpSecret ?? keptSecret(config.dataDir, 'otp-secret');
}

/**
 * The audit log's key: AUDIT_SECRET, or (SQLite) one kept in DATA_DIR/audit-secret, 0600. With
 * SQLite, whoever can read DATA_DIR has both; set AUDIT_SECRET from elsewhere to keep them apart.
 */
export function auditSecret(config: Pick<Config, 'auditSecret' | 'dataDir'>): string {
  return config.auditSecret ?? keptSecret(config.dataDir, 'audit-secret');
}

/** The desk's CSRF key: DESK_SECRET, or one kept in DATA_DIR/desk-secret as for `otpSecret`. */
export function deskSecret(config: Pick<Config, 'desk' | 'dataDir'>): string {
  return config.desk?.secret ?? keptSecret(config.dataDir, 'desk-secret');
}

function keptSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    privateDir(dataDir);
    const secret = randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}
