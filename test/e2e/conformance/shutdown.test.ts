/**
 * shutdown as Windows answers it (Wine's ws2_32 test_shutdown records it from real Windows): not
 * connected, each direction on its own and SD_BOTH, a peer that closed, overlapped receives
 * pending across it, a listener, and UDP. Success clears the last error (Windows 7 and later) or
 * leaves it; a shut direction fails with WSAESHUTDOWN while the socket stays connected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { acceptWithin, inboundWinsock, listeningSocket, localName, type Listening } from '../../fixtures/inbound.js';
import {
  eventually,
  lastError,
  present,
  releaseWinsocks,
  tcpSocket,
  udpSocket,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS, sendText, setNonBlocking, tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, SD_RECEIVE, SD_SEND, SD_BOTH, WSA_IO_PENDING, WSA_WAIT_EVENT_0 } = ws2;

afterEach(releaseWinsocks);

/** shutdown succeeds, and the last error is 0 (Windows 7 and later) or left as it was. */
function shutdownOk(w: Winsock, s: number, how: number, what: string): void {
  w.WSASetLastError(0xdead);
  expect(w.shutdown(s, how), `${what}: ${lastError(w)}`).toBe(0);
  expect([0, 0xdead], `${what}: the last error`).toContain(w.WSAGetLastError());
}

function shutdownFails(w: Winsock, s: number, how: number, error: string, what: string): void {
  w.WSASetLastError(0xdead);
  expect(w.shutdown(s, how), what).toBe(SOCKET_ERROR);
  expect(lastError(w), what).toBe(error);
}

async function recvFails(w: Winsock, s: number, error: string, what: string): Promise<void> {
  w.WSASetLastError(0xdead);
  expect(await w.recv(s, new Uint8Array(5), 5, 0), what).toBe(SOCKET_ERROR);
  expect(lastError(w), what).toBe(error);
}

async function sendFails(w: Winsock, s: number, error: string, what: string): Promise<void> {
  w.WSASetLastError(0xdead);
  expect(await w.send(s, new TextEncoder().encode('test\0'), 5, 0), what).toBe(SOCKET_ERROR);
  expect(lastError(w), what).toBe(error);
}

function peerName(w: Winsock, s: number): { address: string; port: number; family: number } {
  const name = new Uint8Array(28);
  const len = { value: name.length };
  expect(w.getpeername(s, name, len), `getpeername: ${lastError(w)}`).toBe(0);
  return ws2.parseSockaddr(name.subarray(0, len.value));
}

/** Both ends still name each other after the shutdowns. */
function stillConnected(w: Winsock, l: Listening, client: number, server: number): void {
  expect(peerName(w, client)).toMatchObject({ address: '127.0.0.1', port: l.port });
  const local = localName(w, client);
  expect(typeof local, `getsockname: ${String(local)}`).toBe('object');
  expect(peerName(w, server)).toEqual(local);
}

async function connectedTo(w: Winsock, l: Listening): Promise<{ client: number; server: number }> {
  return tcpSocketPair(w, l);
}

