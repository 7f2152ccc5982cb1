/**
 * Sign in with Apple through HTTP, as a ratio to raw RS256 verifications in the same run.
 * The server is the real Node entry (libsql, logging on) in its own process; Apple's JWKS is a
 * local HTTP server that counts its fetches (goal: 1 for the whole run). Load comes from the lean
 * keep-alive generator of `load.ts`, as in the POS bench: `fetch` spent more CPU per request than
 * the server did, on a machine with two cores.
 */
import { createServer } from 'node:http';
import { exportJWK, jwtVerify, SignJWT } from 'jose';
import { generateRs256KeyPair } from '../src/crypto.ts';
import { fmt, freePort, loopFor, startZeropass } from './lib.ts';
import { closedLoop } from './load.ts';

const SIGN_INS = 6000;
const DISTINCT_SHOPPERS = 500;
const CONNECTIONS = 32;
const AUD = 'com.zeropass.demo';

const pair = await generateRs256KeyPair();
const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };

let jwksFetches = 0;
const jwksPort = await freePort();
const jwks = createServer((_req, res) => {
  jwksFetches++;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=86400' });
  res.end(JSON.stringify({ keys: [jwk] }));
}).listen(jwksPort, '127.0.0.1');

const mint = (sub: string) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: `${sub}@privaterelay.appleid.com`, email_verified: 'true' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
    .setIssuer('https://appleid.apple.com')
    .setAudience(AUD)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(pair.privateKey);
};

const tokens = await Promise.all(
  Array.from({ length: SIGN_INS }, (_, i) => mint(`000${i % DISTINCT_SHOPPERS}.bench.0001`)),
);

// Baseline: raw RS256 verification of the same kind of token, in this process, same run. It is
// measured right before and right after the returning sign-ins and averaged, because these shared
// machines change speed within a minute.
const sample = tokens[0] ?? '';
const rawVerifications = () =>
  loopFor(1500, () =>
    jwtVerify(sample, pair.publicKey, {
      algorithms: ['RS256'],
      audience: AUD,
      issuer: 'https://appleid.apple.com',
    }),
  );

const server = await startZeropass({
  ZP_DEV: '1',
  APPLE_JWKS_URL: `http://127.0.0.1:${jwksPort}/auth/keys`,
  LOG_LEVEL: 'info',
});
const port = Number(new URL(server.url).port);
const signIns = (count: number) => {
  let next = 0;
  return closedLoop(
    port,
    () => ({
      method: 'POST',
      path: '/v1/auth/apple',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ brand: 'demo', identityToken: tokens[next++ % tokens.length] }),
    }),
    { connections: CONNECTIONS, seconds: 60, maxRequests: count },
  );
};
// First sign-ins create customers (two durable writes each: the customer row and the sealed relay
// envelope); the rest are returning shoppers, the steady state. Both are reported.
const firstTimers = await signIns(DISTINCT_SHOPPERS);
const rawBefore = await rawVerifications();
const measured = await signIns(SIGN_INS);
const rawAfter = await rawVerifications();
await server.stop();
jwks.close();

const perSecond = (r: { completed: number; seconds: number }) => r.completed / r.seconds;
const failures = firstTimers.failed + measured.failed;
const rawPerSecond = (rawBefore + rawAfter) / 2;
const ratio = perSecond(measured) / rawPerSecond;
console.log('identity: Sign in with Apple over HTTP (Node, libsql)');
console.log(
  `  raw RS256 verifications/s (baseline): ${fmt(rawPerSecond, 0)} (${fmt(rawBefore, 0)} before, ${fmt(rawAfter, 0)} after)`,
);
console.log(
  `  first sign-ins/s over HTTP (customer created): ${fmt(perSecond(firstTimers), 0)} (${DISTINCT_SHOPPERS})`,
);
console.log(
  `  sign-ins/s over HTTP (returning shoppers): ${fmt(perSecond(measured), 0)} (${SIGN_INS}, ${failures} failed)`,
);
console.log(
  `  ratio sign-ins / raw verifications: ${fmt(ratio, 3)} (goal >= 0.3) ${ratio >= 0.3 ? 'MET' : 'NOT MET'}`,
);
console.log(
  `  JWKS fetches during the run: ${jwksFetches} (goal 1) ${jwksFetches === 1 ? 'MET' : 'NOT MET'}`,
);
if (failures > 0) process.exitCode = 1;
