/**
 * @module node/resolve-host
 * Host resolution for the SSRF guard on Node: the system resolver, every address.
 */
import { lookup } from 'node:dns/promises';
import type { ResolveHost } from '../../connectors/types.ts';

export const nodeResolveHost: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
