/**
 * @module db/libsql
 * Embedded libsql (SQLite) adapter for the storage port, used by the Node entry. Queries go
 * through a statement-caching client; migrations use `@libsql/client`, which drizzle's migrator
 * expects.
 */
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Database, Drizzle } from './database.ts';
import { asDrizzleClient, StatementCachingClient } from './libsql-statement-client.ts';
import { schema } from './schema/index.ts';

export type LibsqlDatabase = Database & { path: string; close(): void };

/** Opens a database file (or `:memory:`); WAL keeps readers off the writer's back. */
export async function openLibsql(path: string): Promise<LibsqlDatabase> {
  const client = new StatementCachingClient(path);
  if (path !== ':memory:') await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(asDrizzleClient(client), { schema });
  return {
    kind: 'libsql',
    path,
    db: db as unknown as Drizzle,
    batch: (statements) => db.batch(statements as never) as Promise<unknown[]>,
    firstRow: async (sql, params) => client.firstRow(sql, params),
    close: () => client.close(),
  };
}

/** Applies pending migrations with a short-lived `@libsql/client` connection. */
export async function migrateLibsql(path: string, migrationsFolder: string): Promise<void> {
  const client = createClient({ url: `file:${path}` });
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    client.close();
  }
}
