/** The node project's runtime: libsql file databases and the Node entry's keyed crypto. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/database.ts';
import { migrateLibsql, openLibsql } from '../../src/db/libsql.ts';

export { nodeKeyedCrypto as keyedCrypto } from '../../src/node/node-keyed-crypto.ts';
export { nodePassCrypto as passCrypto } from '../../src/node/node-pass-crypto.ts';

export const runtime = 'node' as const;

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/** A fresh, migrated libsql file database per call, in a temporary directory. */
export async function openTestDatabase(): Promise<Database & { close(): void; files: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'zeropass-test-'));
  const path = join(dir, 'zeropass.db');
  await migrateLibsql(path, MIGRATIONS);
  const database = await openLibsql(path);
  return Object.assign(database, { files: [path, `${path}-wal`, `${path}-shm`] });
}
