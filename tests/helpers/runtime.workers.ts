/** The workers project's runtime: the D1 binding and WebCrypto, as in `src/worker.ts`. */
import { env } from 'cloudflare:workers';
import { d1Database } from '../../src/db/d1.ts';
import type { Database } from '../../src/db/database.ts';

export { webKeyedCrypto as keyedCrypto } from '../../src/keyed-crypto.ts';
export { webPassCrypto as passCrypto } from '../../src/wallet/apple/pass-crypto.ts';

export const runtime = 'workers' as const;

export async function openTestDatabase(): Promise<Database & { close(): void; files: string[] }> {
  return { ...d1Database(env.DB), close: () => {}, files: [] };
}
