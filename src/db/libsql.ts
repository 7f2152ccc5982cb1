/**
 * @module db/libsql
 * Embedded libsql (SQLite) adapter for the storage port, used by the Node entry.
 */
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Database, Drizzle } from './database.ts';
import { schema } from './schema/index.ts';

export type LibsqlDatabase = Database & { client: Client; close(): void };

/** Opens a database at a `file:` URL (or `:memory:`); WAL keeps readers off the writer's back. */
export async function openLibsql(url: string): Promise<LibsqlDatabase> {
  const client = createClient({ url });
  if (url !== ':memory:') await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(client, { schema });
  return {
    kind: 'libsql',
    client,
    db: db as unknown as Drizzle,
    batch: (statements) => db.batch(statements as never) as Promise<unknown[]>,
    close: () => client.close(),
  };
}

export async function migrateLibsql(database: LibsqlDatabase, migrationsFolder: string): Promise<void> {
  await migrate(drizzle(database.client), { migrationsFolder });
}
