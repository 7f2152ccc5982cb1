/**
 * @module tenancy/brand-directory
 * Brand lookups by slug for public routes (sign-in, layouts), cached for 30 s: every sign-in
 * names its brand, and brands change rarely. A change made through this process is seen at once;
 * other processes or isolates see it within the TTL.
 */
import type { Database } from '../db/database.ts';
import { TtlCache } from '../ttl-cache.ts';
import { type Brand, getBrandBySlug } from './brands.ts';

export class BrandDirectory {
  private readonly cache: TtlCache<string, Brand>;
  private readonly database: Database;

  constructor(database: Database, now: () => number, ttlMs = 30_000) {
    this.database = database;
    this.cache = new TtlCache({ ttlMs, maxEntries: 10_000, now });
  }

  bySlug(slug: string): Promise<Brand | undefined> {
    return this.cache.getOrLoad(slug, () => getBrandBySlug(this.database, slug));
  }

  forget(slug: string): void {
    this.cache.delete(slug);
  }
}
