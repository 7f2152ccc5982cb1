import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type LoyaltyRules, pointsFor, tierFor } from '../../src/loyalty/rules.ts';

const rules = (patch: Partial<LoyaltyRules>): LoyaltyRules => ({ ...DEFAULT_RULES, ...patch });

describe('earning rules', () => {
  it('respects the currency’s minor units', () => {
    expect(pointsFor(rules({ currency: 'JPY' }), 1500, 'JPY')).toEqual({ ok: true, value: 1500 });
    expect(pointsFor(rules({ currency: 'KWD' }), 1500, 'KWD')).toEqual({ ok: true, value: 1 });
    expect(pointsFor(rules({}), 1500, 'EUR')).toEqual({ ok: true, value: 15 });
  });

  it('refuses another currency and out-of-range amounts', () => {
    expect(pointsFor(rules({}), 100, 'USD').ok).toBe(false);
    expect(pointsFor(rules({}), -1, 'EUR').ok).toBe(false);
    expect(pointsFor(rules({}), 1e12, 'EUR').ok).toBe(false);
  });

  it('floor ≤ round ≤ ceil, within one point, and exact on whole amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 100_000 }), (amount, milli) => {
        const at = (rounding: LoyaltyRules['rounding']) => {
          const r = pointsFor(rules({ milliPointsPerUnit: milli, rounding }), amount, 'EUR');
          if (!r.ok) throw r.error;
          return r.value;
        };
        const [floor, round, ceil] = [at('floor'), at('round'), at('ceil')];
        expect(floor).toBeLessThanOrEqual(round);
        expect(round).toBeLessThanOrEqual(ceil);
        expect(ceil - floor).toBeLessThanOrEqual(1);
        expect(floor).toBe(Math.floor((amount * milli) / 100_000));
      }),
    );
  });

  it('picks the highest tier reached', () => {
    const tiers = [
      { code: 'silver', label: 'Silver', threshold: 100 },
      { code: 'gold', label: 'Gold', threshold: 500 },
    ];
    expect(tierFor(rules({ tiers }), 99)).toBeNull();
    expect(tierFor(rules({ tiers }), 100)?.code).toBe('silver');
    expect(tierFor(rules({ tiers }), 10_000)?.code).toBe('gold');
  });
});
