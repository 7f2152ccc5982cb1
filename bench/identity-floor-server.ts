/**
 * Child process of bench/identity.bench.ts: the least a returning sign-in can do on the stack the
 * Node entry is built from (@hono/node-server, an @hono/zod-openapi route, jose against a remote
 * JWKS, an HMAC link, one drizzle read over libsql, an ES256 session signed with node:crypto),
 * with nothing around it: no logs, request ids, security headers, body limit, brand lookup or
 * nonce. Like the real route for a returning shopper, it takes each identity token once (the same
 * conditional insert into apple_token_uses, keyed by SHA-256 of the decoded signature; a replay
 * answers 401) and answers a customer ID and a fresh ES256 session, so the bench can show how much
 * of the goal the stack itself leaves. Prints one JSON line with its port.
 * Usage: node bench/identity-floor-server.ts <jwks url> <audience>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { base64url, hex, randomBytes, utf8 } from '../src/crypto.ts';
import { migrateLibsql, openLibsql } from '../src/db/libsql.ts';
import { appleTokenUses, customers } from '../src/db/schema/index.ts';
import { appleTokenId } from '../src/identity/apple-token-uses.ts';
import { CLOCK_TOLERANCE_SECONDS } from '../src/identity/apple-verifier.ts';
import { nodeKeyedCrypto } from '../src/node/node-keyed-crypto.ts';
import { generateSecrets } from '../src/secrets.ts';
import { provisionBrand } from '../src/tenancy/provision.ts';

const [jwksUrl = '', audience = ''] = process.argv.slice(2);
const SHOPPERS = 500;

const dir = mkdtempSync(join(tmpdir(), 'zeropass-floor-'));
const path = join(dir, 'floor.db');
await migrateLibsql(path, fileURLToPath(new URL('../migrations', import.meta.url)));
const database = await openLibsql(path);
const { brand } = await provisionBrand(
  database,
  { slug: 'demo', label: 'Floor', appleClientIds: [audience] },
  Date.now(),
);
const pepper = await nodeKeyedCrypto.hmacSha256(randomBytes(32));
const link = async (sub: string) => hex(await pepper(`${brand.id}\u0000${sub}`));
for (let i = 0; i < SHOPPERS; i++) {
  await database.db
    .insert(customers)
    .values({ id: `cus_floor${i}`, brandId: brand.id, appleLink: await link(`000${i}.bench.0001`) });
}
const byLink = database.db
  .select()
  .from(customers)
  .where(
    and(eq(customers.brandId, sql.placeholder('brandId')), eq(customers.appleLink, sql.placeholder('link'))),
  )
  .limit(1)
  .prepare();
// The app's replay claim (identity/apple-token-uses), prepared: one write per sign-in, as there.
const claim = database.db
  .insert(appleTokenUses)
  .values({
    tokenHash: sql.placeholder('tokenHash'),
    brandId: sql.placeholder('brandId'),
    expiresAt: sql.placeholder('expiresAt'),
  })
  .onConflictDoNothing({ target: appleTokenUses.tokenHash })
  .returning({ tokenHash: appleTokenUses.tokenHash })
  .prepare();

const sign = await nodeKeyedCrypto.es256(
  JSON.parse((await generateSecrets({ devAppleKey: false })).ZP_SESSION_KEY),
);
const header = base64url(utf8(JSON.stringify({ alg: 'ES256', typ: 'JWT' })));
const appleKeys = createRemoteJWKSet(new URL(jwksUrl));

const signIn = createRoute({
  method: 'post',
  path: '/v1/auth/apple',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ brand: z.string().min(1).max(64), identityToken: z.string().min(1).max(8192) }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'A session',
      content: {
        'application/json': { schema: z.object({ customerId: z.string(), accessToken: z.string() }) },
      },
    },
    401: {
      description: 'The identity token was already used',
      content: { 'application/json': { schema: z.object({ error: z.string() }) } },
    },
  },
});

const app = new OpenAPIHono();
app.openapi(signIn, async (c) => {
  const token = c.req.valid('json').identityToken;
  const { payload } = await jwtVerify(token, appleKeys, {
    algorithms: ['RS256'],
    issuer: 'https://appleid.apple.com',
    audience,
  });
  const claimed = await claim.all({
    tokenHash: await appleTokenId(token),
    brandId: brand.id,
    expiresAt: ((payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000,
  });
  if (claimed.length !== 1) return c.json({ error: 'identity token already used' }, 401);
  const [customer] = await byLink.all({ brandId: brand.id, link: await link(String(payload.sub)) });
  if (!customer) throw new Error('the floor server only knows returning shoppers');
  const iat = Math.floor(Date.now() / 1000);
  const claims = { sub: customer.id, brd: brand.id, iat, exp: iat + 900 };
  const input = `${header}.${base64url(utf8(JSON.stringify(claims)))}`;
  const accessToken = `${input}.${base64url(await sign(utf8(input)))}`;
  return c.json({ customerId: customer.id, accessToken }, 200);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.on('SIGTERM', () =>
  server.close(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }),
);
