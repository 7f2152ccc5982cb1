/**
 * @module consent/request-facts
 * What a consent event may say about where it came from, reduced so it identifies no one: the
 * IP truncated to its IPv4 /24 or IPv6 /48 network and the user agent reduced to a family.
 */

/** `203.0.113.77` → `203.0.113.0/24`; `2001:db8:abcd:12::1` → `2001:db8:abcd::/48`. */
export function truncateIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const address = ip.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped?.[1] ?? address;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  if (octets) {
    const parts = octets.slice(1, 4).map(Number);
    if (parts.some((n) => n > 255) || Number(octets[4]) > 255) return null;
    return `${parts.join('.')}.0/24`;
  }
  const groups = expandIpv6(address);
  if (!groups) return null;
  return `${groups
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(':')}::/48`;
}

function expandIpv6(address: string): number[] | null {
  const zoneless = address.split('%')[0] ?? '';
  if (!/^[0-9a-f:]+$/i.test(zoneless) || !zoneless.includes(':')) return null;
  const halves = zoneless.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(':') : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tail];
  if (all.some((g) => g.length === 0 || g.length > 4)) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

const FAMILIES: [RegExp, string][] = [
  [/bot|crawler|spider/i, 'Bot'],
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
];

/** The browser family only: versions and platforms would help fingerprint a person. */
export function userAgentFamily(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  for (const [pattern, family] of FAMILIES) if (pattern.test(userAgent)) return family;
  return 'Other';
}
