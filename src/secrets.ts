/**
 * @module secrets
 * Fresh secret material in the shape the config expects. Used by `npm run secrets`, by the Node
 * entry in dev mode (first start) and by tests.
 */
import { exportJWK } from 'jose';
import { base64url, generateEs256KeyPair, randomBytes } from './crypto.ts';
import { DevAppleIdentityProvider } from './identity/dev-apple.ts';

export type GeneratedSecrets = {
  ZP_PEPPER: string;
  ZP_SESSION_KEY: string;
  ZP_RELAY_KEY: string;
  ZP_DEV_APPLE_KEY?: string;
};

export async function generateSecrets(options: { devAppleKey: boolean }): Promise<GeneratedSecrets> {
  const session = await generateEs256KeyPair();
  const secrets: GeneratedSecrets = {
    ZP_PEPPER: base64url(randomBytes(32)),
    ZP_SESSION_KEY: JSON.stringify(await exportJWK(session.privateKey)),
    ZP_RELAY_KEY: base64url(randomBytes(32)),
  };
  if (options.devAppleKey)
    secrets.ZP_DEV_APPLE_KEY = JSON.stringify(await DevAppleIdentityProvider.generateKey());
  return secrets;
}
