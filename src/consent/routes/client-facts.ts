/**
 * @module consent/routes/client-facts
 * The request facts a consent event keeps, already reduced: truncated IP, browser family, GPC.
 * The client IP is Cloudflare's `cf-connecting-ip`, else the first `x-forwarded-for` hop (Node
 * behind a proxy), else the socket address @hono/node-server exposes on `c.env.incoming`.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import { truncateIp, userAgentFamily } from '../request-facts.ts';

export function clientFacts(c: Context<AppEnv>) {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket;
  const ip =
    c.req.header('cf-connecting-ip') ??
    c.req.header('x-forwarded-for')?.split(',')[0] ??
    socket?.remoteAddress;
  return {
    ipPrefix: truncateIp(ip),
    uaFamily: userAgentFamily(c.req.header('user-agent')),
    // Sec-GPC: "1" is the only value the GPC spec defines; anything else is no signal.
    gpcHeader: c.req.header('sec-gpc')?.trim() === '1',
  };
}
