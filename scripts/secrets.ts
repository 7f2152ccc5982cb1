/**
 * `npm run secrets [-- --dev]`: prints fresh secrets in .dev.vars format, for `.dev.vars`,
 * `wrangler secret put` or a process manager. Nothing is written to disk.
 */
import { generateSecrets } from '../src/secrets.ts';

const dev = process.argv.includes('--dev');
const secrets = await generateSecrets({ devAppleKey: dev });
for (const [name, value] of Object.entries(secrets)) console.log(`${name}=${value}`);
if (dev) console.log('ZP_DEV=1');
