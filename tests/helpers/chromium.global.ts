/**
 * Global setup of the node test project: finds a Chromium for the browser tests once, before any
 * test file runs. Debian's `chromium` where it is installed (CI installs it), else the build that
 * the `@sparticuz/chromium` devDependency ships inside its npm package, unpacked here once (two
 * test files unpacking it at the same time would race). `ZP_TEST_CHROMIUM` overrides both.
 */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export async function setup(project: TestProject) {
  let path = process.env.ZP_TEST_CHROMIUM;
  if (!path && existsSync('/usr/bin/chromium')) path = '/usr/bin/chromium';
  if (!path) {
    const { default: bundled } = await import('@sparticuz/chromium');
    path = await bundled.executablePath();
  }
  project.provide('chromiumPath', path);
}
