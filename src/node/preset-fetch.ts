/**
 * @module node/preset-fetch
 * The app's fetch as @hono/node-server calls it, with the `presetHeader` binding: headers that
 * every response carries go straight to node:http's `setHeader` (see `PresetHeader` in context).
 * The Node entry serves this; so does the POS bench, to measure what the entry runs.
 */
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';

export function presetHeaderFetch(app: OpenAPIHono<AppEnv>) {
  return (request: Request, { outgoing }: HttpBindings | Http2Bindings) =>
    app.fetch(request, { presetHeader: (name: string, value: string) => outgoing.setHeader(name, value) });
}
