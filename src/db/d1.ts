/**
 * @module db/d1
 * Cloudflare D1 adapter for the storage port.
 */
import { drizzle } from 'drizzle-orm/d1';
import type { Database, Drizzle } from './database.ts';
import { schema } from './schema/index.ts';

export function d1Database(binding: D1Database): Database {
  const db = drizzle(binding, { schema });
  return {
    kind: 'd1',
    db: db as unknown as Drizzle,
    batch: (statements) => db.batch(statements as never) as Promise<unknown[]>,
  };
}
