/** Column names that collide with a row's positional reads, on the libsql statement client. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '#test-runtime';

describe('libsql rows with awkward column names', () => {
  it('keeps positions for columns named like an index or `length`, and ignores `__proto__`', async () => {
    const database = await openTestDatabase();
    try {
      const rows = await database.db.all<Record<string, unknown>>(
        sql`select 'a' as "length", 'b' as "1", 'c' as "__proto__", 'd' as name`,
      );
      expect(rows).toEqual([{ name: 'd' }]);
      expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    } finally {
      database.close();
    }
  });
});
