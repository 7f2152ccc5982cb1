import { describe, expect, it } from 'vitest';
import { keyedCrypto } from '#test-runtime';
import { randomBytes, randomId } from '../../src/crypto.ts';
import { base32, CardCodes, hotp } from '../../src/pos/card-codes.ts';

const cardId = randomId('crd');

describe('card codes (pure: no storage involved)', () => {
  it('computes RFC 6238 SHA-1 test vectors', async () => {
    const secret = new TextEncoder().encode('12345678901234567890');
    // RFC 6238 appendix B: T = 59 s → 94287082; T = 1111111109 s → 07081804.
    expect(await hotp(secret, Math.floor(59 / 30))).toBe('94287082');
    expect(await hotp(secret, Math.floor(1111111109 / 30))).toBe('07081804');
    expect(await hotp(secret, Math.floor(20000000000 / 30))).toBe('65353130');
  });

  it('encodes base32 as RFC 4648 does', () => {
    expect(base32(new TextEncoder().encode('foobar'))).toBe('MZXW6YTBOI');
  });

  it('accepts its own static code and rejects every single-character change', async () => {
    const codes = await CardCodes.fromPepper(await keyedCrypto.hmacSha256(randomBytes(32)), keyedCrypto);
    const code = await codes.staticCode(cardId);
    expect(code).toMatch(/^ZP1\.crd_[0-9a-z]{26}\.[A-Za-z0-9_-]{22}$/);
    expect(await codes.verify(code, Date.now())).toEqual({ ok: true, value: { kind: 'static', cardId } });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < code.length; i++) {
      const original = code[i] ?? '';
      const replacement = alphabet[(alphabet.indexOf(original) + 1) % alphabet.length] ?? 'A';
      const changed = code.slice(0, i) + replacement + code.slice(i + 1);
      expect((await codes.verify(changed, Date.now())).ok, `position ${i}`).toBe(false);
    }
  });

  it('rejects a code signed under another pepper', async () => {
    const ours = await CardCodes.fromPepper(await keyedCrypto.hmacSha256(randomBytes(32)), keyedCrypto);
    const theirs = await CardCodes.fromPepper(await keyedCrypto.hmacSha256(randomBytes(32)), keyedCrypto);
    const result = await ours.verify(await theirs.staticCode(cardId), Date.now());
    expect(result.ok).toBe(false);
    const rotating = await ours.verify(await theirs.rotatingCode(cardId, Date.now()), Date.now());
    expect(rotating.ok).toBe(false);
  });

  it('accepts a rotating code one step either side, not two', async () => {
    const codes = await CardCodes.fromPepper(await keyedCrypto.hmacSha256(randomBytes(32)), keyedCrypto);
    const now = 1_800_000_000_000;
    const code = await codes.rotatingCode(cardId, now);
    const step = Math.floor(now / 30_000);
    expect(await codes.verify(code, now)).toEqual({ ok: true, value: { kind: 'rotating', cardId, step } });
    expect((await codes.verify(code, now + 30_000)).ok).toBe(true);
    expect((await codes.verify(code, now - 30_000)).ok).toBe(true);
    expect((await codes.verify(code, now + 60_000)).ok).toBe(false);
    expect((await codes.verify(code, now - 60_000)).ok).toBe(false);
  });
});
