/**
 * `npm run brand:create -- <slug> <apple-client-id> [label]`: provisions a brand on the Node
 * database (ZP_DATA_DIR, default ./data) with a store, a device, an admin key and a POS key, and
 * prints the keys once. The keys are never stored in clear, so there is no way to print them later.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateLibsql, openLibsql } from '../src/db/libsql.ts';
import { nodeSettingsSchema } from '../src/env.ts';
import { provisionBrand } from '../src/tenancy/provision.ts';

const [slug, clientId, label] = process.argv.slice(2);
if (!slug || !clientId) {
  console.error('usage: npm run brand:create -- <slug> <apple-client-id> [label]');
  process.exit(2);
}
const settings = nodeSettingsSchema.parse(process.env);
const path = join(settings.ZP_DATA_DIR, 'zeropass.db');
await migrateLibsql(path, fileURLToPath(new URL('../migrations', import.meta.url)));
const database = await openLibsql(path);
try {
  const made = await provisionBrand(
    database,
    { slug, label: label ?? slug, appleClientIds: [clientId] },
    Date.now(),
  );
  console.log(
    JSON.stringify(
      {
        brand: made.brand.slug,
        storeId: made.store.id,
        deviceId: made.device.id,
        adminKey: made.adminKey,
        posKey: made.posKey,
      },
      null,
      2,
    ),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  database.close();
}
