import type { CompiledQuery, Compilable } from 'kysely';

/**
 * A query written once with Kysely's builder, compiled once at start-up, and run many times
 * with new parameters. Named placeholders are sentinel objects that Kysely passes through as
 * parameter values; `bind` swaps them for the caller's values in compiled order.
 *
 * @example
 * const byNumber = prepare<{ number: string }, TicketRow>((p) =>
 *   kysely.selectFrom('tickets').selectAll().where('number', '=', p.number));
 * const rows = await tx.all(byNumber, { number: 'GRV-2026-000001' });
 */
export class Prepared<P extends object, R> {
  constructor(
    readonly sql: string,
    readonly compiled: CompiledQuery<R>,
    private readonly slots: ReadonlyArray<{ readonly name: string } | { readonly value: unknown }>,
  ) {}

  bind(params: P): unknown[] {
    const values = params as Record<string, unknown>;
    return this.slots.map((s) => {
      if (!('name' in s)) return s.value;
      const v = values[s.name];
      if (v === undefined) throw new Error(`query parameter "${s.name}" is missing`);
      return v;
    });
  }
}

class Placeholder {
  constructor(readonly name: string) {}
}

type Placeholders<P> = { readonly [K in keyof P]: P[K] };

export function prepare<P extends object, R>(build: (p: Placeholders<P>) => Compilable<R>): Prepared<P, R> {
  const proxy = new Proxy({} as Placeholders<P>, {
    get: (_t, name) => new Placeholder(String(name)),
  });
  const compiled = build(proxy).compile();
  const slots = compiled.parameters.map((v) => (v instanceof Placeholder ? { name: v.name } : { value: v }));
  return new Prepared<P, R>(compiled.sql, compiled, slots);
}

/** What a repository needs from the unit of work it runs in. */
export interface Executor {
  all<P extends object, R>(q: Prepared<P, R>, params: P): Promise<R[]>;
  /**
   * `lastId`: on SQLite, the rowid of the last row inserted on the connection (better-sqlite3's
   * `lastInsertRowid`), which spares an INSERT its RETURNING (a read cursor, about twice the
   * cost). PostgreSQL leaves it out: use RETURNING there.
   */
  run<P extends object>(q: Prepared<P, unknown>, params: P): Promise<{ changes: number; lastId?: number }>;
}
