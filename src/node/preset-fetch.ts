/**
 * @module node/preset-fetch
 * The app's fetch as @hono/node-server calls it, with the `presetHeader` binding: headers that
 * every response carries go straight to node:http's `setHeader` (see `PresetHeader` in context).
 * The Node entry serves this; so does the POS bench, to measure what the entry runs. `incoming`
 * goes along too: its socket address is the client's when no trusted proxy header is configured
 * (consent/routes/client-facts), and a consent proof without it records no IP prefix at all.
 */
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';

export function presetHeaderFetch(app: OpenAPIHono<AppEnv>) {
  return (request: Request, { incoming, outgoing }: HttpBindings | Http2Bindings) =>
    app.fetch(request, {
      incoming,
      presetHeader: (name: string, value: string) => outgoing.setHeader(name, value),
    });
}
