/**
 * DNS rebinding on Node: the guard checked one answer, the socket's lookup gets another. The
 * pinned fetch refuses to connect when the address it is about to use is not public; only
 * loopback is ever contacted here.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, pinnedFetch } from '../../src/node/pinned-fetch.ts';

const answers =
  (...addresses: LookupAddress[]) =>
  (_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
    callback(null, addresses);
const loopback = { address: '127.0.0.1', family: 4 };

describe('pinned fetch (Node)', () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('reached'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('does not connect when the host now resolves to a private address', async () => {
    // The control: the same answer through a plain lookup does reach the listener.
    const plain = new Agent({
      connect: {
        lookup: (_host, options, callback) =>
          (options as { all?: boolean }).all
            ? callback(null, [loopback])
            : callback(null, loopback.address, 4),
      },
    });
    const init: RequestInit & { dispatcher: Agent } = { dispatcher: plain };
    const reached = await fetch(`http://rebind.example:${port}/`, init);
    expect(await reached.text()).toBe('reached');
    await plain.close();
    const before = connections;
    const rebound = pinnedFetch([], answers(loopback));
    await expect(rebound(`http://rebind.example:${port}/`)).rejects.toThrow();
    expect(connections).toBe(before);
  });

  it('connects where the allowlist names the host or the address', async () => {
    for (const allow of [['rebind.example'], ['127.0.0.1']]) {
      const res = await pinnedFetch(allow, answers(loopback))(`http://rebind.example:${port}/`);
      expect(await res.text()).toBe('reached');
    }
  });

  it('refuses a host with any non-public address among its answers, names why, and answers the family asked for', async () => {
    const lookup = guardedLookup(
      [],
      answers({ address: '8.8.8.8', family: 4 }, { address: '::1', family: 6 }),
    );
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('mixed.example', { all: true }, (e) => resolve(e)),
    );
    expect(error?.message).toBe('the host resolves to a non-public address');
    const single = guardedLookup([], answers({ address: '8.8.8.8', family: 4 }));
    const answer = await new Promise<unknown[]>((resolve) =>
      single('public.example', {}, (e, address, family) => resolve([e, address, family])),
    );
    expect(answer).toEqual([null, '8.8.8.8', 4]);
    const dual = guardedLookup(
      [],
      answers({ address: '2001:4860:4860::8888', family: 6 }, { address: '8.8.4.4', family: 4 }),
    );
    const ipv4 = await new Promise<unknown[]>((resolve) =>
      dual('dual.example', { family: 4 }, (e, address, family) => resolve([e, address, family])),
    );
    expect(ipv4).toEqual([null, '8.8.4.4', 4]);
  });
});
