import type { Config } from '../config.ts';
import { PgStore } from './pg-store.ts';
import { SqliteStore, type Store } from './sqlite-store.ts';

/**
 * The store the configuration names: PostgreSQL when DATABASE_URL is set, otherwise the SQLite
 * file in DATA_DIR. `PgStore` loads the `pg` driver only when it is opened, so a SQLite
 * installation does not pay for it at start-up.
 *
 * @throws AppError `STORAGE_OPEN` or `STORAGE_MIGRATION` from the chosen store's `open`.
 */
export async function openStore(config: Pick<Config, 'databaseFile' | 'databaseUrl'> & Partial<Pick<Config, 'dbStatementTimeoutMs'>>): Promise<Store> {
  return config.databaseUrl
    ? PgStore.open(config.databaseUrl, config.dbStatementTimeoutMs ? { statementTimeoutMs: config.dbStatementTimeoutMs } : {})
    : SqliteStore.open(config.databaseFile);
}
