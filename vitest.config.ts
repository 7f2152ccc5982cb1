import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { generateSecrets } from './src/secrets.ts';

process.env.WRANGLER_SEND_METRICS = 'false';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The same test files run in both projects; `#test-runtime` resolves to the project's database
// adapter and keyed crypto (WebCrypto in workerd, node:crypto on Node), as each entry wires them.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(here('./migrations'));
  const workerSecrets = await generateSecrets({ devAppleKey: true });
  return {
    test: {
      projects: [
        {
          resolve: { alias: { '#test-runtime': here('./tests/helpers/runtime.node.ts') } },
          test: {
            name: 'node',
            include: ['tests/**/*.test.ts'],
            exclude: ['tests/**/*.workers.test.ts'],
            environment: 'node',
            globalSetup: [
              here('./tests/helpers/chromium.global.ts'),
              here('./tests/helpers/apple-pki.global.ts'),
            ],
            testTimeout: 20_000,
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: here('./wrangler.toml') },
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, ZP_DEV: '1', ...workerSecrets },
              },
            }),
          ],
          resolve: { alias: { '#test-runtime': here('./tests/helpers/runtime.workers.ts') } },
          test: {
            name: 'workers',
            include: ['tests/**/*.test.ts'],
            exclude: ['tests/**/*.node.test.ts'],
            globalSetup: [
              here('./tests/helpers/apple-pki.global.ts'),
              here('./tests/helpers/pass-oracle.global.ts'),
            ],
            setupFiles: [here('./tests/helpers/apply-migrations.workers.ts')],
            testTimeout: 20_000,
          },
        },
      ],
    },
  };
});
