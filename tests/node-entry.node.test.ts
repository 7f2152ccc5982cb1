/**
 * The real Node entry, as `npm start` runs it: an empty data dir gets dev signing material, a
 * migrated database and a demo brand; the server answers; SIGTERM shuts it down cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/lib.ts';
import { HARDENING } from '../src/http/security-headers.ts';

const ENTRY = fileURLToPath(new URL('../src/node.ts', import.meta.url));

describe('Node entry (npm start)', () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;
  let output = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'zeropass-entry-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = { PATH: process.env.PATH ?? '', ZP_DEV: '1', ZP_DATA_DIR: dataDir, PORT: String(port) };
    child = spawn(process.execPath, [ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    for (let i = 0; i < 100 && !output.includes('listening'); i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('creates the demo brand and says where its credentials are', () => {
    const path = join(dataDir, 'demo-credentials.json');
    expect(output).toContain(path);
    const credentials = JSON.parse(readFileSync(path, 'utf8'));
    expect(credentials).toMatchObject({ brand: 'demo', appleClientId: 'com.zeropass.demo' });
    expect(credentials.adminKey).toMatch(/^zpk_admin_/);
    expect(credentials.posKey).toMatch(/^zpk_pos_/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(credentials.devSigningMaterial).mode & 0o777).toBe(0o600);
  });

  it('seeds what the shopper demo needs and serves /demo', async () => {
    expect(output).toContain('demo brand: added join layout, Apple pass template, Google Wallet issuer');
    expect(statSync(join(dataDir, 'dev-apple-pki.json')).mode & 0o777).toBe(0o600);
    const page = await fetch(`${url}/demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${url}/v1/layouts/demo/join`)).status).toBe(200);
  });

  it('serves /healthz, /docs and /openapi.json', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', database: 'libsql' });
    expect((await fetch(`${url}/docs`)).headers.get('content-type')).toContain('text/html');
    expect(((await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe(
      '3.1.0',
    );
  });

  it('sends each hardening header once, and the request id, on JSON, problem and HTML responses', async () => {
    for (const path of ['/healthz', '/v1/nothing-here', '/docs']) {
      const res = await fetch(`${url}${path}`);
      // A header sent twice would read back as "value, value".
      for (const [name, value] of HARDENING) expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('x-request-id'), path).toMatch(/^req_[a-z0-9]+$/);
    }
    const echoed = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-12345678' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-12345678');
  });

  it('lets the demo admin key and a dev-minted shopper token through', async () => {
    const { adminKey } = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    expect(
      (await fetch(`${url}/v1/admin/stores`, { headers: { authorization: `Bearer ${adminKey}` } })).status,
    ).toBe(200);
    const minted = await fetch(`${url}/dev/apple/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'entry-test', email: 'entry@privaterelay.appleid.com' }),
    });
    const { identityToken } = (await minted.json()) as { identityToken: string };
    const signIn = await fetch(`${url}/v1/auth/apple`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ brand: 'demo', identityToken }),
    });
    expect(signIn.status).toBe(200);
  });

  it('logs JSON lines without the credentials it handled', () => {
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const { adminKey } = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    expect(output).not.toContain(adminKey);
    expect(output).not.toContain('entry@privaterelay.appleid.com');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
  });
});
