/**
 * @module db/libsql-statement-client
 * The part of the `@libsql/client` interface that drizzle's libsql driver uses (`execute`,
 * `batch`, `close`), over the synchronous `libsql` binding with a cache of prepared statements.
 * `@libsql/client` prepares every statement anew and inspects its columns twice per call; on the
 * hot paths (sign-in, POS scan) that was most of the request. Measured: 97 µs → 18 µs for a
 * one-row indexed select.
 */
import type { Client, InStatement, ResultSet, Row } from '@libsql/client';
import Libsql from 'libsql';

type Statement = ReturnType<Libsql.Database['prepare']>;
// `reader` is a native call; asked once per statement, not per execution. `limitParam` marks a
// read whose last parameter is its LIMIT (drizzle's `.limit(n)` renders `limit ?`); `single` is
// the same SQL prepared apart, read only with `get` (see `run`).
type Prepared = {
  statement: Statement;
  columns: string[];
  reader: boolean;
  limitParam: boolean;
  single?: Statement;
  rows: RowShape;
};

const LIMIT_PARAM = /\blimit \?\s*$/i;

const CACHE_LIMIT = 512;

export class StatementCachingClient {
  private readonly db: Libsql.Database;
  private readonly cache = new Map<string, Prepared>();

  constructor(path: string) {
    this.db = new Libsql(path);
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    return this.run(statement);
  }

  /** All statements in one transaction: applied together or not at all. */
  async batch(statements: InStatement[]): Promise<ResultSet[]> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const results = statements.map((s) => this.run(s));
      this.db.exec('COMMIT');
      return results;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** The first row of a read, as its values (see `Database.firstRow`). */
  firstRow(sql: string, params: readonly unknown[]): unknown[] | undefined {
    const prepared = this.prepare(sql);
    if (!prepared.reader) throw new Error('firstRow is for reads');
    return this.getOne(prepared, sql, params.map(toSqlValue));
  }

  close(): void {
    this.cache.clear();
    this.db.close();
  }

  private prepare(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    const statement = this.db.prepare(sql);
    const reader = statement.reader;
    const columns = reader ? statement.columns().map((c) => c.name) : [];
    if (reader) statement.raw(true);
    const limitParam = reader && LIMIT_PARAM.test(sql);
    const prepared = { statement, columns, reader, limitParam, rows: rowShape(columns) };
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(sql, prepared);
    return prepared;
  }

  private run(input: InStatement): ResultSet {
    const sql = typeof input === 'string' ? input : input.sql;
    const args = typeof input === 'string' || !input.args ? [] : (input.args as unknown[]).map(toSqlValue);
    const prepared = this.prepare(sql);
    const { statement, columns, reader, limitParam, rows: shape } = prepared;
    if (!reader) {
      const info = statement.run(args);
      return resultSet([], [], info.changes, BigInt(info.lastInsertRowid));
    }
    if (limitParam && args[args.length - 1] === 1) {
      // One native call instead of three (open a cursor, fetch a batch, fetch the end): one-row
      // reads cost about a third less.
      const values = this.getOne(prepared, sql, args);
      return resultSet(columns, values ? [toRow(values, shape)] : [], 0, undefined);
    }
    const rows = (statement.all(args) as unknown[][]).map((values) => toRow(values, shape));
    return resultSet(columns, rows, 0, undefined);
  }

  // On a statement of its own: libsql 0.5 does not reset a statement that `iterate` has run, so
  // a `get` after an `all` of the same statement cannot bind and answers the previous read's row.
  private getOne(prepared: Prepared, sql: string, args: unknown[]): unknown[] | undefined {
    prepared.single ??= this.db.prepare(sql).raw(true);
    return prepared.single.get(args) as unknown[] | undefined;
  }
}

// The same conversions as @libsql/client, which the SQLite binding does not do itself.
function toSqlValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) return null;
  return value;
}

// Drizzle reads rows both by index (mapped selects) and by enumerable column name (raw SQL), as
// @libsql/client rows allow: indices non-enumerable, names enumerable. Defining the index
// properties on every row was a visible part of a one-row read, so they live on one prototype per
// statement, as getters over the row's values.
const VALUES = Symbol('values');
type RowBase = { [VALUES]: unknown[] };
/** Per statement: the prototype with the index getters, and the name each column is read by. */
type RowShape = { proto: object; names: (string | undefined)[] };

function rowShape(columns: string[]): RowShape {
  const proto: Record<string | number, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    Object.defineProperty(proto, i, {
      get(this: RowBase) {
        return this[VALUES][i];
      },
    });
  }
  Object.defineProperty(proto, 'length', { value: columns.length });
  // The first column of a name wins, as in @libsql/client; a name that is an index or `length`
  // keeps its positional meaning, which drizzle's mapping relies on, and `__proto__` is no name.
  const seen = new Set<string>();
  const names = columns.map((name) => {
    if (seen.has(name) || name === 'length' || name === '__proto__' || /^\d+$/.test(name)) return undefined;
    seen.add(name);
    return name;
  });
  return { proto, names };
}

function toRow(values: unknown[], { proto, names }: RowShape): Row {
  const row = Object.create(proto) as Record<string | symbol, unknown>;
  // A symbol key: invisible to Object.keys, JSON and drizzle's name-based reads.
  row[VALUES] = values;
  for (let i = 0; i < values.length; i++) {
    const name = names[i];
    if (name !== undefined) row[name] = values[i];
  }
  return row as unknown as Row;
}

function resultSet(
  columns: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes: columns.map(() => ''),
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({ columns, rows, rowsAffected, lastInsertRowid: lastInsertRowid?.toString() }),
  };
}

/** The drizzle driver types its client as `Client`; this class implements what it calls. */
export const asDrizzleClient = (client: StatementCachingClient) => client as unknown as Client;
