/**
 * @module db/database
 * The storage port. Both adapters hand out a drizzle database over the same schema; they differ
 * only in the driver. D1 has no interactive transactions, so multi-statement atomic writes go
 * through `batch()` on both (libsql runs a batch in one transaction too).
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { schema } from './schema/index.ts';

export type Drizzle = BaseSQLiteDatabase<'async', unknown, typeof schema>;
export type BatchStatement = BatchItem<'sqlite'>;

export interface Database {
  readonly kind: 'd1' | 'libsql';
  readonly db: Drizzle;
  /** Runs statements atomically: all apply or none do. */
  batch(statements: readonly [BatchStatement, ...BatchStatement[]]): Promise<unknown[]>;
  /**
   * The first row of a read as positional values, straight from the driver, or undefined. Only
   * for the hottest reads (see `preparedRow` in db/prepared), where drizzle's session and row
   * mapping cost more than SQLite's own work.
   */
  firstRow(sql: string, params: readonly unknown[]): Promise<unknown[] | undefined>;
}
