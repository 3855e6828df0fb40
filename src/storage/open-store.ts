import { setAuditKey } from '../audit/audit-log.ts';
import type { Config } from '../config.ts';
import { auditSecret } from '../secrets.ts';
import { PgStore } from './pg-store.ts';
import { SqliteStore, type Store } from './sqlite-store.ts';

/**
 * The store the configuration names: PostgreSQL when DATABASE_URL is set, otherwise the SQLite
 * file in DATA_DIR. `PgStore` loads the `pg` driver only when it is opened, so a SQLite
 * installation does not pay for it at start-up.
 *
 * Sets the audit log's key first (AUDIT_SECRET, or the one kept in DATA_DIR with SQLite).
 *
 * @throws AppError `STORAGE_OPEN` or `STORAGE_MIGRATION` from the chosen store's `open`.
 */
export async function openStore(config: Pick<Config, 'databaseFile' | 'databaseUrl' | 'auditSecret' | 'dataDir'> & Partial<Pick<Config, 'dbStatementTimeoutMs'>>): Promise<Store> {
  // The audit chain's key (module-wide: one per process), before anything can append: every
  // process that opens the store (the bot, and each CLI command that records an officer's or an
  // operator's action) must link its rows with it, or the next `audit verify` reports the chain
  // as tampered with.
  setAuditKey(auditSecret(config));
  return config.databaseUrl
    ? PgStore.open(config.databaseUrl, config.dbStatementTimeoutMs ? { statementTimeoutMs: config.dbStatementTimeoutMs } : {})
    : SqliteStore.open(config.databaseFile);
}
