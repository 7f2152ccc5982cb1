/**
 * @module tenancy/brands
 * Brands are the tenants. Every other row carries a brand id and every query filters on it.
 */
import { and, eq, not, type SQL, sql } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { brands } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';

export type Brand = typeof brands.$inferSelect;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export async function createBrand(
  { db }: Database,
  input: { slug: string; label: string; appleClientIds?: string[] },
  now: number,
): Promise<Result<Brand>> {
  if (!SLUG_PATTERN.test(input.slug))
    return err('invalid_request', 'The slug must be lowercase letters, digits and dashes');
  const ids = input.appleClientIds ?? [];
  const [taken] = await db
    .select({ id: brands.id })
    .from(brands)
    .where(not(clientIdsFree('', ids)));
  if (taken) return err('conflict', 'One of these Apple client IDs belongs to another brand');
  const [row] = await db
    .insert(brands)
    .values({
      id: randomId('brd'),
      slug: input.slug,
      label: input.label,
      appleClientIds: input.appleClientIds ?? [],
      createdAt: now,
    })
    .onConflictDoNothing({ target: brands.slug })
    .returning();
  return row ? ok(row) : err('conflict', `The slug "${input.slug}" is taken`);
}

export async function getBrandBySlug({ db }: Database, slug: string): Promise<Brand | undefined> {
  if (!SLUG_PATTERN.test(slug)) return undefined;
  const [row] = await db.select().from(brands).where(eq(brands.slug, slug));
  return row;
}

export async function getBrand({ db }: Database, brandId: string): Promise<Brand | undefined> {
  const [row] = await db.select().from(brands).where(eq(brands.id, brandId));
  return row;
}

/**
 * SQL that holds when none of `ids` is a client ID of a brand other than `brandId`. A client ID
 * names one brand: were it shared, an identity token issued for one brand would enrol its shopper
 * (and relay their email) at another.
 */
function clientIdsFree(brandId: string, ids: readonly string[]): SQL {
  if (ids.length === 0) return sql`1 = 1`;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  return sql`not exists (select 1 from brands other, json_each(other.apple_client_ids) taken
    where other.id <> ${brandId} and taken.value in (${list}))`;
}

/** Updates the brand; the client-ID check and the write are one statement, so two brands cannot race. */
export async function updateBrand(
  { db }: Database,
  brandId: string,
  patch: {
    label?: string | undefined;
    appleClientIds?: string[] | undefined;
    requireNonce?: boolean | undefined;
  },
): Promise<Result<Brand>> {
  const set = {
    ...(patch.label !== undefined ? { label: patch.label } : {}),
    ...(patch.appleClientIds !== undefined ? { appleClientIds: patch.appleClientIds } : {}),
    ...(patch.requireNonce !== undefined ? { requireNonce: patch.requireNonce } : {}),
  };
  const [row] = await db
    .update(brands)
    // An empty patch still runs the statement (drizzle refuses an empty SET), answering the brand.
    .set(Object.keys(set).length > 0 ? set : { id: brandId })
    .where(and(eq(brands.id, brandId), clientIdsFree(brandId, patch.appleClientIds ?? [])))
    .returning();
  if (row) return ok(row);
  if (!(await getBrand({ db } as Database, brandId)))
    return err('unauthorized', 'The key’s brand no longer exists');
  return err('conflict', 'One of these Apple client IDs belongs to another brand');
}
