/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after the other (the
 * machines are shared; parallel benches would measure each other).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
let failed = false;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  process.stdout.write(`\n# ${file}\n`);
  const run = spawnSync(process.execPath, [`${dir}${file}`], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
