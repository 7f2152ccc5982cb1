/**
 * @module connectors/cegid-y2/manifest
 * Cegid Retail Y2: customers created or updated through Y2's customer web services.
 */
import { z } from 'zod';
import { err, ok } from '../../src/errors.ts';
import { checkOutboundUrl } from '../ssrf.ts';
import { type ConnectorManifest, secret } from '../types.ts';
import { CegidY2Client } from './client.ts';

export const cegidY2ConfigSchema = z.object({
  /** Base URL of the Y2 web services, e.g. https://y2.example.com/Y2 */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** The Y2 database (dossier) the customers live in. */
  database: z.string().min(1).max(100),
  /** Sealed like the password: Y2 logins are often a person's name or email address. */
  login: secret(z.string().min(1).max(200)),
  password: secret(z.string().min(1).max(500)),
  timeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
});
export type CegidY2Config = z.infer<typeof cegidY2ConfigSchema>;

export const cegidY2Manifest: ConnectorManifest<typeof cegidY2ConfigSchema> = {
  type: 'cegid-y2',
  label: 'Cegid Retail Y2',
  capabilities: { contacts: true, consents: true, erasure: false, export: false },
  configSchema: cegidY2ConfigSchema,
  async validate(config, runtime) {
    const verdict = await checkOutboundUrl(config.baseUrl, runtime.resolveHost, runtime.allowHosts);
    return verdict.ok ? ok(undefined) : err('unprocessable', `The Y2 URL is refused: ${verdict.reason}`);
  },
  create: (config, runtime) => new CegidY2Client(config, runtime),
};
