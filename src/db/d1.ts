/**
 * @module db/d1
 * Cloudflare D1 adapter for the storage port.
 */
import { drizzle } from 'drizzle-orm/d1';
import type { BatchStatement, Database, Drizzle } from './database.ts';
import { schema } from './schema/index.ts';

/** The drizzle internals a batch item exposes once prepared (the same ones drizzle's own batch uses). */
type PreparedItem = {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
};

export function d1Database(binding: D1Database): Database {
  const db = drizzle(binding, { schema });
  return {
    kind: 'd1',
    db: db as unknown as Drizzle,
    batch: (statements) => d1Batch(binding, statements),
    firstRow: async (sql, params) => {
      const [row] = await binding
        .prepare(sql)
        .bind(...params)
        .raw();
      return row;
    },
  };
}

/**
 * drizzle's D1 batch binds parameters through `prepared.stmt`, which raw `db.run(sql…)` /
 * `db.all(sql…)` items do not have (drizzle-orm 0.45), so conditional SQL with parameters fails
 * inside a batch. Preparing every item from its SQL text works for raw and built queries alike.
 */
async function d1Batch(binding: D1Database, statements: readonly BatchStatement[]): Promise<unknown[]> {
  const prepared = statements.map((s) => (s as unknown as { _prepare(): PreparedItem })._prepare());
  const results = await binding.batch(
    prepared.map((item) => {
      const { sql, params } = item.getQuery();
      return binding.prepare(sql).bind(...params);
    }),
  );
  return results.map((result, i) => prepared[i]?.mapResult(result, true));
}
