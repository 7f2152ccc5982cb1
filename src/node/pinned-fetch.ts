/**
 * @module node/pinned-fetch
 * Connector requests on Node connect only to addresses the SSRF guard accepts. The guard
 * (connectors/ssrf) resolves a host before a send, but fetch then resolves it again: a DNS answer
 * that changes in between (rebinding) would take the socket to a private address the guard never
 * saw. Here the socket's own lookup applies the same rule, so the address connected to is an
 * address that was checked. Host names and addresses on the allowlist (development) pass, as they
 * do in the guard. On Workers, outbound fetch cannot reach private networks in the first place.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
 */
import { type LookupAddress, type LookupAllOptions, lookup as systemLookup } from 'node:dns';
import { Agent } from 'undici';
import { isBlockedIp } from '../../connectors/ssrf.ts';

type LookupAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type ConnectLookup = (
  hostname: string,
  options: { family?: number | string; all?: boolean },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** A socket lookup that answers only when every address of the host may be reached. */
export function guardedLookup(
  allowHosts: readonly string[],
  lookupAll: LookupAll = systemLookup,
): ConnectLookup {
  return (hostname, options, callback) => {
    lookupAll(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = allowHosts.includes(hostname.toLowerCase());
      const blocked = addresses.find(
        (a) => !allowed && !allowHosts.includes(a.address) && isBlockedIp(a.address),
      );
      // Every address is checked; a caller that asked for one family gets one of that family.
      const family = Number(options.family);
      const first = addresses.find((a) => (family !== 4 && family !== 6) || a.family === family);
      // Refused like a failed lookup: a network error to the connector, which retries and in
      // the end dead-letters the message.
      if (blocked || !first) {
        const refusal: NodeJS.ErrnoException = new Error(
          blocked ? 'the host resolves to a non-public address' : 'the host does not resolve',
        );
        refusal.code = 'ENOTFOUND';
        return callback(refusal, []);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** `fetch` whose connections go through `guardedLookup`. */
export function pinnedFetch(allowHosts: readonly string[], lookupAll?: LookupAll): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(allowHosts, lookupAll) } });
  // Node's fetch is undici's; it takes a dispatcher of the same major version (7) as an option.
  return (input, init) => {
    const withDispatcher: RequestInit & { dispatcher: Agent } = { ...init, dispatcher };
    return fetch(input, withDispatcher);
  };
}
