/**
 * @module loyalty/routes/admin-loyalty
 * `/v1/admin/loyalty/…`: the brand's earning rules, tiers, voucher expiry and rewards catalogue.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { roundingModes, spendCodePolicies } from '../../db/schema/index.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { adminSecurity, IdParam, json, jsonBody, Label } from '../../tenancy/routes/schemas.ts';
import { createReward, listRewards, type Reward, retireReward } from '../rewards.ts';
import { getRules, type LoyaltyRules, putRules } from '../rules.ts';

const common = { tags: ['Admin: loyalty'], security: adminSecurity, middleware: [requireApiKey('admin')] };

const Tier = z.object({
  code: z.string().regex(/^[a-z0-9-]{1,32}$/),
  label: Label,
  threshold: z.number().int().min(0).max(1_000_000_000),
});
const RulesSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
    pointsPerUnit: z
      .number()
      .min(0)
      .max(100)
      .refine((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6, { message: 'at most three decimals' })
      .openapi({ description: 'Points per major currency unit, e.g. 1 per euro', example: 1 }),
    rounding: z.enum(roundingModes),
    voucherTtlDays: z.number().int().min(1).max(3650),
    tiers: z
      .array(Tier)
      .max(10)
      .refine((t) => new Set(t.map((x) => x.code)).size === t.length, {
        message: 'tier codes must be unique',
      }),
    spendCodes: z.enum(spendCodePolicies).default('rotating').openapi({
      description:
        'Which scanned codes let a till spend (convert, redeem): `rotating` (default) only the rotating ZT1 code from the app or Google Wallet; `rotating_or_static` also the wallet pass code ZP1, which a photo of the pass replays',
    }),
  })
  .strict()
  .openapi('LoyaltyRules');
const RewardInput = z
  .object({ label: Label, costPoints: z.number().int().min(1).max(1_000_000_000) })
  .strict()
  .openapi('RewardInput');
const RewardSchema = z
  .object({ id: z.string(), label: z.string(), costPoints: z.number().int(), createdAt: z.string() })
  .openapi('Reward');

const toRules = (r: LoyaltyRules) => ({
  currency: r.currency,
  pointsPerUnit: r.milliPointsPerUnit / 1000,
  rounding: r.rounding,
  voucherTtlDays: r.voucherTtlDays,
  tiers: r.tiers,
  spendCodes: r.spendCodes,
});
export const toReward = (r: Reward) => ({
  id: r.id,
  label: r.label,
  costPoints: r.costPoints,
  createdAt: new Date(r.createdAt).toISOString(),
});

const getRulesRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/loyalty/rules',
  summary: 'Earning rules, tiers and voucher expiry',
  responses: { 200: json(RulesSchema, 'Rules'), ...problemResponses(401, 403) },
});
const putRulesRoute = createRoute({
  ...common,
  method: 'put',
  path: '/v1/admin/loyalty/rules',
  summary: 'Replace the earning rules',
  request: { body: jsonBody(RulesSchema) },
  responses: { 200: json(RulesSchema, 'Rules'), ...problemResponses(400, 401, 403) },
});
const listRewardsRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/loyalty/rewards',
  summary: 'The rewards catalogue',
  responses: {
    200: json(z.object({ data: z.array(RewardSchema) }), 'Rewards'),
    ...problemResponses(401, 403),
  },
});
const createRewardRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/loyalty/rewards',
  summary: 'Add a reward (points → voucher)',
  request: { body: jsonBody(RewardInput) },
  responses: { 201: json(RewardSchema, 'Created'), ...problemResponses(400, 401, 403) },
});
const retireRewardRoute = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/loyalty/rewards/{rewardId}',
  summary: 'Retire a reward; issued vouchers stay valid',
  request: { params: IdParam('rewardId', 'rwd') },
  responses: { 204: { description: 'Retired' }, ...problemResponses(400, 401, 403, 404) },
});

export function registerAdminLoyalty(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRulesRoute, async (c) => {
    return c.json(toRules(await getRules(c.get('deps').database, c.get('apiKey').brandId)), 200);
  });
  app.openapi(putRulesRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const { pointsPerUnit, ...rest } = c.req.valid('json');
    const rules = { ...rest, milliPointsPerUnit: Math.round(pointsPerUnit * 1000) };
    return c.json(toRules(await putRules(deps.database, apiKey.brandId, rules, deps.now())), 200);
  });
  app.openapi(listRewardsRoute, async (c) => {
    const rows = await listRewards(c.get('deps').database, c.get('apiKey').brandId);
    return c.json({ data: rows.map(toReward) }, 200);
  });
  app.openapi(createRewardRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const reward = await createReward(deps.database, apiKey.brandId, c.req.valid('json'), deps.now());
    return c.json(toReward(reward), 201);
  });
  app.openapi(retireRewardRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    if (!(await retireReward(deps.database, apiKey.brandId, c.req.valid('param').rewardId, deps.now()))) {
      throw new AppError('not_found', 'No such reward');
    }
    return c.body(null, 204);
  });
}
