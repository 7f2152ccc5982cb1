/**
 * @module db/prepared
 * One-row reads for the hottest paths (returning sign-in, till scan). The query is written with
 * drizzle, so it follows the schema, and rendered to SQL once per database; each call only binds
 * its `sql.placeholder` values and asks the driver for the first row (`Database.firstRow`).
 *
 * Measured on Node: drizzle's builder cost about 58 µs per call on the sign-in lookup, more than
 * SQLite's own work; a drizzle prepared query still spent about 13 µs of a 57 µs scan in its
 * session and row mapping (a floor server scanning over libsql, 17,400 against 22,700 scans/s
 * with the same statement read straight from the driver).
 */
import { fillPlaceholders } from 'drizzle-orm';
import type { Database, Drizzle } from './database.ts';

type Renderable = { toSQL(): { sql: string; params: unknown[] } };

/**
 * `build` renders the query (its column order is the order of the values answered); the
 * returned function reads its first row with the given placeholder values.
 */
export function preparedRow<Values extends Record<string, unknown>>(
  build: (db: Drizzle) => Renderable,
): (database: Database, values: Values) => Promise<unknown[] | undefined> {
  const rendered = new WeakMap<Drizzle, { sql: string; params: unknown[] }>();
  return async (database, values) => {
    let query = rendered.get(database.db);
    if (query === undefined) {
      query = build(database.db).toSQL();
      rendered.set(database.db, query);
    }
    return database.firstRow(query.sql, fillPlaceholders(query.params, values));
  };
}
