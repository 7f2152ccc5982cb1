/**
 * `npm run consent:verify -- [--brand <slug>] [--db <path>]`: recomputes the consent hash chain
 * of one brand (or every brand) in a Node deployment's libsql database and names the first
 * broken link. Exits 1 if any chain is broken. Read-only. For Workers/D1, use the admin route
 * `GET /v1/admin/consent/verify` (admin or consent:read key).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyChain } from '../src/consent/ledger.ts';
import { openLibsql } from '../src/db/libsql.ts';
import { brands } from '../src/db/schema/index.ts';

const { values } = parseArgs({
  options: {
    brand: { type: 'string' },
    db: { type: 'string', default: join(process.env.ZP_DATA_DIR ?? './data', 'zeropass.db') },
  },
});

const database = await openLibsql(values.db);
try {
  const all = await database.db.select({ id: brands.id, slug: brands.slug }).from(brands);
  const chosen = values.brand ? all.filter((b) => b.slug === values.brand) : all;
  if (values.brand && chosen.length === 0) {
    console.error(`no brand with slug ${values.brand}`);
    process.exitCode = 2;
  }
  for (const brand of chosen) {
    const report = await verifyChain(database, brand.id);
    console.log(JSON.stringify({ brand: brand.slug, ...report }));
    if (!report.valid) process.exitCode = 1;
  }
} finally {
  database.close();
}
