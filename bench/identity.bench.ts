/**
 * Sign in with Apple through HTTP, as a ratio to raw RS256 verifications in the same run.
 * The server is the real Node entry (libsql, logging on) in its own process; Apple's JWKS is a
 * local HTTP server that counts its fetches (goal: 1 for the whole run). Load comes from the lean
 * keep-alive generator of `load.ts`, as in the POS bench: `fetch` spent more CPU per request than
 * the server did, on a machine with two cores.
 *
 * These shared machines change speed from one second to the next (the raw rate alone moved
 * between 7,700/s and 13,300/s within one session), so the comparison is made in rounds: raw
 * verifications, then sign-ins, then raw again, and so on. Each round's ratio divides its
 * sign-ins by the mean of the raw rates measured just before and just after it; the median of
 * the rounds is the figure, and every round is printed.
 *
 * The same rounds also run against `identity-floor-server.ts`, the stack zeropass is built on
 * with no app around it, as the reference for what the goal leaves to the app.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { exportJWK, jwtVerify, SignJWT } from 'jose';
import { generateRs256KeyPair } from '../src/crypto.ts';
import { fmt, freePort, loopFor, median, startChildServer, startZeropass } from './lib.ts';
import { closedLoop } from './load.ts';

const ROUNDS = 7;
// V8 keeps moving the hot path up to its optimizing tier (TurboFan) for about the first 20,000
// requests: measured from a cold start, rounds of 3,000 went from about 2,000 sign-ins/s to a
// plateau of about 4,000/s after the seventh. Throughput is a steady-state figure, so both
// servers warm up first.
const WARM_UP_SIGN_INS = 20_000;
const SIGN_INS_PER_ROUND = 3000;
const DISTINCT_SHOPPERS = 500;
const CONNECTIONS = 32;
const AUD = 'com.zeropass.demo';

const pair = await generateRs256KeyPair();
const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };

// Fetches by zeropass (/auth/keys) and by the floor server (/floor/keys) are counted apart.
const jwksFetches = new Map<string, number>();
const jwksPort = await freePort();
const jwks = createServer((req, res) => {
  jwksFetches.set(req.url ?? '', (jwksFetches.get(req.url ?? '') ?? 0) + 1);
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
  Array.from({ length: SIGN_INS_PER_ROUND }, (_, i) => mint(`000${i % DISTINCT_SHOPPERS}.bench.0001`)),
);

// Baseline: raw RS256 verification of the same kind of token, in this process, between rounds.
const sample = tokens[0] ?? '';
const rawVerifications = () =>
  loopFor(1000, () =>
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
const floor = await startChildServer<{ port: number }>(
  fileURLToPath(new URL('./identity-floor-server.ts', import.meta.url)),
  [`http://127.0.0.1:${jwksPort}/floor/keys`, AUD],
);
const signIns = (port: number, count: number) => {
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
const perSecond = (r: { completed: number; seconds: number }) => r.completed / r.seconds;

// First sign-ins create customers (two durable writes each: the customer row and the sealed relay
// envelope); the rest are returning shoppers, the steady state. Both are reported.
const zeropassPort = Number(new URL(server.url).port);
const firstTimers = await signIns(zeropassPort, DISTINCT_SHOPPERS);
await signIns(floor.info.port, DISTINCT_SHOPPERS);
for (const port of [zeropassPort, floor.info.port]) await signIns(port, WARM_UP_SIGN_INS);
await rawVerifications(); // the baseline's own warm-up, discarded
let failures = firstTimers.failed;
type Round = { signIns: number; raw: number; ratio: number };
const rounds: Record<'zeropass' | 'floor', Round[]> = { zeropass: [], floor: [] };
let rawBefore = await rawVerifications();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, port] of [
    ['zeropass', zeropassPort],
    ['floor', floor.info.port],
  ] as const) {
    const measured = await signIns(port, SIGN_INS_PER_ROUND);
    failures += measured.failed;
    const rawAfter = await rawVerifications();
    const raw = (rawBefore + rawAfter) / 2;
    rounds[name].push({ signIns: perSecond(measured), raw, ratio: perSecond(measured) / raw });
    rawBefore = rawAfter;
  }
}
await server.stop();
await floor.stop();
jwks.close();

const summary = (name: 'zeropass' | 'floor') => {
  const ratios = rounds[name].map((r) => r.ratio);
  return { ratio: median(ratios), range: `${fmt(Math.min(...ratios), 3)}–${fmt(Math.max(...ratios), 3)}` };
};
const zeropass = summary('zeropass');
const stack = summary('floor');
const fetches = jwksFetches.get('/auth/keys') ?? 0;
console.log('identity: Sign in with Apple over HTTP (Node, libsql)');
console.log(
  `  first sign-ins/s over HTTP (customer created): ${fmt(perSecond(firstTimers), 0)} (${DISTINCT_SHOPPERS})`,
);
console.log(
  `  returning sign-ins, ${ROUNDS} rounds of ${SIGN_INS_PER_ROUND}, each against raw RS256 around it:`,
);
for (let i = 0; i < ROUNDS; i++) {
  const line = (['zeropass', 'floor'] as const).map((name) => {
    const r = rounds[name][i];
    return r ? `${name} ${fmt(r.signIns, 0)}/s ÷ ${fmt(r.raw, 0)} raw/s = ${fmt(r.ratio, 3)}` : '';
  });
  console.log(`    round ${i + 1}: ${line.join('; ')}`);
}
console.log(
  `  ratio sign-ins / raw verifications, median of ${ROUNDS}: ${fmt(zeropass.ratio, 3)} (range ${zeropass.range}; goal >= 0.3) ${zeropass.ratio >= 0.3 ? 'MET' : 'NOT MET'}`,
);
console.log(
  `  the same for the bare stack (identity-floor-server.ts): ${fmt(stack.ratio, 3)} (range ${stack.range})`,
);
console.log(`  JWKS fetches during the run: ${fetches} (goal 1) ${fetches === 1 ? 'MET' : 'NOT MET'}`);
if (failures > 0) {
  console.log(`  ${failures} sign-ins failed: figures are not trustworthy`);
  process.exitCode = 1;
}
