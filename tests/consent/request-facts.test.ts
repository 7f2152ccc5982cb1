import { describe, expect, it } from 'vitest';
import { truncateIp, userAgentFamily } from '../../src/consent/request-facts.ts';

describe('request facts kept with a consent event', () => {
  it('truncates IPv4 to /24 and IPv6 to /48', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateIp('::ffff:192.0.2.9')).toBe('192.0.2.0/24');
    expect(truncateIp('2001:db8:abcd:12:34::1')).toBe('2001:db8:abcd::/48');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(truncateIp('[2001:0db8:0001:0002::]')).toBe('2001:db8:1::/48');
    expect(truncateIp('::1')).toBe('0:0:0::/48');
    for (const bad of [undefined, '', 'nope', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3'])
      expect(truncateIp(bad)).toBeNull();
  });

  it('keeps only the browser family', () => {
    expect(
      userAgentFamily(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36',
      ),
    ).toBe('Chrome');
    expect(
      userAgentFamily('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'),
    ).toBe('Firefox');
    expect(
      userAgentFamily(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari');
    expect(userAgentFamily('Mozilla/5.0 AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0')).toBe(
      'Edge',
    );
    expect(userAgentFamily('curl/8.5.0')).toBe('curl');
    expect(userAgentFamily('something')).toBe('Other');
    expect(userAgentFamily(undefined)).toBeNull();
  });
});
