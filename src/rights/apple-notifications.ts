/**
 * @module rights/apple-notifications
 * Sign in with Apple server-to-server notifications. Apple posts `{"payload": "<JWT>"}` to one
 * URL for all of an app group's apps; the `aud` claim names the app (a brand's client id), the
 * `events` claim is a JSON string `{type, sub, event_time, email?, is_private_email?}`. After the
 * signature, issuer and audience are checked with Apple's keys, the customer is found through the
 * HMAC link (never by the `sub` itself) and:
 * - `consent-revoked`: the person stopped using their Apple ID here; every session ends;
 * - `account-delete`: their Apple Account is gone; an erasure (source `apple`) as DELETE /v1/me;
 * - `email-disabled` / `email-enabled`: the brand's CRM is told through the relay
 *   (`contact.upsert`, custom field `appleEmailForwarding`); the relay address itself is not sent.
 * An unknown customer or event type is acknowledged and changes nothing, so Apple does not retry.
 * @see https://developer.apple.com/documentation/signinwithapple/processing-changes-for-sign-in-with-apple-accounts
 */
import { and, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { AppDeps } from '../context.ts';
import { brands, customers } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { appleLink, revokeSessions } from '../identity/customers.ts';
import { requestErasure } from './erasure.ts';

const Event = z.object({
  type: z.string().max(64),
  sub: z.string().min(1).max(255),
  event_time: z.number().optional(),
});

export type NotificationOutcome = {
  type: string;
  action: 'sessions_ended' | 'erasure_requested' | 'crm_told' | 'ignored';
};

async function brandOfClient(deps: AppDeps, clientId: string) {
  const [row] = await deps.database.db
    .select({ id: brands.id, appleClientIds: brands.appleClientIds })
    .from(brands)
    .where(
      sql`exists (select 1 from json_each(${brands.appleClientIds}) where json_each.value = ${clientId})`,
    )
    .limit(1);
  return row;
}

export async function handleAppleNotification(
  deps: AppDeps,
  payload: string,
): Promise<Result<NotificationOutcome>> {
  let aud: unknown;
  try {
    aud = decodeJwt(payload).aud;
  } catch {
    return err('invalid_request', 'The payload is not a JWT');
  }
  const clientId = Array.isArray(aud) ? aud[0] : aud;
  if (typeof clientId !== 'string' || clientId.length > 255)
    return err('invalid_request', 'The payload names no client');
  // Unverified so far: the audience only says which brand's keys and client ids to check against.
  const brand = await brandOfClient(deps, clientId);
  if (!brand) return err('invalid_request', 'The payload is for no client of this service');
  const verified = await deps.apple.verifyNotification(payload, brand.appleClientIds);
  if (!verified.ok) return verified;
  let event: z.infer<typeof Event>;
  try {
    const raw = verified.value.events;
    event = Event.parse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  } catch {
    return err('invalid_request', 'The events claim is not an Apple event');
  }
  const link = await appleLink(deps.pepper, brand.id, event.sub);
  const [customer] = await deps.database.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.brandId, brand.id), eq(customers.appleLink, link)));
  const log = { brandId: brand.id, type: event.type };
  if (!customer) {
    deps.logger.info('apple notification for no customer', log);
    return ok({ type: event.type, action: 'ignored' });
  }
  switch (event.type) {
    case 'consent-revoked':
      await revokeSessions(deps.database, brand.id, customer.id, deps.now());
      deps.logger.info('apple consent revoked: sessions ended', log);
      return ok({ type: event.type, action: 'sessions_ended' });
    case 'account-delete': {
      const result = await requestErasure(
        { ...deps, walletGraceMs: deps.config.rights.walletGraceMs },
        { brandId: brand.id, customerId: customer.id, source: 'apple' },
      );
      if (!result.ok) return result;
      return ok({ type: event.type, action: 'erasure_requested' });
    }
    case 'email-disabled':
    case 'email-enabled':
      await deps.relay.publish({
        kind: 'contact.upsert',
        brandId: brand.id,
        customerId: customer.id,
        source: 'apple-notification',
        contact: { custom: { appleEmailForwarding: event.type === 'email-enabled' } },
      });
      return ok({ type: event.type, action: 'crm_told' });
    default:
      deps.logger.info('apple notification of an unknown type', log);
      return ok({ type: event.type, action: 'ignored' });
  }
}
