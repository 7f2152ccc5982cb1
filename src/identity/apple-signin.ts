/**
 * @module identity/apple-signin
 * Sign in with Apple → opaque customer + shopper session. The email and name Apple hands over
 * go to the Relay (on their way to the brand's CRM) and nowhere else. Each identity token buys
 * one session: it is claimed before anything else happens, and given back only when the sign-in
 * fails for a reason that is not the token's, so the client's retry with it works.
 */
import type { AppDeps } from '../context.ts';
import { err, ok, type Result } from '../errors.ts';
import { errorFields } from '../log/logger.ts';
import { claimAppleToken, releaseAppleToken } from './apple-token-uses.ts';
import { appleLink, findOrCreateByAppleLink, forgetNewCustomer } from './customers.ts';

export type AppleSignInInput = {
  brand: string;
  identityToken: string;
  nonce?: string | undefined;
  user?: { name?: { firstName?: string | undefined; lastName?: string | undefined } | undefined } | undefined;
};

export type AppleSignInResult = {
  customerId: string;
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  created: boolean;
};

export async function signInWithApple(
  deps: AppDeps,
  input: AppleSignInInput,
): Promise<Result<AppleSignInResult>> {
  const brand = await deps.brands.bySlug(input.brand);
  if (!brand) return err('not_found', 'No such brand');
  const verified = await deps.apple.verify(input.identityToken, {
    audiences: brand.appleClientIds,
    rawNonce: input.nonce,
    requireNonce: brand.requireNonce,
  });
  if (!verified.ok) return verified;
  const { sub, email, tokenId, verifiableUntil } = verified.value;
  if (!(await claimAppleToken(deps.database, { tokenId, brandId: brand.id, expiresAt: verifiableUntil }))) {
    return err(
      'invalid_identity_token',
      'This identity token has already been used; sign in with Apple again',
    );
  }
  try {
    const result = await completeSignIn(deps, brand.id, sub, email, input.user?.name);
    if (!result.ok) await releaseAppleToken(deps.database, tokenId);
    return result;
  } catch (error) {
    await releaseAppleToken(deps.database, tokenId).catch((release: unknown) =>
      deps.logger.error('sign-in could not give back an identity token', errorFields(release)),
    );
    throw error;
  }
}

type AppleName = NonNullable<AppleSignInInput['user']>['name'];

async function completeSignIn(
  deps: AppDeps,
  brandId: string,
  sub: string,
  email: string | undefined,
  name: AppleName,
): Promise<Result<AppleSignInResult>> {
  const link = await appleLink(deps.pepper, brandId, sub);
  const { customerId, created } = await findOrCreateByAppleLink(deps.database, brandId, link, deps.now());
  // Apple sends the name only on the first authorisation, so relay whenever there is something new.
  if (created || name) {
    try {
      await deps.relay.publish({
        kind: 'contact.upsert',
        brandId: brandId,
        customerId,
        source: 'apple',
        contact: { email, firstName: name?.firstName, lastName: name?.lastName },
      });
    } catch (error) {
      deps.logger.error('sign-in could not relay the contact', errorFields(error));
      // A customer kept without its contact would sign in as "returning" on the retry, and the
      // CRM would never hear of it: undo the creation, so the retry creates and relays again.
      // Best effort: a concurrent first sign-in of the same shopper may already hold a session
      // for this customer (it then finds none), or a card may refer to it (the undo fails, logged).
      if (created) {
        await forgetNewCustomer(deps.database, brandId, customerId).catch((undo: unknown) =>
          deps.logger.error('sign-in could not undo a new customer', errorFields(undo)),
        );
      }
      return err('unavailable', 'The sign-in could not be completed; try again');
    }
  }
  const session = await deps.sessions.issue(customerId, brandId);
  return ok({ customerId, ...session, tokenType: 'Bearer', created });
}
