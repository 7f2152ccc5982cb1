/**
 * @module loyalty/shopper-card
 * The card as a shopper sees it (number and signed code), created on first need. Shared by
 * `GET /v1/me` and layout submissions, which both hand the shopper their card.
 */
import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../context.ts';
import { ensureCard } from './cards.ts';

export const ShopperCardSchema = z
  .object({
    number: z.string().openapi({ example: 'crd_…' }),
    code: z.string().openapi({ description: 'The signed static code (ZP1.…) for the wallet pass barcode' }),
  })
  .openapi('ShopperCard');

export type ShopperCard = z.infer<typeof ShopperCardSchema>;

export async function shopperCard(
  deps: Pick<AppDeps, 'database' | 'cardCodes'>,
  brandId: string,
  customerId: string,
  now: number,
): Promise<ShopperCard> {
  const card = await ensureCard(deps.database, brandId, customerId, now);
  return { number: card.id, code: await deps.cardCodes.staticCode(card.id) };
}
