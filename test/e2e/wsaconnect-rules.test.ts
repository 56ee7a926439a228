/**
 * One test per rule of Microsoft's WSAConnect reference that applies to a TCP socket, each named
 * after the rule.
 *
 * Rules with no test here, and why:
 *  - WSAENETUNREACH / WSAEHOSTUNREACH / WSAENOBUFS: producing them needs a route or a resource
 *    failure that loopback does not have, and this suite never sends a packet off loopback.
 *  - WSAEINTR / WSAEINPROGRESS: Winsock 1.1 blocking-hook errors; no such calls exist here.
 *  - WSAEACCES for a datagram socket to a broadcast address, and the connectionless remarks:
 *    UDP, outside the TCP half this suite covers. (WSAEACCES from relay policy is tested.)
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { FLOWSPEC, QOS, WSABUF } from '../../packages/browser/src/index.js';
import { Control, text, untext } from '../fixtures/control.js';
import {
  addr,
  collectEvents,
  lastError,
  recvExactly,
  releaseWinsocks,
  tcpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { AF_INET, AF_INET6, SOCKET_ERROR, FIONBIO, FD_CONNECT, FD_CONNECT_BIT } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const { SERVICETYPE_BESTEFFORT, SERVICETYPE_GUARANTEED, QOS_NOT_SPECIFIED } = ws2;

/** FLOWSPEC / QOS as winsock2.h / qos.h lay them out, every rate QOS_NOT_SPECIFIED. */
function flowspec(serviceType: number): FLOWSPEC {
  const NS = QOS_NOT_SPECIFIED;
  return {
    TokenRate: NS,
    TokenBucketSize: NS,
    PeakBandwidth: NS,
    Latency: NS,
    DelayVariation: NS,
    ServiceType: serviceType,
    MaxSduSize: NS,
    MinimumPolicedSize: NS,
  };
}
function qos(serviceType: number): QOS {
  return {
    SendingFlowspec: flowspec(serviceType),
    ReceivingFlowspec: flowspec(serviceType),
    ProviderSpecific: { len: 0, buf: null },
  };
}

/** WSAConnect with the defaults a C caller passes most often (no connect data, no QOS). */
function wsaConnect(
  w: Winsock,
  s: number,
  name: Uint8Array,
  namelen = name.length,
  caller: WSABUF | null = null,
  callee: WSABUF | null = null,
  sqos: QOS | null = null,
  gqos: QOS | null = null,
): Promise<number> {
  return w.WSAConnect(s, name, namelen, caller, callee, sqos, gqos);
}

async function expectConnectError(w: Winsock, p: Promise<number>, code: string): Promise<void> {
  expect(await p).toBe(SOCKET_ERROR);
  expect(lastError(w)).toBe(code);
}

