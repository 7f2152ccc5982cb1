/**
 * @module consent/routes/well-known
 * `/.well-known/jwks.json`: the public keys of consent receipts, so a shopper or a regulator can
 * verify any receipt with any JOSE library. `/.well-known/gpc.json`: this site honours Global
 * Privacy Control.
 * @see https://privacycg.github.io/gpc-spec/#gpc-support-resource
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { getBrandBySlug } from '../../tenancy/brands.ts';
import { publicReceiptKeys } from '../receipt-keys.ts';

/** The day GPC support (opt-out of sale_or_share with method `gpc`) was last changed. */
export const GPC_LAST_UPDATE = '2026-11-23';

export function registerWellKnown(app: OpenAPIHono<AppEnv>) {
  app.get('/.well-known/gpc.json', (c) =>
    c.json({ gpc: true, lastUpdate: GPC_LAST_UPDATE }, 200, {
      'cache-control': 'public, max-age=86400',
      'access-control-allow-origin': '*',
    }),
  );
  app.get('/.well-known/jwks.json', async (c) => {
    const { database } = c.get('deps');
    const slug = c.req.query('brand');
    let brandId: string | undefined;
    if (slug !== undefined) {
      const brand = await getBrandBySlug(database, slug);
      if (!brand) throw new AppError('not_found', 'No such brand');
      brandId = brand.id;
    }
    // Keys never change once made, but new brands add theirs: a short cache is enough.
    return c.json(await publicReceiptKeys(database, brandId), 200, {
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'content-type': 'application/jwk-set+json',
    });
  });
}
