/**
 * IPv6 end to end: AF_INET6 sockets to servers on ::1, the sockaddr_in6 layout (flowinfo,
 * scope_id) through the relay, IPV6_V6ONLY (TRUE by default, as Windows), and dual-stack
 * sockets reaching IPv4 through IPv4-mapped addresses.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, text, untext } from '../fixtures/control.js';
import {
  addr,
  connectedSocket,
  lastError,
  readU32,
  recvExactly,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  u32,
  udpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { AF_INET6, SOCKET_ERROR } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

function v6only(w: Winsock, s: number): number {
  const val = new Uint8Array(4).fill(0xee);
  const len = { value: 4 };
  expect(w.getsockopt(s, ws2.IPPROTO_IPV6, ws2.IPV6_V6ONLY, val, len), lastError(w)).toBe(0);
  expect(len.value).toBe(4);
  return readU32(val);
}

function setV6only(w: Winsock, s: number, on: boolean): void {
  expect(w.setsockopt(s, ws2.IPPROTO_IPV6, ws2.IPV6_V6ONLY, u32(on ? 1 : 0), 4), lastError(w)).toBe(0);
}

function peerBytes(w: Winsock, s: number): Uint8Array {
  const name = new Uint8Array(28).fill(0xee);
  const len = { value: name.length };
  expect(w.getpeername(s, name, len), lastError(w)).toBe(0);
  expect(len.value).toBe(28);
  return name;
}

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('AF_INET6', () => {
  it('TCP to an echo server on ::1: data both ways; getsockname/getpeername are 28-byte sockaddr_in6', async () => {
    const echo = await control.echo('::1');
    const w = winsock();
    const s = await connectedSocket(w, echo.port, '::1');
    expect(await w.send(s, text('six'), 3, 0)).toBe(3);
    expect(untext(await recvExactly(w, s, 3))).toBe('six');
    expect(ws2.parseSockaddr(peerBytes(w, s))).toMatchObject({ family: AF_INET6, address: '::1', port: echo.port });
    const local = new Uint8Array(28);
    const len = { value: 28 };
    expect(w.getsockname(s, local, len), lastError(w)).toBe(0);
    expect(len.value).toBe(28);
    const st = await control.peer(echo.id, 'connected');
    expect(ws2.parseSockaddr(local)).toMatchObject({ family: AF_INET6, address: '::1', port: st.last!.remotePort });
  });

  it('sockaddr_in6 flowinfo and scope_id round trip: what connect was given, getpeername gives back', async () => {
    const scoped = ws2.sockaddrIn6('fe80::1', 80, 7);
    expect(scoped.length).toBe(28);
    expect(dv(scoped).getUint16(0, true)).toBe(AF_INET6);
    expect(dv(scoped).getUint16(2, false)).toBe(80);
    expect(dv(scoped).getUint32(24, true), 'scope_id at bytes 24..27').toBe(7);
    expect(dv(scoped).getUint32(4, true), 'flowinfo at bytes 4..7').toBe(0);

    const echo = await control.echo('::1');
    const w = winsock();
    const s = tcpSocket(w, AF_INET6);
    const name = ws2.sockaddrIn6('::1', echo.port, 0);
    dv(name).setUint32(4, 0x000abcde, false); // sin6_flowinfo (network order): a label, never an error
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    const peer = peerBytes(w, s);
    expect(ws2.parseSockaddr(peer)).toMatchObject({ family: AF_INET6, address: '::1', port: echo.port });
    expect([...peer.subarray(4, 8)], 'flowinfo').toEqual([...name.subarray(4, 8)]);
    expect(dv(peer).getUint32(24, true), 'scope_id').toBe(0);
  });

  it('IPV6_V6ONLY is TRUE by default (getsockopt), for TCP and UDP, as on Windows', () => {
    const w = winsock();
    expect(v6only(w, tcpSocket(w, AF_INET6))).toBe(1);
    expect(v6only(w, udpSocket(w, AF_INET6))).toBe(1);
    const s = tcpSocket(w, AF_INET6);
    setV6only(w, s, false);
    expect(v6only(w, s)).toBe(0);
  });
});

describe('dual-stack sockets and IPv4-mapped addresses', () => {
  it('IPV6_V6ONLY 0: an AF_INET6 socket connects to ::ffff:127.0.0.1; getpeername reports ::ffff:127.0.0.1', async () => {
    const echo = await control.echo('127.0.0.1');
    const w = winsock();
    const s = tcpSocket(w, AF_INET6);
    setV6only(w, s, false);
    const name = addr(echo.port, '::ffff:127.0.0.1');
    expect(name.length).toBe(28);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    expect(ws2.parseSockaddr(peerBytes(w, s))).toMatchObject({
      family: AF_INET6,
      address: '::ffff:127.0.0.1',
      port: echo.port,
    });
    expect(await w.send(s, text('mapped'), 6, 0)).toBe(6);
    expect(untext(await recvExactly(w, s, 6))).toBe('mapped');
  });

  it('IPV6_V6ONLY TRUE: connect to ::ffff:127.0.0.1 → WSAEADDRNOTAVAIL, and nothing is dialled', async () => {
    // Windows refuses an IPv4-mapped destination on a V6ONLY socket with 10049 (WSAEADDRNOTAVAIL,
    // "the requested address is not valid in its context"): reported by libwebsockets
    // (warmcat/libwebsockets#2223, #1301) and ACE (DOCGroup/ACE_TAO#1267) on Windows 10.
    // Wine's dlls/ws2_32/tests/sock.c (test_reuseaddr) uses ::ffff:127.0.0.1 only for bind
    // conflicts and has no connect case to compare with.
    const echo = await control.echo('127.0.0.1');
    const w = winsock();
    const s = tcpSocket(w, AF_INET6);
    const name = addr(echo.port, '::ffff:127.0.0.1');
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEADDRNOTAVAIL');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('UDP, IPV6_V6ONLY 0: sendto ::ffff:127.0.0.1 reaches an IPv4 echo; recvfrom reports the mapped source', async () => {
    const echo = await control.udpEcho('127.0.0.1');
    const w = winsock();
    const s = udpSocket(w, AF_INET6);
    setV6only(w, s, false);
    const to = addr(echo.port, '::ffff:127.0.0.1');
    expect(await w.sendto(s, text('mapped udp'), 10, 0, to, to.length), lastError(w)).toBe(10);
    const buf = new Uint8Array(64);
    const from = new Uint8Array(28);
    const fromlen = { value: 28 };
    const rc = await settledWithin(w.recvfrom(s, buf, buf.length, 0, from, fromlen), 5000);
    expect(rc, lastError(w)).toBe(10);
    expect(fromlen.value).toBe(28);
    expect(ws2.parseSockaddr(from)).toMatchObject({ family: AF_INET6, address: '::ffff:127.0.0.1', port: echo.port });
  });
});