describe('shutdown (test_shutdown)', () => {
  it('TCP: not connected, SD_SEND, SD_RECEIVE, a bad how, SD_BOTH, a listener', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { backlog: 1 });
    let client = tcpSocket(w);
    shutdownFails(w, client, SD_SEND, 'WSAENOTCONN', 'SD_SEND before connect');
    shutdownFails(w, client, SD_RECEIVE, 'WSAENOTCONN', 'SD_RECEIVE before connect');
    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(client, to, to.length), lastError(w)).toBe(0);
    let server = (await acceptWithin(w, l.s)).s;
    setNonBlocking(w, client, true);

    shutdownOk(w, client, SD_SEND, 'SD_SEND');
    shutdownOk(w, client, SD_SEND, 'SD_SEND again');
    await sendFails(w, client, 'WSAESHUTDOWN', 'send after SD_SEND');
    expect(await w.recv(server, new Uint8Array(5), 5, 0), 'the peer reads the end').toBe(0);
    expect(await w.recv(server, new Uint8Array(5), 5, 0), 'and again').toBe(0);
    shutdownOk(w, server, SD_RECEIVE, "the peer's SD_RECEIVE");
    await recvFails(w, server, 'WSAESHUTDOWN', "the peer's recv after SD_RECEIVE");
    await sendText(w, server, 'test\0');
    const got = new Uint8Array(5);
    await expect.poll(() => fionreadOf(w, client), { timeout: EXPECT_MS }).toBe(5);
    expect(await w.recv(client, got, 5, 0), lastError(w)).toBe(5);
    expect(new TextDecoder().decode(got)).toBe('test\0');
    shutdownOk(w, client, SD_RECEIVE, 'SD_RECEIVE');
    await recvFails(w, client, 'WSAESHUTDOWN', 'recv after SD_RECEIVE');
    await recvFails(w, client, 'WSAESHUTDOWN', 'recv after SD_RECEIVE, again');
    shutdownOk(w, server, SD_SEND, "the peer's SD_SEND");
    await sendFails(w, server, 'WSAESHUTDOWN', "the peer's send after SD_SEND");
    stillConnected(w, l, client, server);
    w.WSASetLastError(0xdead);
    expect(await w.connect(client, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEISCONN');
    shutdownFails(w, client, 0xdeadbeef, 'WSAEINVAL', 'how 0xdeadbeef');
    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);

    ({ client, server } = await connectedTo(w, l));
    shutdownOk(w, client, SD_BOTH, 'SD_BOTH');
    await recvFails(w, client, 'WSAESHUTDOWN', 'recv after SD_BOTH');
    await sendFails(w, client, 'WSAESHUTDOWN', 'send after SD_BOTH');
    expect(await w.recv(server, new Uint8Array(5), 5, 0), 'the peer reads the end').toBe(0);
    shutdownOk(w, server, SD_BOTH, "the peer's SD_BOTH");
    await recvFails(w, server, 'WSAESHUTDOWN', "the peer's recv after SD_BOTH");
    await sendFails(w, server, 'WSAESHUTDOWN', "the peer's send after SD_BOTH");
    stillConnected(w, l, client, server);
    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);

    shutdownFails(w, l.s, SD_SEND, 'WSAENOTCONN', 'SD_SEND on a listener');
    shutdownFails(w, l.s, SD_RECEIVE, 'WSAENOTCONN', 'SD_RECEIVE on a listener');
    expect(w.closesocket(l.s)).toBe(0);
  });

  // Windows' recv fails with WSAECONNABORTED: on loopback the peer's reset is there before it.
  // Here the reset reaches the page a relay round trip after the send, so recv may first report
  // the FIN that already arrived (0); either way no data and no hang.
  it('TCP: data sent to a peer that shut down and closed is refused by it', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    shutdownOk(w, client, SD_SEND, 'SD_SEND');
    expect(w.closesocket(client)).toBe(0);
    await sendText(w, server, 'test\0');
    expect(
      ['succeeded with 0', 'WSAECONNABORTED', 'WSAECONNRESET'],
      'recv after the closed peer refused the data',
    ).toContain(await syncRecvError(w, server));
    expect(w.closesocket(server)).toBe(0);
  });

  it('TCP: overlapped receives across SD_RECEIVE and the peer-side SD_SEND', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    const buf = new Uint8Array(5);
    const ov = { hEvent: w.WSACreateEvent() };
    const flags = { value: 0 };
    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 5, buf }], 1, { value: 0 }, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(w.shutdown(client, SD_RECEIVE), lastError(w)).toBe(0);
    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 5, buf }], 1, { value: 0 }, flags, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'WSARecv after SD_RECEIVE').toBe('WSAESHUTDOWN');
    await sendText(w, server, 'test\0');
    const event = present(ov.hEvent, 'hEvent');
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, EXPECT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    const size = { value: 0xdeadbeef };
    expect(await w.WSAGetOverlappedResult(client, ov, size, false, { value: 0 }), lastError(w)).toBe(true);
    expect(size.value, 'the pending receive still completes').toBe(5);
    expect(new TextDecoder().decode(buf)).toBe('test\0');
    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 5, buf }], 1, { value: 0 }, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'overlapped WSARecv after SD_RECEIVE').toBe('WSAESHUTDOWN');

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(server, [{ len: 5, buf }], 1, { value: 0 }, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(w.shutdown(client, SD_SEND), lastError(w)).toBe(0);
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, EXPECT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    size.value = 0xdeadbeef;
    expect(await w.WSAGetOverlappedResult(server, ov, size, false, { value: 0 }), lastError(w)).toBe(true);
    expect(size.value, "the peer's pending receive completes with the end").toBe(0);
    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
  });

  it('UDP: SD_RECEIVE, SD_SEND twice, then sendto', async () => {
    const w = inboundWinsock();
    const client = udpSocket(w);
    const server = udpSocket(w);
    const here = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(server, here, here.length), lastError(w)).toBe(0);
    let port = 0;
    const known = await eventually(() => {
      const n = localName(w, server);
      port = typeof n === 'string' ? 0 : n.port;
      return port !== 0;
    }, EXPECT_MS);
    expect(known, "getsockname gives the relay's port").toBe(true);
    setNonBlocking(w, server, true);
    shutdownOk(w, server, SD_RECEIVE, 'UDP SD_RECEIVE');
    w.WSASetLastError(0xdead);
    expect(await w.recvfrom(server, new Uint8Array(5), 5, 0, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'recvfrom after SD_RECEIVE').toBe('WSAESHUTDOWN');
    const to = ws2.sockaddrIn('127.0.0.1', port);
    const data = new TextEncoder().encode('test\0');
    expect(await w.sendto(client, data, 5, 0, to, to.length), lastError(w)).toBe(5);
    shutdownOk(w, client, SD_SEND, 'UDP SD_SEND');
    shutdownOk(w, client, SD_SEND, 'UDP SD_SEND again');
    w.WSASetLastError(0xdead);
    expect(await w.sendto(client, data, 5, 0, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'sendto after SD_SEND').toBe('WSAESHUTDOWN');
    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);
  });
});

function fionreadOf(w: Winsock, s: number): number {
  const n = { value: 0 };
  expect(w.ioctlsocket(s, ws2.FIONREAD, n), lastError(w)).toBe(0);
  return n.value;
}

/** Waits until `s` is readable, then the error recv fails with (or 'succeeded'). */
async function syncRecvError(w: Winsock, s: number): Promise<string> {
  const readfds = { fd_count: 1, fd_array: [s] };
  await w.select(0, readfds, null, null, { tv_sec: EXPECT_MS / 1000, tv_usec: 0 });
  const rc = await w.recv(s, new Uint8Array(5), 5, 0);
  return rc === SOCKET_ERROR ? lastError(w) : `succeeded with ${rc}`;
}
