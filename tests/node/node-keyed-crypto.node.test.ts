/** The DER → JOSE conversion of Node's ES256 signatures, on the shapes DER allows for P-256. */
import { describe, expect, it } from 'vitest';
import { derToJose } from '../../src/node/node-keyed-crypto.ts';

const integer = (bytes: number[]) => [0x02, bytes.length, ...bytes];
const sequence = (...parts: number[][]) => {
  const body = parts.flat();
  return new Uint8Array([0x30, body.length, ...body]);
};
const filled = (length: number, value: number) => Array.from({ length }, () => value);

describe('derToJose', () => {
  it('drops the sign byte of a 33-byte integer and left-pads a short one', () => {
    const r = [0x00, 0x80, ...filled(31, 0x11)];
    const s = [0x7f, ...filled(29, 0x22)];
    const jose = derToJose(sequence(integer(r), integer(s)));
    expect([...jose.subarray(0, 32)]).toEqual([0x80, ...filled(31, 0x11)]);
    expect([...jose.subarray(32)]).toEqual([0x00, 0x00, 0x7f, ...filled(29, 0x22)]);
  });

  it('refuses what is not one SEQUENCE of two INTEGERs of at most 32 bytes', () => {
    const ok = integer(filled(32, 0x01));
    const bad = [
      new Uint8Array([]),
      sequence(ok),
      sequence(ok, ok, ok),
      sequence(ok, [0x04, 32, ...filled(32, 0x01)]),
      sequence(ok, integer(filled(33, 0x01))),
      sequence(ok, [0x02, 40, ...filled(32, 0x01)]),
      new Uint8Array([0x31, ...sequence(ok, ok).subarray(1)]),
    ];
    for (const der of bad) expect(() => derToJose(der), `${[...der.subarray(0, 4)]}`).toThrow();
  });
});
