/**
 * Wine's ws2_32 protocol.c test_getprotobyname and test_getprotobynumber, from real Windows: its
 * protocol table by name, by alias and by the name in capitals, and every number from -1 to 256
 * (the 19 in the table with their name and first alias, the others undefined). No network: the
 * table is in the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { errName, releaseWinsocks, winsock } from '../../fixtures/winsock.js';

afterEach(releaseWinsocks);

/** Windows' protocol numbers with their name and first alias, as Windows' test lists them. */
const PROTOCOLS: readonly (readonly [number, string, string])[] = [
  [0, 'ip', 'IP'],
  [1, 'icmp', 'ICMP'],
  [3, 'ggp', 'GGP'],
  [6, 'tcp', 'TCP'],
  [8, 'egp', 'EGP'],
  [12, 'pup', 'PUP'],
  [17, 'udp', 'UDP'],
  [20, 'hmp', 'HMP'],
  [22, 'xns-idp', 'XNS-IDP'],
  [27, 'rdp', 'RDP'],
  [41, 'ipv6', 'IPv6'],
  [43, 'ipv6-route', 'IPv6-Route'],
  [44, 'ipv6-frag', 'IPv6-Frag'],
  [50, 'esp', 'ESP'],
  [51, 'ah', 'AH'],
  [58, 'ipv6-icmp', 'IPv6-ICMP'],
  [59, 'ipv6-nonxt', 'IPv6-NoNxt'],
  [60, 'ipv6-opts', 'IPv6-Opts'],
  [66, 'rvd', 'RVD'],
];

describe('getprotobyname (test_getprotobyname)', () => {
  it('each protocol by its name, its alias and its name in capitals (57 lookups)', () => {
    const w = winsock();
    const wrong: string[] = [];
    let checked = 0;
    for (const [number, name, alias] of PROTOCOLS) {
      for (const asked of [name, alias, name.toUpperCase()]) {
        checked++;
        const pe = w.getprotobyname(asked);
        if (pe?.p_proto !== number) wrong.push(`${asked}: ${pe ? pe.p_proto : 'null'}, expected ${number}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(57);
  });

  it('a name not in the table is null with WSANO_DATA', () => {
    const w = winsock();
    expect(w.getprotobyname('igmp')).toBeNull();
    expect(errName(w.WSAGetLastError())).toBe('WSANO_DATA');
  });
});

describe('getprotobynumber (test_getprotobynumber)', () => {
  it('-1 … 256: the 19 protocols with name and first alias, every other number undefined', () => {
    const w = winsock();
    const byNumber = new Map(PROTOCOLS.map(([n, name, alias]) => [n, { name, alias }]));
    const wrong: string[] = [];
    let checked = 0;
    for (let i = -1; i <= 256; i++) {
      const pe = w.getprotobynumber(i);
      const ref = byNumber.get(i);
      if (!ref) {
        checked++;
        if (pe) wrong.push(`${i}: ${pe.p_name}, expected undefined`);
        else if (errName(w.WSAGetLastError()) !== 'WSANO_DATA') wrong.push(`${i}: error ${w.WSAGetLastError()}`);
        continue;
      }
      checked += 2;
      if (pe?.p_name !== ref.name) wrong.push(`${i}: name ${pe?.p_name}, expected ${ref.name}`);
      if (pe?.p_aliases[0] !== ref.alias) wrong.push(`${i}: alias ${pe?.p_aliases[0]}, expected ${ref.alias}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(277);
  });
});
