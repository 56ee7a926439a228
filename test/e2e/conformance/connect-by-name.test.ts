/**
 * WSAConnectByName as Windows answers it (Wine's ws2_32 test_WSAConnectByName records it from real
 * Windows): every output filled (the local address without its port), outputs without lengths
 * left alone, NULL node or service, short and long lengths, an unknown service, a UDP socket, a
 * non-NULL Reserved. Windows' test connects to winehq.org's "http"; ours to the suite's
 * one.test (A 127.0.0.1, answered by its dnsmasq through the relay) and a loopback echo server's
 * port, given as the service string.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../../fixtures/control.js';
import { ZONE } from '../../fixtures/dns-zone.js';
import { localName } from '../../fixtures/inbound.js';
import {
  lastError,
  releaseWinsocks,
  tcpSocket,
  udpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';

const { AF_INET } = ws2;
const SOCKADDR_IN = 16;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** A sockaddr buffer of SOCKADDR_IN's size, zeroed as Windows' test leaves it. */
const sockaddrIn = () => new Uint8Array(SOCKADDR_IN);
const family = (a: Uint8Array) => new DataView(a.buffer).getUint16(0, true);
const port = (a: Uint8Array) => new DataView(a.buffer).getUint16(2, false);

function peerBytes(w: Winsock, s: number): { rc: number; name: Uint8Array; len: number } {
  const name = sockaddrIn();
  const len = { value: SOCKADDR_IN };
  const rc = w.getpeername(s, name, len);
  return { rc, name, len: len.value };
}

async function echoService(): Promise<string> {
  return String((await control.echo()).port);
}

