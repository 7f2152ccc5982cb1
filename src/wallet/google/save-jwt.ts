/**
 * @module wallet/google/save-jwt
 * The "Save to Google Wallet" link: a skinny JWT naming only the object (and its class) that
 * zeropass created through the REST API beforehand, signed RS256 with the brand's service-account
 * key. It holds ids and nothing else, so it stays short enough for any browser's URL.
 * @see https://developers.google.com/wallet/reference/rest/v1/jwt
 */
import { SignJWT } from 'jose';
import type { PreparedIssuer } from './issuers.ts';
import { classIdOf, objectIdOf } from './loyalty-resources.ts';

export async function saveUrl(
  issuer: PreparedIssuer,
  cardId: string,
  options: { saveBaseUrl: string; origins: string[]; now: number },
): Promise<string> {
  const jwt = await new SignJWT({
    typ: 'savetowallet',
    origins: options.origins,
    payload: { loyaltyObjects: [{ id: objectIdOf(issuer, cardId), classId: classIdOf(issuer) }] },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: issuer.account.keyId })
    .setIssuer(issuer.account.email)
    .setAudience('google')
    .setIssuedAt(Math.floor(options.now / 1000))
    .sign(issuer.account.key);
  return `${options.saveBaseUrl}/${jwt}`;
}
