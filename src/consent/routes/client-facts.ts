/**
 * @module consent/routes/client-facts
 * The request facts a consent event keeps, already reduced: truncated IP, browser family, GPC.
 * The client IP comes from the header a trusted proxy sets (ZP_CLIENT_IP_HEADER: Cloudflare's
 * `cf-connecting-ip`, or `x-forwarded-for` behind a proxy on Node, whose last hop is the one the
 * proxy saw), else the socket address @hono/node-server exposes on `c.env.incoming`. Headers no
 * trusted proxy overwrites are ignored: a client could write anything into its consent proof.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import { truncateIp, userAgentFamily } from '../request-facts.ts';

export function clientFacts(c: Context<AppEnv>) {
  const socket = c.env?.incoming?.socket;
  const header = c.get('deps').config.clientIpHeader;
  const ip = header ? c.req.header(header)?.split(',').at(-1)?.trim() : socket?.remoteAddress;
  return {
    ipPrefix: truncateIp(ip),
    uaFamily: userAgentFamily(c.req.header('user-agent')),
    // Sec-GPC: "1" is the only value the GPC spec defines; anything else is no signal.
    gpcHeader: c.req.header('sec-gpc')?.trim() === '1',
  };
}
