/**
 * getnameinfo with reverse lookups: the host name is the address's PTR name, asked of the relay
 * (RESOLVE REVERSE) and answered by the suite's dnsmasq (REVERSE.named has one PTR record,
 * REVERSE.unnamed none). A relay whose policy refuses the address answers no name, so the page
 * sees the numeric text, or WSAHOST_NOT_FOUND under NI_NAMEREQD.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { REVERSE, ZONE } from '../fixtures/dns-zone.js';
import { errName, releaseWinsocks, winsock, ws2, type Winsock } from '../fixtures/winsock.js';

const { NI_NAMEREQD, NI_NUMERICHOST, NI_NOFQDN, NI_NUMERICSERV, NI_MAXHOST, NI_MAXSERV } = ws2;

afterEach(releaseWinsocks);

async function nameinfo(w: Winsock, address: string, flags: number, hostSize = NI_MAXHOST) {
  const sa = address.includes(':') ? ws2.sockaddrIn6(address, 80) : ws2.sockaddrIn(address, 80);
  const host = { value: '' };
  const serv = { value: '' };
  const rc = await w.getnameinfo(sa, sa.length, host, hostSize, serv, NI_MAXSERV, flags);
  return { rc: errName(rc), host: host.value, serv: serv.value };
}

describe('getnameinfo reverse lookups', () => {
  it('the PTR name of an address that has one, and the service name', async () => {
    const w = winsock();
    expect(await nameinfo(w, REVERSE.named, 0)).toEqual({ rc: '0', host: ZONE.named, serv: 'http' });
    expect(await nameinfo(w, REVERSE.named, NI_NAMEREQD | NI_NUMERICSERV)).toEqual({
      rc: '0',
      host: ZONE.named,
      serv: '80',
    });
  });

  it('NI_NOFQDN keeps the first label; NI_NUMERICHOST asks nothing', async () => {
    const w = winsock();
    expect((await nameinfo(w, REVERSE.named, NI_NOFQDN)).host).toBe('named');
    expect((await nameinfo(w, REVERSE.named, NI_NUMERICHOST)).host).toBe(REVERSE.named);
  });

  it('no PTR record: the numeric text, or WSAHOST_NOT_FOUND with NI_NAMEREQD', async () => {
    const w = winsock();
    expect(await nameinfo(w, REVERSE.unnamed, 0)).toMatchObject({ rc: '0', host: REVERSE.unnamed });
    expect((await nameinfo(w, REVERSE.unnamed, NI_NAMEREQD)).rc).toBe('WSAHOST_NOT_FOUND');
    expect(errName(w.WSAGetLastError())).toBe('WSAHOST_NOT_FOUND');
  });

  it('a buffer too small for the name: WSAEFAULT', async () => {
    const w = winsock();
    expect((await nameinfo(w, REVERSE.named, 0, ZONE.named.length)).rc).toBe('WSAEFAULT');
    expect((await nameinfo(w, REVERSE.named, 0, ZONE.named.length + 1)).rc).toBe('0');
  });

  it('a relay whose policy refuses the address discloses no name', async () => {
    const w = winsock(inject('denyRelayUrl'));
    expect(await nameinfo(w, REVERSE.named, 0)).toMatchObject({ rc: '0', host: REVERSE.named });
    expect((await nameinfo(w, REVERSE.named, NI_NAMEREQD)).rc).toBe('WSAHOST_NOT_FOUND');
  });
});
