declare module '#test-runtime' {
  import type { Database } from '../../src/db/database.ts';
  import type { KeyedCrypto } from '../../src/keyed-crypto.ts';
  export const runtime: 'node' | 'workers';
  export const keyedCrypto: KeyedCrypto;
  export function openTestDatabase(): Promise<Database & { close(): void; files: string[] }>;
}
