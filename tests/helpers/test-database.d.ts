declare module '#test-database' {
  import type { Database } from '../../src/db/database.ts';
  export const runtime: 'node' | 'workers';
  export function openTestDatabase(): Promise<Database & { close(): void; files: string[] }>;
}
