import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/crypto.ts';
import { type Envelope, importRelayKey, openEnvelope, sealMessage } from '../../src/relay/envelope.ts';
import type { RelayMessage } from '../../src/relay/relay.ts';

describe('sealed envelopes', () => {
  const message: RelayMessage = {
    kind: 'contact.upsert',
    brandId: 'brd_a',
    customerId: 'cus_1',
    source: 'apple',
    contact: { email: 'secret@example.com' },
  };
  const envelope = async (key: CryptoKey, overrides: Partial<Envelope> = {}): Promise<Envelope> => ({
    id: 'env_1',
    eventId: 'evt_1',
    brandId: 'brd_a',
    kind: 'contact.upsert',
    connectorId: 'con_1',
    createdAt: 0,
    expiresAt: 1,
    ciphertext: await sealMessage(key, message, 'evt_1'),
    ...overrides,
  });

  it('round-trips, and the ciphertext holds nothing readable', async () => {
    const key = await importRelayKey(randomBytes(32));
    const sealed = await envelope(key);
    expect(atob(sealed.ciphertext.replaceAll('-', '+').replaceAll('_', '/'))).not.toContain('secret@');
    expect(await openEnvelope(key, sealed)).toEqual(message);
  });

  it('fails to open under another brand, another event id, another key or a flipped bit', async () => {
    const key = await importRelayKey(randomBytes(32));
    const sealed = await envelope(key);
    await expect(openEnvelope(key, { ...sealed, brandId: 'brd_b' })).rejects.toThrow();
    await expect(openEnvelope(key, { ...sealed, eventId: 'evt_2' })).rejects.toThrow();
    await expect(openEnvelope(await importRelayKey(randomBytes(32)), sealed)).rejects.toThrow();
    const flipped = `${sealed.ciphertext.slice(0, 20)}${sealed.ciphertext[20] === 'A' ? 'B' : 'A'}${sealed.ciphertext.slice(21)}`;
    await expect(openEnvelope(key, { ...sealed, ciphertext: flipped })).rejects.toThrow();
  });

  it('uses a fresh IV every time', async () => {
    const key = await importRelayKey(randomBytes(32));
    expect(await sealMessage(key, message, 'evt_1')).not.toBe(await sealMessage(key, message, 'evt_1'));
  });
});
