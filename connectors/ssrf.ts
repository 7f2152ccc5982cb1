/**
 * @module connectors/ssrf
 * Server-side request forgery guard. A brand admin chooses webhook URLs, so a URL must not reach
 * our own network: loopback, private, shared (CGNAT), link-local (which holds the cloud metadata
 * service), unspecified, multicast and reserved addresses are refused, in IPv4 and IPv6 (mapped
 * IPv4 included; in IPv6 only global unicast passes, without the forms that tunnel to IPv4).
 * Checked at registration and again before every send after DNS resolution, because DNS answers
 * change. An explicit allowlist (development) lets named hosts or IPs through.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html
 */
import type { ResolveHost } from './types.ts';

const BLOCKED_HOSTNAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal|.*\.internal)$/i;

function ipv4Bytes(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

function blockedIpv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // documentation (TEST-NET-2)
    (a === 203 && b === 0 && c === 113) || // documentation (TEST-NET-3)
    a >= 224 // multicast, reserved, broadcast
  );
}

function expandIpv6(ip: string): number[] | undefined {
  let text =
    ip
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .split('%')[0] ?? '';
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const b = ipv4Bytes(v4[1]);
    if (!b) return undefined;
    text = text.replace(v4[1], hex4(b));
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) =>
    /^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN,
  );
  return groups.every((g) => !Number.isNaN(g)) ? groups : undefined;
}

function hex4(b: number[]): string {
  const w = (x = 0, y = 0) => ((x << 8) | y).toString(16);
  return `${w(b[0], b[1])}:${w(b[2], b[3])}`;
}

/**
 * IPv6: the IPv4-mapped form (::ffff:a.b.c.d) and the deprecated IPv4-compatible one (::a.b.c.d)
 * reach the embedded IPv4 address, so that address decides. Everything else must be global
 * unicast (2000::/3, the only space the IANA allocates for the internet): outside it lie loopback,
 * unspecified, IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48 (a
 * translator of ours would carry the request into IPv4 space, private included), discard-only
 * 100::/64, unique local fc00::/7, link-local fe80::/10, site-local fec0::/10 and multicast.
 * Inside it, the prefixes that tunnel to an embedded IPv4 address (6to4, Teredo) and the
 * non-routable assignments are refused as a whole rather than decoded.
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
function blockedIpv6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const allZeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (allZeroPrefix && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  if (allZeroPrefix && (g5 === 0xffff || g5 === 0)) {
    return blockedIpv4([g6 >> 8, g6 & 255, g7 >> 8, g7 & 255]); // IPv4-mapped / -compatible
  }
  if ((g0 & 0xe000) !== 0x2000) return true; // not global unicast (see above)
  // 2001::/23, IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID.
  if (g0 === 0x2001 && g1 < 0x0200) return true;
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if (g0 === 0x2002) return true; // 6to4: embeds an IPv4 address, private ones included
  if (g0 === 0x3fff && g1 < 0x1000) return true; // 3fff::/20 documentation (RFC 9637)
  return false;
}

/** True when an IP literal must not be reached; unparseable input counts as blocked. */
export function isBlockedIp(ip: string): boolean {
  const v4 = ipv4Bytes(ip);
  if (v4) return blockedIpv4(v4);
  const v6 = expandIpv6(ip);
  return v6 ? blockedIpv6(v6) : true;
}

const isIpLiteral = (host: string) => ipv4Bytes(host) !== undefined || host.includes(':');

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks a URL: scheme, host name, and every address it resolves to. Answers a reason without
 * echoing the URL (it may carry tokens in its query).
 */
export async function checkOutboundUrl(
  raw: string,
  resolveHost: ResolveHost,
  allowHosts: readonly string[],
): Promise<GuardVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowHosts.includes(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
    return { ok: false, reason: 'only https URLs are allowed' };
  }
  if (url.username || url.password) return { ok: false, reason: 'URLs may not carry credentials' };
  if (allowed) return { ok: true };
  if (BLOCKED_HOSTNAMES.test(host)) return { ok: false, reason: 'the host is internal' };
  let addresses: string[];
  try {
    addresses = isIpLiteral(host) ? [host] : await resolveHost(host);
  } catch {
    return { ok: false, reason: 'the host does not resolve' };
  }
  if (addresses.length === 0) return { ok: false, reason: 'the host does not resolve' };
  for (const address of addresses) {
    if (allowHosts.includes(address)) continue;
    if (isBlockedIp(address)) return { ok: false, reason: 'the host resolves to a non-public address' };
  }
  return { ok: true };
}

/**
 * Wraps a fetch so that every outbound request of every connector passes the guard first (a
 * brand admin also chooses Salesforce login and Cegid URLs). Verdicts are cached per origin for a
 * minute, so a batch costs one resolution, not one per call (on Workers each is a subrequest).
 */
export function guardedFetch(
  inner: typeof fetch,
  resolveHost: ResolveHost,
  allowHosts: readonly string[],
  now: () => number = Date.now,
): typeof fetch {
  const verdicts = new Map<string, { verdict: GuardVerdict; until: number }>();
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new TypeError('not a URL');
    }
    let cached = verdicts.get(origin);
    if (!cached || cached.until < now()) {
      cached = { verdict: await checkOutboundUrl(url, resolveHost, allowHosts), until: now() + 60_000 };
      if (verdicts.size > 1_000) verdicts.clear();
      verdicts.set(origin, cached);
    }
    if (!cached.verdict.ok) throw new OutboundRefused(cached.verdict.reason);
    // Only the first URL was checked: a redirect to 169.254.169.254 must not be followed, so a
    // 3xx comes back to the connector as a failed delivery instead.
    return inner(input, { ...init, redirect: 'manual' });
  };
}

/** Thrown by guardedFetch; connectors treat it as a final refusal, not a network fault. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}
