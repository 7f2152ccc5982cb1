/**
 * Push fixtures: a brand with a layout asking for the `push` purpose, shoppers who join through it
 * (ticking `push` or not) and subscribe a fake browser over the real routes, and campaigns.
 */
import { expect } from 'vitest';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import type { FakeSubscription } from '../helpers/fake-push-service.ts';
import { PUSH_ORIGIN } from '../helpers/fake-push-service.ts';
import type { TestApp } from '../helpers/test-app.ts';

let shoppers = 0;

export async function pushBrand(t: TestApp, base = 'push') {
  const b = await t.brand(base);
  await createLayout(t, b, { purposes: ['push', 'marketing_sms'] });
  return b;
}

export type PushShopper = SubmissionResponse & { subscription: FakeSubscription; subscriptionId: string };

export async function pushShopper(
  t: TestApp,
  b: Provisioned,
  options: { consent?: boolean; locale?: string; origin?: string } = {},
): Promise<PushShopper> {
  const joined = await submit(t, b, {
    fields: { email: `push${shoppers++}@example.org` },
    consents: { push: options.consent ?? true },
  });
  expect(joined.status, await joined.clone().text()).toBe(201);
  const shopper = (await joined.json()) as SubmissionResponse;
  const subscription = await t.push.subscribe(options.origin ?? PUSH_ORIGIN);
  const res = await t.request('/v1/me/push/subscriptions', {
    method: 'POST',
    token: shopper.accessToken,
    json: { ...subscription, browser: undefined, ...(options.locale ? { locale: options.locale } : {}) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  return { ...shopper, subscription, subscriptionId: id };
}

export async function withdrawPush(t: TestApp, shopper: { accessToken: string }) {
  const res = await t.request('/v1/me/consents/push', {
    method: 'PUT',
    token: shopper.accessToken,
    json: { granted: false },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

export type CampaignView = {
  id: string;
  status: string;
  counts: { targeted: number; sent: number; failed: number; pruned: number; skipped: number };
};

export async function createCampaign(t: TestApp, b: Provisioned, body: Record<string, unknown> = {}) {
  const res = await t.request('/v1/admin/campaigns', {
    method: 'POST',
    token: b.adminKey,
    json: { message: { title: 'Spring sale', body: '20% off this weekend' }, ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as CampaignView;
}

export async function campaign(t: TestApp, b: Provisioned, id: string) {
  const res = await t.request(`/v1/admin/campaigns/${id}`, { token: b.adminKey });
  expect(res.status).toBe(200);
  return (await res.json()) as CampaignView;
}

/** Runs the jobs consumer until nothing due is left (a fan-out enqueues more as it goes). */
export async function drainJobs(t: TestApp) {
  for (let i = 0; i < 20; i++) if ((await t.runJobs()) === 0) return;
}
