/**
 * `checkPass(bytes)` in either test project: the Node oracle directly, or through its loopback
 * service from workerd (which cannot run openssl). Throws with the oracle's reason on a bad pass.
 */

import { inject } from 'vitest';
import { runtime } from '#test-runtime';
import type { VerifiedPass } from './pass-oracle.ts';

export async function checkPass(bytes: Uint8Array): Promise<VerifiedPass> {
  if (runtime === 'node') {
    // A variable specifier keeps the workers bundle from following node:child_process.
    const oracle = './pass-oracle.ts';
    const { verifyPass } = (await import(/* @vite-ignore */ oracle)) as typeof import('./pass-oracle.ts');
    return verifyPass(bytes, inject('applePki'));
  }
  const res = await fetch(inject('passOracleUrl'), {
    method: 'POST',
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  const body = (await res.json()) as Omit<VerifiedPass, 'files'> & {
    files: Record<string, string>;
    error?: string;
  };
  if (res.status !== 200) throw new Error(body.error ?? `oracle answered ${res.status}`);
  const files = Object.fromEntries(
    Object.entries(body.files).map(([name, b64]) => [
      name,
      Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
    ]),
  );
  return { ...body, files };
}
