/**
 * Which tables hold a value, on both runtimes: every row of every table dumped as JSON (raw file
 * bytes would also show rows SQLite deleted but has not overwritten yet, which is no link).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database.ts';

export async function tablesHolding(database: Database, needle: string): Promise<string[]> {
  const tables = await database.db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name not like '%migrations%'`,
  );
  const holding: string[] = [];
  for (const { name } of tables) {
    const rows = await database.db.all(sql.raw(`select * from "${name}"`));
    if (JSON.stringify(rows).includes(needle)) holding.push(name);
  }
  return holding.sort();
}
