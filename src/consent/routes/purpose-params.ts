/**
 * @module consent/routes/purpose-params
 * The `{purpose}` path parameter, shared by the admin and shopper consent routes.
 */
import { z } from '@hono/zod-openapi';
import { PURPOSE_KEY } from '../purposes-vocabulary.ts';

export const PurposeParams = z.object({
  purpose: z
    .string()
    .regex(PURPOSE_KEY)
    .openapi({ param: { name: 'purpose', in: 'path' } }),
});
