/**
 * Property: for any sequence of earn, convert, redeem and reverse operations on a card, each
 * operation is accepted exactly when a simple model says it should be, the balance equals the
 * sum of the accepted ledger entries, and no entry ever records a negative balance.
 */
import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { randomId } from '../../src/crypto.ts';
import { cards, ledgerEntries } from '../../src/db/schema/index.ts';
import type { Result } from '../../src/errors.ts';
import { findOrCreateByAppleLink } from '../../src/identity/customers.ts';
import { ensureCard } from '../../src/loyalty/cards.ts';
import { claimKey } from '../../src/loyalty/idempotency.ts';
import {
  convertToVoucher,
  earn,
  type LedgerOutcome,
  redeemVoucher,
  reverseEntry,
} from '../../src/loyalty/ledger.ts';
import { createReward } from '../../src/loyalty/rewards.ts';
import { DEFAULT_RULES } from '../../src/loyalty/rules.ts';
import type { Provisioned } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Op =
  | { op: 'earn'; points: number }
  | { op: 'convert'; reward: number }
  | { op: 'redeem'; voucher: number }
  | { op: 'reverse'; earn: number }
  | { op: 'refundRedeem'; redeem: number };

const COSTS = [10, 50, 200];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('earn' as const), points: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ op: fc.constant('convert' as const), reward: fc.integer({ min: 0, max: COSTS.length - 1 }) }),
  fc.record({ op: fc.constant('redeem' as const), voucher: fc.nat({ max: 10 }) }),
  fc.record({ op: fc.constant('reverse' as const), earn: fc.nat({ max: 10 }) }),
  fc.record({ op: fc.constant('refundRedeem' as const), redeem: fc.nat({ max: 5 }) }),
);

describe(`ledger properties (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  let rewardIds: string[];

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('ledger-prop');
    rewardIds = [];
    for (const cost of COSTS) {
      rewardIds.push(
        (await createReward(t.database, b.brand.id, { label: `R${cost}`, costPoints: cost }, Date.now())).id,
      );
    }
  });
  afterAll(() => t.close());

  async function newCard() {
    const { customerId } = await findOrCreateByAppleLink(
      t.database,
      b.brand.id,
      randomId('link'),
      Date.now(),
    );
    return ensureCard(t.database, b.brand.id, customerId, Date.now());
  }

  async function run(cardId: string, op: Op, model: Model): Promise<Result<LedgerOutcome>> {
    const now = Date.now();
    const claimed = await claimKey(t.database, {
      brandId: b.brand.id,
      owner: 'prop',
      key: randomId('k'),
      requestHash: 'h',
      now,
    });
    if (claimed.kind !== 'claimed') throw new Error('fresh key not claimed');
    const ctx = {
      database: t.database,
      brandId: b.brand.id,
      storeId: null,
      deviceId: null,
      claim: claimed.claim,
      now,
    };
    switch (op.op) {
      case 'earn':
        return earn(ctx, {
          cardId,
          points: op.points,
          amountMinor: op.points * 100,
          currency: 'EUR',
          receiptRef: 'P',
        });
      case 'convert':
        return convertToVoucher(ctx, DEFAULT_RULES, { cardId, rewardId: rewardIds[op.reward] ?? '' });
      case 'redeem':
        return redeemVoucher(ctx, {
          cardId,
          voucherId: model.vouchers[op.voucher]?.id ?? 'vch_00000000000000000000000000',
          receiptRef: null,
        });
      case 'reverse':
        return reverseEntry(ctx, { entryId: model.earns[op.earn]?.id ?? 'led_00000000000000000000000000' });
      case 'refundRedeem':
        return reverseEntry(ctx, {
          entryId: model.redeems[op.redeem]?.id ?? 'led_00000000000000000000000000',
        });
    }
  }

  type Model = {
    balance: number;
    earns: { id: string; points: number; reversed: boolean }[];
    vouchers: { id: string; used: boolean }[];
    redeems: { id: string; voucher: number; reversed: boolean }[];
  };

  /** What the model expects to be accepted, and the model after it. */
  function expectAccepted(op: Op, model: Model): boolean {
    switch (op.op) {
      case 'earn':
        return true;
      case 'convert':
        return model.balance >= (COSTS[op.reward] ?? Infinity);
      case 'redeem': {
        const voucher = model.vouchers[op.voucher];
        return voucher !== undefined && !voucher.used;
      }
      case 'reverse': {
        const entry = model.earns[op.earn];
        return entry !== undefined && !entry.reversed && model.balance >= entry.points;
      }
      case 'refundRedeem': {
        const entry = model.redeems[op.redeem];
        return entry !== undefined && !entry.reversed;
      }
    }
  }

  it('balance = sum of accepted entries, never negative, acceptance as modelled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const card = await newCard();
        const model: Model = { balance: 0, earns: [], vouchers: [], redeems: [] };
        for (const op of ops) {
          const expected = expectAccepted(op, model);
          const result = await run(card.id, op, model);
          expect(result.ok, `${JSON.stringify(op)} ${result.ok ? '' : result.error.code}`).toBe(expected);
          if (!result.ok) continue;
          const { entry, voucher } = result.value;
          model.balance += entry.points;
          expect(entry.balanceAfter).toBe(model.balance);
          if (op.op === 'earn') model.earns.push({ id: entry.id, points: entry.points, reversed: false });
          if (op.op === 'convert' && voucher) model.vouchers.push({ id: voucher.id, used: false });
          if (op.op === 'redeem') {
            (model.vouchers[op.voucher] ?? { used: true }).used = true;
            model.redeems.push({ id: entry.id, voucher: op.voucher, reversed: false });
          }
          if (op.op === 'refundRedeem') {
            const redeem = model.redeems[op.redeem];
            if (redeem) {
              redeem.reversed = true;
              (model.vouchers[redeem.voucher] ?? { used: false }).used = false;
            }
          }
          if (op.op === 'reverse') (model.earns[op.earn] ?? { reversed: true }).reversed = true;
        }
        const entries = await t.database.db
          .select()
          .from(ledgerEntries)
          .where(and(eq(ledgerEntries.brandId, b.brand.id), eq(ledgerEntries.cardId, card.id)))
          .orderBy(asc(ledgerEntries.createdAt));
        const [row] = await t.database.db
          .select({ points: cards.points })
          .from(cards)
          .where(and(eq(cards.brandId, b.brand.id), eq(cards.id, card.id)));
        const sum = entries.reduce((total: number, e: { points: number }) => total + e.points, 0);
        expect(row?.points).toBe(sum);
        expect(row?.points).toBe(model.balance);
        for (const e of entries) expect(e.balanceAfter).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runtime === 'workers' ? 20 : 50 },
    );
  });
});
