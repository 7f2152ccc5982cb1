/**
 * @module tenancy/brands
 * Brands are the tenants. Every other row carries a brand id and every query filters on it.
 */
import { eq } from 'drizzle-orm';
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

export async function updateBrand(
  { db }: Database,
  brandId: string,
  patch: { label?: string | undefined; appleClientIds?: string[] | undefined },
): Promise<Brand | undefined> {
  if (patch.label === undefined && patch.appleClientIds === undefined)
    return getBrand({ db } as Database, brandId);
  const [row] = await db
    .update(brands)
    .set({
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.appleClientIds !== undefined ? { appleClientIds: patch.appleClientIds } : {}),
    })
    .where(eq(brands.id, brandId))
    .returning();
  return row;
}
