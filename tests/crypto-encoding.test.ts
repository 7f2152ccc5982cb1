/**
 * The byte encodings every token, receipt and link is built from, checked against an independent
 * encoder (jose's base64url), the RFC 4648 vectors, and `Number#toString(16)` for hex.
 */
import { base64url as joseBase64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { base64url, fromBase64url, hex } from '../src/crypto.ts';

// Deterministic bytes, every value 0–255 included, so a failure reproduces.
const bytes = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 167 + seed * 31 + (i >> 3)) & 255);

describe('byte encodings', () => {
  it('base64url matches jose for every length from 0 to 300, with no padding', () => {
    for (let length = 0; length <= 300; length++) {
      const input = bytes(length, length);
      const encoded = base64url(input);
      expect(encoded).toBe(joseBase64url.encode(input));
      expect(encoded).not.toMatch(/[=+/]/);
      expect(fromBase64url(encoded)).toEqual(input);
    }
  });

  it('base64url of the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) expect(base64url(new TextEncoder().encode(text))).toBe(encoded);
    expect(base64url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
  });

  it('hex is two lowercase digits per byte, for every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const expected = Array.from(all, (b) => b.toString(16).padStart(2, '0')).join('');
    expect(hex(all)).toBe(expected);
    expect(hex(all.buffer)).toBe(expected);
    expect(hex(new Uint8Array(0))).toBe('');
  });
});
