#!/usr/bin/env node
// The npm mirror on our build machines serves only Linux builds of platform-specific packages, so
// `npm install` leaves other platforms' optional binaries out of package-lock.json and `npm ci`
// then rejects the lock. This adds the missing entries as a full registry would write them
// (version, os, cpu, libc, optional): npm skips them on other platforms without fetching.
// Usage: node scripts/complete-lockfile.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = {
  darwin: 'darwin',
  linux: 'linux',
  win32: 'win32',
  windows: 'win32',
  android: 'android',
  freebsd: 'freebsd',
};
const CPU = { x64: 'x64', 64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32' };

function platformOf(name) {
  const match = /-(darwin|linux|win32|windows|android|freebsd)-(x64|64|arm64|arm|ia32)(?:-(musl|gnu))?$/.exec(
    name,
  );
  if (!match) return undefined;
  const [, os, cpu, libc] = match;
  return { os: [OS[os]], cpu: [CPU[cpu]], ...(libc ? { libc: [libc === 'musl' ? 'musl' : 'glibc'] } : {}) };
}

const missing = [];
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`cannot infer the platform of missing optional dependency ${name}`);
    missing.push(name);
    packages[`node_modules/${name}`] = {
      version: range.replace(/^[\^~=]/, ''),
      ...platform,
      license: entry.license,
      optional: true,
    };
  }
}

if (process.argv.includes('--check')) {
  if (missing.length > 0) {
    console.error(`package-lock.json lacks ${missing.join(', ')}: run npm run lock:complete`);
    process.exit(1);
  }
} else if (missing.length > 0) {
  lock.packages = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  );
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`added ${missing.length} platform entries: ${missing.join(', ')}`);
}
