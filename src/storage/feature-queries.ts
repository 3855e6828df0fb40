import type { Kysely } from 'kysely';
import { pgCompiler, sqliteCompiler, type Dialect } from './db.ts';
import type { Database } from './schema.ts';

/**
 * A feature's statements, compiled once per dialect on first use and run with `uow.exec`. Lets a
 * module (retention, quality review, reports) keep its SQL beside its logic.
 *
 * @example
 * const queries = featureQueries((db) => ({
 *   holdsOf: prepare<{ key: string }, HoldRow>((p) => db.selectFrom('legal_holds').selectAll().where('conversation_key', '=', p.key)),
 * }));
 * const rows = await uow.exec.all(queries(uow.dialect).holdsOf, { key });
 */
export function featureQueries<Q>(compile: (db: Kysely<Database>) => Q): (dialect: Dialect) => Q {
  const cache = new Map<Dialect, Q>();
  return (dialect) => {
    let q = cache.get(dialect);
    if (!q) {
      q = compile(dialect === 'postgres' ? pgCompiler() : sqliteCompiler());
      cache.set(dialect, q);
    }
    return q;
  };
}
