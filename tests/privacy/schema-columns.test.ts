import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/db/schema/index.ts';

// Invariant 1: nothing in the schema is even named like personal data.
const PII_COLUMN = /e_?mail|phone|name|birth|dob|address|street|postal|zip|(^|_)sub(_|$)|subject/i;

describe('schema', () => {
  const columns = Object.values(schema).flatMap((table) => {
    const config = getTableConfig(table as SQLiteTable);
    return config.columns.map((c) => `${config.name}.${c.name}`);
  });

  it('has tables and columns to check', () => {
    expect(columns.length).toBeGreaterThan(10);
  });

  it('has no column named like email, phone, name, birth date, address or sub', () => {
    expect(columns.filter((c) => PII_COLUMN.test(c.split('.')[1] ?? ''))).toEqual([]);
  });

  it('the check itself catches such names', () => {
    for (const bad of [
      'email',
      'first_name',
      'phone_number',
      'birth_date',
      'address_line',
      'apple_sub',
      'sub',
    ]) {
      expect(PII_COLUMN.test(bad), bad).toBe(true);
    }
  });
});
