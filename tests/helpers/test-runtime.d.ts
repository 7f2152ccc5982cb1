declare module '#test-runtime' {
  import type { Database } from '../../src/db/database.ts';
  import type { KeyedCrypto } from '../../src/keyed-crypto.ts';
  import type { PassCrypto } from '../../src/wallet/apple/pass-crypto.ts';
  export const runtime: 'node' | 'workers';
  export const keyedCrypto: KeyedCrypto;
  export const passCrypto: PassCrypto;
  export function openTestDatabase(): Promise<Database & { close(): void; files: string[] }>;
}
