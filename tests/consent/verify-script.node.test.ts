import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned, submit } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const run = promisify(execFile);

describe('npm run consent:verify', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('script');
    await createLayout(t, b);
    for (let i = 0; i < 2; i++)
      await submit(t, b, {
        fields: { email: `s${i}@example.org` },
        consents: { marketing_sms: true, profiling: true },
      });
  });
  afterAll(() => t.close());

  const verify = async () => {
    try {
      const { stdout } = await run(process.execPath, [
        'scripts/verify-consent.ts',
        '--brand',
        b.brand.slug,
        '--db',
        t.database.files[0] ?? '',
      ]);
      return { code: 0, report: JSON.parse(stdout) };
    } catch (error) {
      const e = error as { code: number; stdout: string };
      return { code: e.code, report: JSON.parse(e.stdout) };
    }
  };

  it('reports a valid chain and exits 0', async () => {
    const { code, report } = await verify();
    expect(code).toBe(0);
    expect(report).toMatchObject({ brand: b.brand.slug, valid: true, events: 4 });
  });

  it('names the tampered row and exits 1', async () => {
    const [row] = await t.database.db.all<{ id: string }>(
      sql`select id from consent_events where brand_id = ${b.brand.id} and seq = 2`,
    );
    await t.database.db.run(
      sql`update consent_events set notice_version = 'sha256:forged' where id = ${row?.id ?? ''}`,
    );
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.firstBroken).toMatchObject({ seq: 2, eventId: row?.id });
  });
});
