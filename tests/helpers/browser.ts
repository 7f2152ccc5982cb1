/**
 * Launches the Chromium that the node project's global setup found (tests/helpers/chromium.global.ts)
 * through playwright-core, with the flags a closed network needs: without
 * --disable-background-networking Chromium keeps trying to reach Google's hosts.
 */
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
