/**
 * Global setup of the workers project: the pass oracle (pass-oracle.ts) behind a loopback HTTP
 * service, since workerd cannot run openssl. `POST /verify` with the pass as the body answers
 * 200 and the verified pass (files as base64), or 422 `{error}`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { makeApplePki } from './apple-pki.global.ts';
import { verifyPass } from './pass-oracle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    passOracleUrl: string;
  }
}

let server: Server | undefined;

export async function setup(project: TestProject) {
  // The PKI setup of this project runs first (vitest.config order) and provides it.
  const pki = (project.getProvidedContext() as { applePki?: ReturnType<typeof makeApplePki> }).applePki;
  if (!pki) throw new Error('apple-pki.global.ts must run before pass-oracle.global.ts');
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      verifyPass(new Uint8Array(Buffer.concat(chunks)), pki).then(
        (verified) => {
          const files = Object.fromEntries(
            Object.entries(verified.files).map(([name, data]) => [
              name,
              Buffer.from(data).toString('base64'),
            ]),
          );
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ...verified, files }));
        },
        (error: unknown) => {
          res
            .writeHead(422, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: String(error) }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  project.provide('passOracleUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`);
}

export async function teardown() {
  await new Promise((resolve) => server?.close(resolve));
}
