/**
 * @module relay/doh-resolver
 * Host resolution for the SSRF guard where there is no DNS API (Workers): DNS over HTTPS (JSON).
 * @see https://developers.cloudflare.com/1.1.1.1/encryption/dns-over-https/make-api-requests/dns-json/
 */
import type { ResolveHost } from '../../connectors/types.ts';

export function dohResolver(
  fetcher: typeof fetch,
  endpoint = 'https://cloudflare-dns.com/dns-query',
): ResolveHost {
  return async (hostname) => {
    const answers = await Promise.all(
      ['A', 'AAAA'].map(async (type) => {
        const url = `${endpoint}?name=${encodeURIComponent(hostname)}&type=${type}`;
        const response = await fetcher(url, { headers: { accept: 'application/dns-json' } });
        if (!response.ok) throw new Error(`DNS over HTTPS answered ${response.status}`);
        const body = (await response.json()) as { Answer?: { type: number; data: string }[] };
        return (body.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
      }),
    );
    return answers.flat();
  };
}
