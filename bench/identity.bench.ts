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
 *
 * Identity tokens are single-use on both servers, so every sign-in sends a token of its own,
 * minted before its phase, and any answer other than 200 fails the run.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { exportJWK, jwtVerify, SignJWT } from 'jose';
import { base64url, generateRs256KeyPair, randomBytes } from '../src/crypto.ts';
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

// Apple's tokens carry the hash of a fresh authorisation code, and zeropass takes each token once
// (identity/apple-token-uses): a random c_hash keeps two tokens minted in one second distinct.
const mint = (sub: string) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    auth_time: now,
    nonce_supported: true,
    c_hash: base64url(randomBytes(16)),
    email: `${sub}@privaterelay.appleid.com`,
    email_verified: 'true',
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
    .setIssuer('https://appleid.apple.com')
    .setAudience(AUD)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(pair.privateKey);
};
const shopper = (i: number) => `000${i % DISTINCT_SHOPPERS}.bench.0001`;

/**
 * One token per sign-in of a phase, minted before it so RSA signing is not in the measured loop,
 * then a collection so the minting's garbage is not charged to the phase either.
 */
async function mintPhase(count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - i) }, (_, j) => mint(shopper(i + j)));
    tokens.push(...(await Promise.all(chunk)));
  }
  if (new Set(tokens).size !== count) throw new Error('minted tokens are not distinct');
  (globalThis as { gc?: () => void }).gc?.();
  return tokens;
}

// Baseline: raw RS256 verification of the same kind of token, in this process, between rounds.
// It is a bare signature check (no replay store), so one fresh token serves every call.
const sample = (await mintPhase(1))[0] ?? '';
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

// Every answer other than 200, by phase and status. Tokens are single-use, so a reused or stale
// one answers a quick 401 instead of doing a sign-in's work: a phase with any failure did not
// measure what its figure claims, and the run fails.
const failures: string[] = [];
/** Each token is sent once; past the last one the body is empty, so it fails (400), never reuses. */
const signIns = async (phase: string, port: number, tokens: string[]) => {
  let next = 0;
  const result = await closedLoop(
    port,
    () => ({
      method: 'POST',
      path: '/v1/auth/apple',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ brand: 'demo', identityToken: tokens[next++] ?? '' }),
    }),
    { connections: CONNECTIONS, seconds: 60, maxRequests: tokens.length },
  );
  const missing = tokens.length - result.completed - result.failed;
  if (result.failed > 0 || missing > 0) {
    const statuses = Object.entries(result.failedStatuses).map(([status, n]) => `${n} × ${status}`);
    if (missing > 0) statuses.push(`${missing} not sent in 60 s`);
    failures.push(`${phase}: ${statuses.join(', ')} of ${tokens.length}`);
  }
  return result;
};
const perSecond = (r: { completed: number; seconds: number }) => r.completed / r.seconds;

// First sign-ins create customers (two durable writes each: the customer row and the sealed relay
// envelope); the rest are returning shoppers, the steady state. Both are reported.
const zeropassPort = Number(new URL(server.url).port);
const firstTimers = await signIns(
  'zeropass first sign-ins',
  zeropassPort,
  await mintPhase(DISTINCT_SHOPPERS),
);
await signIns('floor first sign-ins', floor.info.port, await mintPhase(DISTINCT_SHOPPERS));
for (const [name, port] of [
  ['zeropass', zeropassPort],
  ['floor', floor.info.port],
] as const) {
  await signIns(`${name} warm-up`, port, await mintPhase(WARM_UP_SIGN_INS));
}
// The rounds' tokens, minted now: 42,000 take a while, and minting between rounds would put that
// work (and its garbage) next to the raw rates the rounds are divided by. They expire in 600 s;
// the rounds take well under a minute, and an expired token would answer 401 and be counted.
const roundTokens = await mintPhase(ROUNDS * 2 * SIGN_INS_PER_ROUND);
const roundBatch = (k: number) => roundTokens.slice(k * SIGN_INS_PER_ROUND, (k + 1) * SIGN_INS_PER_ROUND);
await rawVerifications(); // the baseline's own warm-up, discarded
type Round = { signIns: number; raw: number; ratio: number };
const rounds: Record<'zeropass' | 'floor', Round[]> = { zeropass: [], floor: [] };
let rawBefore = await rawVerifications();
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, [name, port]] of (
    [
      ['zeropass', zeropassPort],
      ['floor', floor.info.port],
    ] as const
  ).entries()) {
    const measured = await signIns(`${name} round ${round + 1}`, port, roundBatch(round * 2 + k));
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
  `  the same for the bare stack with the same replay claim (identity-floor-server.ts): ${fmt(stack.ratio, 3)} (range ${stack.range})`,
);
console.log(`  JWKS fetches during the run: ${fetches} (goal 1) ${fetches === 1 ? 'MET' : 'NOT MET'}`);
if (failures.length > 0) {
  console.log('  !!! SIGN-INS ANSWERED OTHER THAN 200: THE FIGURES ABOVE ARE NOT TRUSTWORTHY !!!');
  for (const failure of failures) console.log(`  !!! ${failure}`);
  process.exitCode = 1;
} else {
  console.log('  every sign-in answered 200, each with a token of its own');
}
