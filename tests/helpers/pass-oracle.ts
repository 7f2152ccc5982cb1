/**
 * An oracle for .pkpass files that shares no code with src/: fflate unzips, node:crypto hashes,
 * openssl verifies the CMS signature against the test root and prints its structure, and
 * passkit-generator reads the pass back. Node only: workers tests reach it through the small
 * HTTP service in pass-oracle.global.ts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { PKPass } from 'passkit-generator';
import type { ApplePki } from './apple-pki.global.ts';

const run = promisify(execFile);

export type VerifiedPass = {
  files: Record<string, Uint8Array>;
  passJson: Record<string, unknown>;
  manifest: Record<string, string>;
  certificateSubjects: string[];
  signingTime: string;
  languages: string[];
};

function fail(message: string): never {
  throw new Error(`pkpass rejected: ${message}`);
}

async function openssl(dir: string, ...args: string[]): Promise<string> {
  try {
    return (await run('openssl', args, { cwd: dir })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return fail(`openssl ${args[0]} ${args[1]}: ${stderr.trim().split('\n')[0]}`);
  }
}

export async function verifyPass(bytes: Uint8Array, pki: ApplePki): Promise<VerifiedPass> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    return fail(`not a zip archive (${String(error)})`);
  }
  for (const name of Object.keys(files)) {
    if (name.startsWith('/') || name.split('/').includes('..') || name.endsWith('/'))
      fail(`bad entry ${name}`);
  }
  const { 'pass.json': pass, 'manifest.json': manifestBytes, signature } = files;
  if (!pass || !manifestBytes || !signature) return fail('pass.json, manifest.json or signature missing');
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Record<string, string>;
  for (const [name, data] of Object.entries(files)) {
    if (name === 'manifest.json' || name === 'signature') continue;
    const sha1 = createHash('sha1').update(data).digest('hex');
    if (manifest[name] !== sha1) fail(`manifest hash of ${name} is ${manifest[name]}, the file's is ${sha1}`);
  }
  for (const name of Object.keys(manifest)) if (!files[name]) fail(`manifest lists missing ${name}`);

  const dir = await mkdtemp(join(tmpdir(), 'zp-pass-oracle-'));
  try {
    await writeFile(join(dir, 'signature'), signature);
    await writeFile(join(dir, 'manifest.json'), manifestBytes);
    await writeFile(join(dir, 'root.pem'), pki.rootPem);
    // The WWDR intermediate must come from inside the signature: it is not given here.
    await openssl(
      dir,
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'signature',
      '-content',
      'manifest.json',
      '-CAfile',
      'root.pem',
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    const certs = await openssl(dir, 'pkcs7', '-inform', 'DER', '-in', 'signature', '-print_certs', '-noout');
    const certificateSubjects = [...certs.matchAll(/^subject=(.*)$/gm)].map((m) => m[1] ?? '');
    const structure = await openssl(dir, 'cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'signature');
    if (!/eContent: <ABSENT>/.test(structure)) fail('the signature is not detached');
    for (const attribute of ['contentType', 'signingTime', 'messageDigest']) {
      if (!structure.includes(`object: ${attribute}`)) fail(`no ${attribute} signed attribute`);
    }
    const signingTime = /UTCTIME:(.*)/.exec(structure)?.[1]?.trim() ?? fail('no signing time');
    const passJson = JSON.parse(new TextDecoder().decode(pass)) as Record<string, unknown>;
    const uid = /UID\s*=\s*([^,]+)/.exec(certificateSubjects[0] ?? '')?.[1]?.trim();
    const ou = /OU\s*=\s*([^,]+)/.exec(certificateSubjects[0] ?? '')?.[1]?.trim();
    if (passJson.formatVersion !== 1) fail('formatVersion is not 1');
    if (passJson.passTypeIdentifier !== uid) fail(`passTypeIdentifier is not the certificate's UID (${uid})`);
    if (passJson.teamIdentifier !== ou) fail(`teamIdentifier is not the certificate's OU (${ou})`);

    const buffers = Object.fromEntries(
      Object.entries(files)
        .filter(([name]) => name !== 'manifest.json' && name !== 'signature')
        .map(([name, data]) => [name, Buffer.from(data)]),
    );
    const readBack = new PKPass(buffers, {
      wwdr: pki.wwdrPem,
      signerCert: pki.brand.certificatePem,
      signerKey: pki.brand.privateKeyPem,
    });
    if (readBack.type !== 'storeCard') fail(`passkit-generator reads type ${String(readBack.type)}`);
    if (readBack.getAsBuffer().length === 0) fail('passkit-generator could not rebuild it');
    return { files, passJson, manifest, certificateSubjects, signingTime, languages: readBack.languages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
