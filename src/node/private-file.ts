/**
 * @module node/private-file
 * Writes a JSON file only its owner can read (mode 0600, also when it already existed with a
 * looser mode): the dev data dir's secrets and credentials.
 */
import { chmod, writeFile } from 'node:fs/promises';

export async function writePrivateJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}
