/**
 * What ws2web-relay prints when it starts: the URLs to open (a wildcard --host lists the
 * reachable addresses, from an interface table given here, not this machine's) and one line for a
 * failed listen. The CLI's own output is checked in integration/process.test.ts.
 */
import { createServer, type AddressInfo } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isWildcardHost, listeningLines, reachableAddresses, startFailureLine } from '../src/cli-messages.js';

function info(address: string, internal = false): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return address.includes(':') ? { ...common, family: 'IPv6', scopeid: 0 } : { ...common, family: 'IPv4' };
}

const INTERFACES = {
  lo: [info('127.0.0.1', true), info('::1', true)],
  eth0: [info('192.0.2.7'), info('2001:db8::7'), info('fe80::1')],
  wlan0: [info('198.51.100.3'), info('192.0.2.7')],
};

describe('listeningLines', () => {
  it('prints the one URL of a relay bound to one address', () => {
    expect(listeningLines({ host: '127.0.0.1', port: 8787, tls: false }, INTERFACES)).toEqual([
      'ws2web relay listening on ws://127.0.0.1:8787/',
    ]);
    expect(listeningLines({ host: '::1', port: 443, tls: true }, INTERFACES)).toEqual([
      'ws2web relay listening on wss://[::1]:443/',
    ]);
  });

  it('--host 0.0.0.0: loopback first, then every IPv4 interface address once, never 0.0.0.0', () => {
    expect(listeningLines({ host: '0.0.0.0', port: 8787, tls: false }, INTERFACES)).toEqual([
      'ws2web relay listening on ws://127.0.0.1:8787/',
      '  bound to 0.0.0.0 (every IPv4 address of this host), so also on:',
      '  ws://192.0.2.7:8787/',
      '  ws://198.51.100.3:8787/',
    ]);
  });

  it('--host ::: both loopbacks and both families, bracketed, without link-local addresses', () => {
    expect(listeningLines({ host: '::', port: 9000, tls: true }, INTERFACES)).toEqual([
      'ws2web relay listening on wss://127.0.0.1:9000/',
      '  bound to :: (every IPv6 and IPv4 address of this host), so also on:',
      '  wss://[::1]:9000/',
      '  wss://192.0.2.7:9000/',
      '  wss://[2001:db8::7]:9000/',
      '  wss://198.51.100.3:9000/',
    ]);
  });

  it('a host with no other interface still says what it is bound to', () => {
    expect(listeningLines({ host: '0.0.0.0', port: 1, tls: false }, { lo: [info('127.0.0.1', true)] })).toEqual([
      'ws2web relay listening on ws://127.0.0.1:1/',
      '  bound to 0.0.0.0 (every IPv4 address of this host)',
    ]);
  });
});

describe('isWildcardHost and reachableAddresses', () => {
  it('knows every spelling of the unspecified addresses and nothing else', () => {
    for (const host of ['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0'])
      expect([host, isWildcardHost(host)]).toEqual([host, true]);
    for (const host of ['127.0.0.1', '::1', 'localhost', '0.0.0.1', ''])
      expect([host, isWildcardHost(host)]).toEqual([host, false]);
    expect(reachableAddresses('relay.example', INTERFACES)).toEqual(['relay.example']);
  });
});

describe('startFailureLine', () => {
  it('says EADDRINUSE once, with the address and what to do (a real failed listen)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const second = createServer();
    const error = await new Promise<Error>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    const line = startFailureLine(error);
    expect(line).toBe(
      `ws2web-relay: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE); another process listens there; stop it or pick another --port (0 picks a free one)`,
    );
    expect(line.match(/EADDRINUSE/g)).toHaveLength(1);
  });

  it('brackets an IPv6 address and keeps errors without a code as they are', () => {
    const error = Object.assign(new Error('listen EACCES: permission denied ::1:80'), {
      code: 'EACCES',
      syscall: 'listen',
      address: '::1',
      port: 80,
    });
    expect(startFailureLine(error)).toBe(
      'ws2web-relay: cannot listen on [::1]:80: permission denied (EACCES); ports below 1024 need privileges; pick another --port',
    );
    expect(startFailureLine(new RangeError('port must be 0-65535'))).toBe(
      'ws2web-relay: cannot start: port must be 0-65535',
    );
  });
});
