/**
 * @module connectors/webhook/manifest
 * Standard Webhooks: every relay message is POSTed as JSON to a brand's HTTPS endpoint, signed
 * with HMAC-SHA256 over `id.timestamp.body` (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). Two secrets may be set during rotation; both sign.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { z } from 'zod';
import { err, ok } from '../../src/errors.ts';
import { checkOutboundUrl } from '../ssrf.ts';
import { type ConnectorManifest, secret } from '../types.ts';
import { WebhookClient } from './client.ts';

/** `whsec_` + base64 of at least 24 random bytes (the spec asks for 24 to 64). */
const WebhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((s) => {
    try {
      const n = atob(s.slice(6)).length;
      return n >= 24 && n <= 64;
    } catch {
      return false;
    }
  }, 'must hold 24 to 64 bytes');

export const webhookConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  timeoutMs: z.number().int().min(1_000).max(30_000).default(10_000),
  secret: secret(WebhookSecret),
  /** The outgoing secret during rotation: messages carry a signature by each. */
  previousSecret: secret(WebhookSecret.optional()),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export const webhookManifest: ConnectorManifest<typeof webhookConfigSchema> = {
  type: 'webhook',
  label: 'Signed webhook (Standard Webhooks)',
  capabilities: { contacts: true, consents: true, erasure: true, export: true },
  configSchema: webhookConfigSchema,
  async validate(config, runtime) {
    const verdict = await checkOutboundUrl(config.url, runtime.resolveHost, runtime.allowHosts);
    return verdict.ok ? ok(undefined) : err('unprocessable', `The webhook URL is refused: ${verdict.reason}`);
  },
  create: (config, runtime) => new WebhookClient(config, runtime),
};
