/**
 * The calls on a socket whose connect is still in progress, as Windows answers them (Wine's
 * ws2_32 test_connecting_socket records it from real Windows): after a non-blocking connect, a
 * second connect is WSAEALREADY, ConnectEx WSAEINVAL (Internal STATUS_PENDING, InternalHigh left),
 * getsockname reports a bound AF_INET address, getpeername the peer, recv and send WSAENOTCONN;
 * after a pending ConnectEx, connect and a second ConnectEx are WSAEINVAL and getpeername is
 * WSAENOTCONN.
 *
 * Windows connects to 192.0.2.0 (TEST-NET: never answered); ours to a loopback port whose accept
 * queue is full, so the SYN is never answered either (test/fixtures/blackhole.ts), and binds
 * 127.0.0.1:0 where Windows binds INADDR_ANY (the suite binds nothing outside loopback).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WSAOVERLAPPED } from '../../../packages/browser/src/index.js';
import { Control } from '../../fixtures/control.js';
import { extensionFunction, inboundWinsock } from '../../fixtures/inbound.js';
import { addr, lastError, releaseWinsocks, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { setNonBlocking } from './event-modes.js';

const { SOCKET_ERROR, STATUS_PENDING, WSA_IO_PENDING, AF_INET } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** A non-blocking TCP socket bound to 127.0.0.1:0; bind succeeds and sets the last error to 0. */
function boundNonBlocking(w: Winsock): number {
  const s = tcpSocket(w);
  setNonBlocking(w, s, true);
  const local = addr(0);
  w.WSASetLastError(0xdead);
  expect(w.bind(s, local, local.length), 'bind').toBe(0);
  expect(w.WSAGetLastError(), 'bind: last error').toBe(0);
  return s;
}

function marked(w: Winsock): WSAOVERLAPPED {
  return { hEvent: w.WSACreateEvent(), Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
}

/** getsockname: its result, the family and the port. */
function sockname(w: Winsock, s: number): { result: number; family: number; port: number } {
  const name = new Uint8Array(16);
  const len = { value: name.length };
  const result = w.getsockname(s, name, len);
  const v = new DataView(name.buffer);
  return { result, family: v.getUint16(0, true), port: v.getUint16(2, false) };
}

/** recv and send on the connecting socket: both SOCKET_ERROR with WSAENOTCONN. */
async function expectNotConnected(w: Winsock, s: number, what: string): Promise<void> {
  expect(await w.recv(s, new Uint8Array(4), 4, 0), `${what}: recv`).toBe(SOCKET_ERROR);
  expect(lastError(w), `${what}: recv`).toBe('WSAENOTCONN');
  expect(await w.send(s, new TextEncoder().encode('data\0'), 5, 0), `${what}: send`).toBe(SOCKET_ERROR);
  expect(lastError(w), `${what}: send`).toBe('WSAENOTCONN');
}

describe('a connecting socket (test_connecting_socket)', () => {
  it('connect in progress: WSAEALREADY, ConnectEx WSAEINVAL, getsockname, getpeername, recv and send', async () => {
    const hole = await control.blackhole();
    const to = addr(hole.port);
    const w = inboundWinsock();
    const client = boundNonBlocking(w);

    expect(await w.connect(client, to, to.length), 'connect').toBe(SOCKET_ERROR);
    expect(lastError(w), 'connect').toBe('WSAEWOULDBLOCK');
    expect(await w.connect(client, to, to.length), 'connect again').toBe(SOCKET_ERROR);
    expect(lastError(w), 'connect again').toBe('WSAEALREADY');

    const ConnectEx = extensionFunction(w, client, ws2.WSAID_CONNECTEX, 'ConnectEx');
    const ov = marked(w);
    expect(await ConnectEx(client, to, to.length, null, 0, { value: 0 }, ov), 'ConnectEx').toBe(false);
    expect(lastError(w), 'ConnectEx').toBe('WSAEINVAL');
    expect(ov.Internal, 'ConnectEx: Internal').toBe(STATUS_PENDING);
    expect(ov.InternalHigh, 'ConnectEx: InternalHigh').toBe(0xdeadbeef);

    const local = sockname(w, client);
    expect(local.result, `getsockname: ${lastError(w)}`).toBe(0);
    expect(local.family, 'getsockname: family').toBe(AF_INET);
    // Windows reports the port the connect bound (nonzero); the relay's socket has one too, but
    // tells it with its answer to the connect, so getsockname reports 0 until then.
    expect(local.port, 'getsockname: port (0 until the relay answers the connect)').toBe(0);

    const peer = new Uint8Array(16);
    const peerLen = { value: peer.length };
    expect(w.getpeername(client, peer, peerLen), `getpeername: ${lastError(w)}`).toBe(0);
    expect(ws2.parseSockaddr(peer.subarray(0, peerLen.value)).port, 'getpeername: the address connected to').toBe(
      hole.port,
    );

    await expectNotConnected(w, client, 'connecting');
    expect(w.closesocket(client)).toBe(0);
  });

  it('ConnectEx in progress: connect and ConnectEx WSAEINVAL, getsockname, getpeername WSAENOTCONN, recv and send', async () => {
    const hole = await control.blackhole();
    const to = addr(hole.port);
    const w = inboundWinsock();
    const client = boundNonBlocking(w);
    const ConnectEx = extensionFunction(w, client, ws2.WSAID_CONNECTEX, 'ConnectEx');

    const pending: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await ConnectEx(client, to, to.length, null, 0, { value: 0 }, pending), 'ConnectEx').toBe(false);
    expect(w.WSAGetLastError(), 'ConnectEx').toBe(WSA_IO_PENDING);

    expect(await w.connect(client, to, to.length), 'connect').toBe(SOCKET_ERROR);
    expect(lastError(w), 'connect').toBe('WSAEINVAL');

    const ov = marked(w);
    expect(await ConnectEx(client, to, to.length, null, 0, { value: 0 }, ov), 'ConnectEx again').toBe(false);
    expect(lastError(w), 'ConnectEx again').toBe('WSAEINVAL');
    expect(ov.Internal, 'ConnectEx again: Internal').toBe(STATUS_PENDING);
    expect(ov.InternalHigh, 'ConnectEx again: InternalHigh').toBe(0xdeadbeef);

    const local = sockname(w, client);
    expect(local.result, `getsockname: ${lastError(w)}`).toBe(0);
    expect(local.family, 'getsockname: family').toBe(AF_INET);
    // Windows reports the port the connect bound (nonzero); the relay's socket has one too, but
    // tells it with its answer to the connect, so getsockname reports 0 until then.
    expect(local.port, 'getsockname: port (0 until the relay answers the connect)').toBe(0);

    const peer = new Uint8Array(16);
    expect(w.getpeername(client, peer, { value: peer.length }), 'getpeername').toBe(SOCKET_ERROR);
    expect(lastError(w), 'getpeername').toBe('WSAENOTCONN');

    await expectNotConnected(w, client, 'ConnectEx pending');
    expect(w.closesocket(client)).toBe(0);
  });
});