describe('WSAConnect (seed rules, TCP)', () => {
  it('returns 0 on success on a blocking socket; the socket is ready to send and receive', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
    expect(await w.send(s, text('ping'), 4, 0)).toBe(4);
    expect(untext(await recvExactly(w, s, 4))).toBe('ping');
  });

  it('WSANOTINITIALISED: a successful WSAStartup must come first (calls after the last WSACleanup fail)', async () => {
    const echo = await control.echo();
    const w = ws2.createWinsock({ relay: inject('relayUrl') });
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    const s = tcpSocket(w);
    expect(w.WSACleanup()).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSANOTINITIALISED');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('WSAENETDOWN: the network subsystem failed (the relay cannot be reached)', async () => {
    const dead = await control.refusedPort();
    const echo = await control.echo();
    const w = winsock(`ws://127.0.0.1:${dead}/`);
    await expectConnectError(w, wsaConnect(w, tcpSocket(w), addr(echo.port)), 'WSAENETDOWN');
  });

  it('WSAEADDRINUSE: the local address is in use, found when connect commits the bind', async () => {
    const listening = await control.sink();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    // bind only records the address; the relay finds the conflict when it binds for real.
    const local = addr(listening.port);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSAEADDRINUSE');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('WSAEALREADY: a non-blocking connect is in progress on the socket', async () => {
    const hole = await control.blackhole();
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.ioctlsocket(s, FIONBIO, { value: 1 })).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(hole.port)), 'WSAEWOULDBLOCK');
    await expectConnectError(w, wsaConnect(w, s, addr(hole.port)), 'WSAEALREADY');
    await expectConnectError(w, wsaConnect(w, s, addr(hole.port)), 'WSAEALREADY');
  });

  it('WSAEADDRNOTAVAIL: the remote address is not valid (all-zero address, IPv4 and IPv6)', async () => {
    const echo = await control.echo();
    const w = winsock();
    await expectConnectError(w, wsaConnect(w, tcpSocket(w), addr(echo.port, '0.0.0.0')), 'WSAEADDRNOTAVAIL');
    await expectConnectError(w, wsaConnect(w, tcpSocket(w, AF_INET6), addr(echo.port, '::')), 'WSAEADDRNOTAVAIL');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('WSAEAFNOSUPPORT: an address of another family cannot be used with this socket', async () => {
    const echo = await control.echo('::1');
    const w = winsock();
    const s = tcpSocket(w, AF_INET);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port, '::1')), 'WSAEAFNOSUPPORT');
  });

  it('WSAECONNREFUSED: the attempt was refused; WSAConnect may be called again on the same socket', async () => {
    const port = await control.refusedPort();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    await expectConnectError(w, wsaConnect(w, s, addr(port)), 'WSAECONNREFUSED');
    await expectConnectError(w, wsaConnect(w, s, addr(port)), 'WSAECONNREFUSED');
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
  });

  it('WSAETIMEDOUT: the attempt timed out; WSAConnect may be called again on the same socket', async () => {
    const hole = await control.blackhole();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    await expectConnectError(w, wsaConnect(w, s, addr(hole.port)), 'WSAETIMEDOUT');
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
  });

  it('WSAEFAULT: namelen is too small', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port), 8), 'WSAEFAULT');
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port), 0), 'WSAEFAULT');
    // A name buffer shorter than namelen is not a valid part of the address space either.
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port).subarray(0, 8), 16), 'WSAEFAULT');
    // The socket is untouched: a correct call then works.
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
  });

  it('WSAEINVAL: s is a listening socket', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    expect(w.listen(s, 5), lastError(w)).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSAEINVAL');
  });

  it('WSAEINVAL: lpGQOS is not NULL', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    await expectConnectError(
      w,
      wsaConnect(w, s, addr(echo.port), 16, null, null, null, qos(SERVICETYPE_BESTEFFORT)),
      'WSAEINVAL',
    );
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('WSAEISCONN: the socket is already connected (any attempt to reconnect an active connection)', async () => {
    const echo = await control.echo();
    const other = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSAEISCONN');
    await expectConnectError(w, wsaConnect(w, s, addr(other.port)), 'WSAEISCONN');
    expect((await control.peer(other.id)).connections).toBe(0);
  });

  it('WSAENOTSOCK: the descriptor is not a socket (never created, or closed)', async () => {
    const echo = await control.echo();
    const w = winsock();
    await expectConnectError(w, wsaConnect(w, 0x4321, addr(echo.port)), 'WSAENOTSOCK');
    const s = tcpSocket(w);
    expect(w.closesocket(s)).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSAENOTSOCK');
  });

  it('WSAEOPNOTSUPP: the FLOWSPEC in lpSQOS cannot be satisfied (guaranteed service)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    await expectConnectError(
      w,
      wsaConnect(w, s, addr(echo.port), 16, null, null, qos(SERVICETYPE_GUARANTEED)),
      'WSAEOPNOTSUPP',
    );
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('lpSQOS NULL means no QOS, and a best-effort lpSQOS is accepted', async () => {
    const echo = await control.echo();
    const w = winsock();
    expect(await wsaConnect(w, tcpSocket(w), addr(echo.port), 16, null, null, null), lastError(w)).toBe(0);
    expect(
      await wsaConnect(w, tcpSocket(w), addr(echo.port), 16, null, null, qos(SERVICETYPE_BESTEFFORT)),
      lastError(w),
    ).toBe(0);
  });

  it('WSAEPROTONOSUPPORT: lpCallerData is not supported by the provider (TCP has no connect data)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const caller = { len: 4, buf: text('data') };
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port), 16, caller), 'WSAEPROTONOSUPPORT');
    expect((await control.peer(echo.id)).connections).toBe(0);
    // An empty lpCallerData passes no user data, which is fine.
    expect(await wsaConnect(w, s, addr(echo.port), 16, { len: 0, buf: null }), lastError(w)).toBe(0);
  });

  it('WSAEWOULDBLOCK: non-blocking socket; FD_CONNECT reports completion', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CONNECT), lastError(w)).toBe(0);
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port)), 'WSAEWOULDBLOCK');
    const got = await collectEvents(w, s, ev, FD_CONNECT);
    expect(got.lNetworkEvents & FD_CONNECT).toBe(FD_CONNECT);
    expect(got.iErrorCode[FD_CONNECT_BIT]).toBe(0);
  });

  it('WSAEACCES: the destination is refused (relay policy), and nothing is dialled', async () => {
    const echo = await control.echo();
    const w = winsock(inject('denyRelayUrl'));
    await expectConnectError(w, wsaConnect(w, tcpSocket(w), addr(echo.port)), 'WSAEACCES');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('lpCalleeData.len is set to 0 when no user data comes back (blocking)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const callee = { len: 32, buf: new Uint8Array(32).fill(0xaa) };
    expect(await wsaConnect(w, tcpSocket(w), addr(echo.port), 16, null, callee), lastError(w)).toBe(0);
    expect(callee.len).toBe(0);
    expect(callee.buf.every((b) => b === 0xaa)).toBe(true);
  });

  it('lpCalleeData.len is set to 0 once FD_CONNECT reports completion (non-blocking)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CONNECT), lastError(w)).toBe(0);
    const callee = { len: 32, buf: new Uint8Array(32) };
    await expectConnectError(w, wsaConnect(w, s, addr(echo.port), 16, null, callee), 'WSAEWOULDBLOCK');
    const got = await collectEvents(w, s, ev, FD_CONNECT);
    expect(got.iErrorCode[FD_CONNECT_BIT]).toBe(0);
    expect(callee.len).toBe(0);
  });

  it('an unbound socket is bound by WSAConnect (unique local values assigned; bind then fails with WSAEINVAL)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(await wsaConnect(w, s, addr(echo.port)), lastError(w)).toBe(0);
    const name = new Uint8Array(16);
    const len = { value: 16 };
    expect(w.getsockname(s, name, len), lastError(w)).toBe(0);
    expect(ws2.parseSockaddr(name).port).toBeGreaterThan(0);
    const local = addr(0);
    expect(w.bind(s, local, local.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });
});
