/**
 * Everything a test database holds, as one string to search for canaries: on Node the raw bytes
 * of the database files (main, WAL and SHM), on D1 every row of every table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database.ts';

export async function databaseHaystack(database: Database & { files: string[] }): Promise<string> {
  let haystack = '';
  if (database.files.length > 0) {
    for (const file of database.files) {
      if (existsSync(file)) haystack += readFileSync(file).toString('latin1');
    }
    return haystack;
  }
  const tables = await database.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%'`,
  );
  for (const { name } of tables) {
    haystack += JSON.stringify(await database.db.all(sql.raw(`select * from "${name}"`)));
  }
  return haystack;
}
