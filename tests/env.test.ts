import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/env.ts';
import { generateSecrets } from '../src/secrets.ts';

describe('parseConfig', () => {
  it('accepts generated secrets and applies defaults', async () => {
    const config = parseConfig({ ...(await generateSecrets({ devAppleKey: false })) });
    expect(config).toMatchObject({
      dev: false,
      sessionTtlSeconds: 900,
      appleIssuer: 'https://appleid.apple.com',
    });
    expect(config.pepper.length).toBe(32);
  });

  it('names the bad variable without echoing its value', async () => {
    const secrets = await generateSecrets({ devAppleKey: false });
    const attempt = () => parseConfig({ ...secrets, ZP_PEPPER: 'short-secret-value' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ZP_PEPPER/);
    expect(attempt).not.toThrow(/short-secret-value/);
  });

  it('names a secret whose length no base64 text can have, instead of crashing in the decoder', async () => {
    const secrets = await generateSecrets({ devAppleKey: false });
    for (const [name, value] of [
      ['ZP_PEPPER', 'A'.repeat(45)],
      ['ZP_RELAY_KEY', 'A'.repeat(41)],
    ] as const) {
      const attempt = () => parseConfig({ ...secrets, [name]: value });
      expect(attempt, name).toThrow(ConfigError);
      expect(attempt, name).toThrow(new RegExp(name));
    }
  });

  it('refuses the dev Apple key outside dev mode', async () => {
    const secrets = await generateSecrets({ devAppleKey: true });
    expect(() => parseConfig({ ...secrets })).toThrow(/only allowed with ZP_DEV=1/);
    expect(parseConfig({ ...secrets, ZP_DEV: '1' }).dev).toBe(true);
  });
});
