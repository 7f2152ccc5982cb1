// Types of the workers test project: the bindings from wrangler.toml and vitest.config.ts,
// and the main module, so `exports.default` is typed as src/worker.ts.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../src/worker.ts');
  }
  interface Env {
    DB: D1Database;
    JOBS_QUEUE: Queue<unknown>;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
