/**
 * Restart, on the real Node process (`node src/node.ts`): shoppers sign in while the fake
 * Salesforce (a local HTTP server) is down; the process is killed with SIGKILL while a delivery
 * is in flight; a new process on the same data directory finishes the job once the CRM is back.
 * Every contact arrives, none is created twice, and while the CRM was down the data directory and
 * the process output held no contact data in clear.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSalesforce } from '../helpers/fake-salesforce.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOPPERS = 8;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('relay across a restart of the Node process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zeropass-restart-'));
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  let sf: FakeSalesforce;
  let server: ReturnType<typeof serve>;
  let port: number;
  let output = '';
  let child: ChildProcess | undefined;
  const customerIds: string[] = [];
  let haystackWhileDown = '';

  const start = async () => {
    const proc = spawn(process.execPath, ['src/node.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ZP_DEV: '1',
        ZP_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ZP_JOBS_POLL_MS: '50',
        ZP_JOBS_LEASE_SECONDS: '1',
        // The fake CRM listens on loopback, which the SSRF guard refuses unless allowlisted.
        ZP_CONNECTOR_ALLOW_HOSTS: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      15_000,
      'the server',
    );
    return proc;
  };
  const api = (path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${port}${path}`, init);
  const post = (path: string, body: unknown, token?: string) =>
    api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = serve({ fetch: (request) => sf.handle(request), port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const address = server.address();
    sf = new FakeSalesforce(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
    port = await freePort();

    child = await start();
    const credentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
      adminKey: string;
    };
    const connector = await post(
      '/v1/admin/connectors',
      {
        type: 'salesforce',
        label: 'crm',
        config: {
          authFlow: 'client_credentials',
          loginUrl: sf.baseUrl,
          clientId: sf.clientId,
          clientSecret: sf.clientSecret,
          timeoutMs: 20_000,
        },
      },
      credentials.adminKey,
    );
    expect(connector.status).toBe(201);
    for (let i = 0; i < SHOPPERS; i++) {
      const email = `${canary}.${i}@privaterelay.appleid.com`;
      const name = { firstName: `First${canary}`, lastName: `Last${i}` };
      const minted = (await (
        await post('/dev/apple/token', { sub: `sub-${canary}-${i}`, email, name })
      ).json()) as {
        identityToken: string;
      };
      const signedIn = await post('/v1/auth/apple', {
        brand: 'demo',
        identityToken: minted.identityToken,
        user: { name },
      });
      expect(signedIn.status).toBe(200);
      customerIds.push(((await signedIn.json()) as { customerId: string }).customerId);
    }
    await until(() => sf.apiCalls.length >= 2, 15_000, 'failed deliveries');

    // While the CRM is down: the data directory and the output hold no contact data in clear.
    for (const file of readdirSync(dataDir)) {
      if (file.startsWith('zeropass.db'))
        haystackWhileDown += readFileSync(join(dataDir, file)).toString('latin1');
    }
    haystackWhileDown += output;

    // The CRM comes back slowly; the process dies while a delivery is in flight.
    sf.latencyMs = 1_500;
    sf.outage = undefined;
    await until(() => sf.inFlight > 0, 20_000, 'a delivery in flight');
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    sf.latencyMs = 0;
    child = await start();
    await until(() => sf.records('Contact').length >= SHOPPERS, 30_000, 'every contact');
    // Give a duplicate a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 500));
  }, 90_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => server.close(r));
  });

  it('the data directory held the database while the CRM was down', () => {
    expect(existsSync(join(dataDir, 'zeropass.db'))).toBe(true);
    expect(haystackWhileDown).toMatch(/relay\.deliver.{0,200}"ciphertext":"[\w-]{40,}"/s);
  });

  it('held no canary in clear while the CRM was down', () => {
    expect(haystackWhileDown).not.toContain(canary);
  });

  it('every contact arrived, none was created twice', () => {
    const keys = sf.records('Contact').map((c) => c.Zeropass_Customer_Id__c as string);
    expect([...keys].sort()).toEqual([...customerIds].sort());
    for (const id of customerIds) expect(sf.createdCount('Contact', id)).toBe(1);
    expect(sf.records('Contact').every((c) => String(c.Email).startsWith(canary))).toBe(true);
  });

  it('the outbox is empty afterwards', async () => {
    const { createClient } = await import('@libsql/client');
    const db = createClient({ url: `file:${join(dataDir, 'zeropass.db')}` });
    const rows = await db.execute('select count(*) as n from jobs');
    db.close();
    expect(Number(rows.rows[0]?.n)).toBe(0);
  });
});
