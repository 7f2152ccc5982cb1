/**
 * @module identity/customers
 * Customers are opaque IDs scoped to a brand. The only link to an Apple account is
 * HMAC-SHA256(pepper, brand ‖ sub): without the pepper, a stolen database cannot be joined
 * against Apple `sub`s, and the same Apple account yields unrelated links at two brands.
 */
import { and, eq, sql } from 'drizzle-orm';
import { hex, randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { preparedRow } from '../db/prepared.ts';
import { customers } from '../db/schema/index.ts';
import type { Hmac } from '../keyed-crypto.ts';

export async function appleLink(pepper: Hmac, brandId: string, sub: string): Promise<string> {
  // The NUL separator keeps (brand "a", sub "bc") and (brand "ab", sub "c") apart.
  return hex(await pepper(`${brandId}\u0000${sub}`));
}

/** Returns the brand's customer ID for this link, creating the customer on first sight. Safe under races. */
export async function findOrCreateByAppleLink(
  database: Database,
  brandId: string,
  link: string,
  now: number,
): Promise<{ customerId: string; created: boolean }> {
  // Most sign-ins are returning shoppers: one read, and no write transaction at all.
  const found = await findByAppleLink(database, brandId, link);
  if (found) return { customerId: found, created: false };
  const [inserted] = await database.db
    .insert(customers)
    .values({ id: randomId('cus'), brandId, appleLink: link, createdAt: now })
    .onConflictDoNothing({ target: [customers.brandId, customers.appleLink] })
    .returning({ id: customers.id });
  if (inserted) return { customerId: inserted.id, created: true };
  // Lost a race with a concurrent first sign-in: the winner's row is there now.
  const existing = await findByAppleLink(database, brandId, link);
  if (!existing) throw new Error('customer vanished between insert and select');
  return { customerId: existing, created: false };
}

// Every returning sign-in runs this read, as one row of values (see db/prepared).
const byAppleLink = preparedRow<{ brandId: string; link: string }>((db) =>
  db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.brandId, sql.placeholder('brandId')),
        eq(customers.appleLink, sql.placeholder('link')),
      ),
    )
    .limit(1),
);

async function findByAppleLink(
  database: Database,
  brandId: string,
  link: string,
): Promise<string | undefined> {
  const row = await byAppleLink(database, { brandId, link });
  return row?.[0] as string | undefined;
}

export async function getCustomer({ db }: Database, brandId: string, customerId: string) {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.brandId, brandId), eq(customers.id, customerId)));
  return row;
}

/** Removes a customer this request has just created and nothing yet refers to. */
export async function forgetNewCustomer({ db }: Database, brandId: string, customerId: string) {
  await db.delete(customers).where(and(eq(customers.brandId, brandId), eq(customers.id, customerId)));
}

/** Sign out everywhere: every session issued before `now` stops working. */
export async function revokeSessions({ db }: Database, brandId: string, customerId: string, now: number) {
  await db
    .update(customers)
    .set({ sessionsValidAfter: now })
    .where(and(eq(customers.brandId, brandId), eq(customers.id, customerId)));
}
