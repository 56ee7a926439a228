/**
 * Wine's ws2_32 protocol.c test_getservbyname, from real Windows: "domain"/udp is port 53 and
 * "telnet"/tcp port 23, s_port in network order, and the names and protocols as asked. Windows'
 * test runs its 125 rounds in three threads at once; JavaScript has one, so ours runs them three
 * times in turn. No network: services are a table in the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { releaseWinsocks, winsock, ws2 } from '../../fixtures/winsock.js';

afterEach(releaseWinsocks);

const SERVICES = [
  { name: 'domain', proto: 'udp', port: 53 },
  { name: 'telnet', proto: 'tcp', port: 23 },
] as const;

describe('getservbyname (test_getservbyname)', () => {
  it('3 × 125 rounds of domain/udp and telnet/tcp: port, protocol and name', () => {
    const w = winsock();
    const wrong: string[] = [];
    for (let thread = 0; thread < 3; thread++) {
      for (const s of SERVICES) w.getservbyname(s.name, s.proto);
      for (let round = 0; round < 125; round++) {
        for (const s of SERVICES) {
          const se = w.getservbyname(s.name, s.proto);
          if (!se) {
            wrong.push(`${s.name}: null`);
            continue;
          }
          if (se.s_port !== ws2.htons(s.port)) wrong.push(`${s.name}: port ${ws2.ntohs(se.s_port)}`);
          if (se.s_proto !== s.proto) wrong.push(`${s.name}: proto ${se.s_proto}`);
          if (se.s_name !== s.name) wrong.push(`${s.name}: name ${se.s_name}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(w.getservbyname('domain', 'udp')?.s_port).toBe(0x3500);
  });
});
