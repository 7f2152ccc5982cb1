import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Letter = { id: string; kind: string; attempts: number; lastError: string };

describe('/v1/admin/jobs/dead-letters', () => {
  let t: TestApp;
  let a: Provisioned;
  let other: Provisioned;
  const pushToken = 'cd'.repeat(32);
  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('jdl');
    other = await t.brand('jdl-other');
    const { identity } = await setUpApplePass(t, a, { apnsToken: true });
    const shopper = await shopperWithCard(t, a);
    const pass = passJsonOf(await myApplePass(t, shopper.accessToken));
    const res = await t.request(
      `/wallet/apple/v1/devices/jdldevice/registrations/${identity.passTypeId}/${pass.serialNumber}`,
      {
        method: 'POST',
        headers: { authorization: `ApplePass ${pass.authenticationToken}` },
        json: { pushToken },
      },
    );
    expect(res.status).toBe(201);
    // A refusal retrying cannot fix: the push job dies at once.
    t.apns.answerFor(pushToken, { status: 400, reason: 'TopicDisallowed' });
    await earnOk(t, a, shopper.cardId, 1000);
    await t.runJobs();
  });
  afterAll(() => t.close());

  const list = async (b: Provisioned) => {
    const res = await t.request('/v1/admin/jobs/dead-letters', { token: b.adminKey });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: Letter[] }).data;
  };

  it('lists a dead push with its error to its brand only, and runs it again on retry', async () => {
    const [letter, ...rest] = await list(a);
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ kind: 'wallet.apple.push', attempts: 1 });
    expect(letter?.lastError).toContain('TopicDisallowed');
    expect(JSON.stringify(letter)).not.toContain(pushToken);
    expect(await list(other)).toEqual([]);
    const id = letter?.id ?? '';
    const foreign = await t.request(`/v1/admin/jobs/dead-letters/${id}/retry`, {
      method: 'POST',
      token: other.adminKey,
    });
    expect(foreign.status).toBe(404);

    t.apns.answerFor(pushToken, 200);
    const retried = await t.request(`/v1/admin/jobs/dead-letters/${id}/retry`, {
      method: 'POST',
      token: a.adminKey,
    });
    expect(retried.status).toBe(202);
    await t.runJobs();
    expect(t.apns.pushes.filter((p) => p.deviceToken === pushToken && p.status === 200)).toHaveLength(1);
    expect(await list(a)).toEqual([]);
  });

  it('discards, and answers 404, 400 and 403 where it should', async () => {
    t.apns.answerFor(pushToken, { status: 400, reason: 'TopicDisallowed' });
    const shopperCard = (await t.database.db.query.applePasses.findFirst())?.cardId ?? '';
    await earnOk(t, a, shopperCard, 1000);
    await t.runJobs();
    const [letter] = await list(a);
    const path = `/v1/admin/jobs/dead-letters/${letter?.id}`;
    expect((await t.request(path, { method: 'DELETE', token: other.adminKey })).status).toBe(404);
    expect((await t.request(path, { method: 'DELETE', token: a.posKey })).status).toBe(403);
    expect((await t.request(path, { method: 'DELETE', token: a.adminKey })).status).toBe(204);
    expect((await t.request(path, { method: 'DELETE', token: a.adminKey })).status).toBe(404);
    expect(
      (await t.request('/v1/admin/jobs/dead-letters/nope', { method: 'DELETE', token: a.adminKey })).status,
    ).toBe(400);
    expect(await list(a)).toEqual([]);
  });
});