describe('test_WSAConnectByName', () => {
  it('all outputs: lengths sizeof(SOCKADDR_IN), the local address as getsockname but port 0, the remote as getpeername', async () => {
    const service = await echoService();
    const w = winsock();
    const s = tcpSocket(w);
    const local = sockaddrIn();
    const remote = sockaddrIn();
    const localLen = { value: SOCKADDR_IN };
    const remoteLen = { value: SOCKADDR_IN };
    expect(
      await w.WSAConnectByName(s, ZONE.one, service, localLen, local, remoteLen, remote, null, null),
      lastError(w),
    ).toBe(true);
    const sock = sockaddrIn();
    const sockLen = { value: SOCKADDR_IN };
    expect(w.getsockname(s, sock, sockLen), lastError(w)).toBe(0);
    const peer = peerBytes(w, s);
    expect(peer.rc, lastError(w)).toBe(0);
    expect(sockLen.value, 'getsockname length').toBe(SOCKADDR_IN);
    expect(peer.len, 'getpeername length').toBe(SOCKADDR_IN);
    expect(localLen.value, 'LocalAddressLength').toBe(SOCKADDR_IN);
    expect(remoteLen.value, 'RemoteAddressLength').toBe(SOCKADDR_IN);
    expect(port(local), "LocalAddress's port").toBe(0);
    expect(local.subarray(4, 8), "LocalAddress's address is getsockname's").toEqual(sock.subarray(4, 8));
    expect(remote, 'RemoteAddress is getpeername').toEqual(peer.name);
    expect(family(local)).toBe(AF_INET);
  });

  it('addresses without lengths: connected, nothing written', async () => {
    const service = await echoService();
    const w = winsock();
    const s = tcpSocket(w);
    const local = sockaddrIn();
    const remote = sockaddrIn();
    expect(await w.WSAConnectByName(s, ZONE.one, service, null, local, null, remote, null, null), lastError(w)).toBe(
      true,
    );
    const peer = peerBytes(w, s);
    expect(peer.rc, lastError(w)).toBe(0);
    expect(peer.len).toBe(SOCKADDR_IN);
    const sockLen = { value: SOCKADDR_IN };
    expect(w.getsockname(s, sockaddrIn(), sockLen), lastError(w)).toBe(0);
    expect(sockLen.value, 'getsockname length').toBe(SOCKADDR_IN);
    expect(localName(w, s)).toMatchObject({ address: '127.0.0.1' });
    expect(family(local), 'LocalAddress untouched').toBe(0);
    expect(family(remote), 'RemoteAddress untouched').toBe(0);
  });

  it('NULL node or NULL service → WSAEINVAL (the service checked before the socket, even a closed one)', async () => {
    const service = await echoService();
    const w = winsock();
    expect(await w.WSAConnectByName(tcpSocket(w), null, service, null, null, null, null, null, null)).toBe(false);
    expect(lastError(w), 'NULL nodename').toBe('WSAEINVAL');
    const closed = tcpSocket(w);
    expect(w.closesocket(closed)).toBe(0);
    expect(await w.WSAConnectByName(closed, ZONE.one, null, null, null, null, null, null, null)).toBe(false);
    expect(lastError(w), 'NULL servicename on a closed socket').toBe('WSAEINVAL');
  });

  it('no outputs at all → TRUE; lengths without addresses → TRUE, the lengths sizeof(SOCKADDR_IN)', async () => {
    const service = await echoService();
    const w = winsock();
    expect(
      await w.WSAConnectByName(tcpSocket(w), ZONE.one, service, null, null, null, null, null, null),
      lastError(w),
    ).toBe(true);
    const localLen = { value: SOCKADDR_IN };
    const remoteLen = { value: SOCKADDR_IN };
    const ok = await w.WSAConnectByName(tcpSocket(w), ZONE.one, service, localLen, null, remoteLen, null, null, null);
    expect(ok, lastError(w)).toBe(true);
    expect(localLen.value).toBe(SOCKADDR_IN);
    expect(remoteLen.value).toBe(SOCKADDR_IN);
  });

  it('lengths of 3 → WSAEFAULT, the lengths left at 3; lengths of 50 → TRUE, set to sizeof(SOCKADDR_IN)', async () => {
    const service = await echoService();
    const w = winsock();
    const short = { local: { value: 3 }, remote: { value: 3 } };
    const outs = [sockaddrIn(), sockaddrIn()] as const;
    expect(
      await w.WSAConnectByName(
        tcpSocket(w),
        ZONE.one,
        service,
        short.local,
        outs[0],
        short.remote,
        outs[1],
        null,
        null,
      ),
    ).toBe(false);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(short.local.value).toBe(3);
    expect(short.remote.value).toBe(3);

    const long = { local: { value: 50 }, remote: { value: 50 } };
    const big = [new Uint8Array(50), new Uint8Array(50)] as const;
    const ok = await w.WSAConnectByName(
      tcpSocket(w),
      ZONE.one,
      service,
      long.local,
      big[0],
      long.remote,
      big[1],
      null,
      null,
    );
    expect(ok, lastError(w)).toBe(true);
    expect(long.local.value).toBe(SOCKADDR_IN);
    expect(long.remote.value).toBe(SOCKADDR_IN);
  });

  it('an unknown service → WSATYPE_NOT_FOUND; a UDP socket → WSAEINVAL, WSAEFAULT or WSAEOPNOTSUPP; Reserved set → WSAEINVAL', async () => {
    const service = await echoService();
    const w = winsock();
    expect(
      await w.WSAConnectByName(tcpSocket(w), ZONE.one, 'nonexistentservice', null, null, null, null, null, null),
    ).toBe(false);
    expect(lastError(w)).toBe('WSATYPE_NOT_FOUND');

    expect(await w.WSAConnectByName(udpSocket(w), ZONE.one, service, null, null, null, null, null, null)).toBe(false);
    // Windows 10 1809 and later: WSAEFAULT; before: WSAEOPNOTSUPP or WSAEINVAL.
    expect(['WSAEINVAL', 'WSAEFAULT', 'WSAEOPNOTSUPP']).toContain(lastError(w));

    const overlap = { hEvent: null };
    expect(await w.WSAConnectByName(tcpSocket(w), ZONE.one, service, null, null, null, null, null, overlap)).toBe(
      false,
    );
    expect(lastError(w), 'a non-NULL Reserved').toBe('WSAEINVAL');
  });
});
