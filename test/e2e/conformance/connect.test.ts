/**
 * connect and ConnectEx as Windows answers them (Wine's ws2_32 test_connect records it from real
 * Windows): the state errors of both (a listener, an unbound socket, a connected one), ConnectEx's
 * NULL overlapped, what it leaves in the WSAOVERLAPPED when it fails at once, its completion with
 * and without first data, a refused ConnectEx, connect on a socket ConnectEx connected (no
 * SO_UPDATE_CONNECT_CONTEXT yet), and a connect after a failed one.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WSAOVERLAPPED } from '../../../packages/browser/src/index.js';
import { Control } from '../../fixtures/control.js';
import { acceptWithin, extensionFunction, inboundWinsock, listeningSocket } from '../../fixtures/inbound.js';
import {
  lastError,
  present,
  recvExactly,
  releaseWinsocks,
  tcpSocket,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS, setNonBlocking, tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET, STATUS_PENDING, WSA_IO_PENDING, WSA_WAIT_EVENT_0, SOL_SOCKET } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** bind(127.0.0.1:0): ConnectEx needs a bound socket. */
function bindLoopback(w: Winsock, s: number): void {
  const any = ws2.sockaddrIn('127.0.0.1', 0);
  expect(w.bind(s, any, any.length), `bind: ${lastError(w)}`).toBe(0);
}

/** An overlapped structure with Windows' test markers in Internal / InternalHigh. */
function marked(w: Winsock): WSAOVERLAPPED {
  return { hEvent: w.WSACreateEvent(), Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
}

type ConnectExFn = Winsock['ConnectEx'];

/** ConnectEx refused at once with `error`: Internal becomes STATUS_PENDING, InternalHigh is left alone. */
async function expectConnectExRefused(
  w: Winsock,
  ConnectEx: ConnectExFn,
  s: number,
  to: Uint8Array,
  error: string,
  what: string,
): Promise<void> {
  const ov = marked(w);
  expect(await ConnectEx(s, to, to.length, null, 0, { value: 0 }, ov), what).toBe(false);
  expect(lastError(w), what).toBe(error);
  expect(ov.Internal, `${what}: Internal`).toBe(STATUS_PENDING);
  expect(ov.InternalHigh, `${what}: InternalHigh`).toBe(0xdeadbeef);
}

/** connect refused at once with `error`. */
async function expectConnectRefused(w: Winsock, s: number, to: Uint8Array, error: string, what: string) {
  expect(await w.connect(s, to, to.length), what).toBe(SOCKET_ERROR);
  expect(lastError(w), what).toBe(error);
}

/** Waits for a pending ConnectEx's event and returns WSAGetOverlappedResult and the bytes sent. */
async function completion(w: Winsock, s: number, ov: WSAOVERLAPPED): Promise<{ ok: boolean; bytes: number }> {
  expect(
    await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, EXPECT_MS, false),
    'ConnectEx completed',
  ).toBe(WSA_WAIT_EVENT_0);
  const bytes = { value: -1 };
  const ok = await w.WSAGetOverlappedResult(s, ov, bytes, false, { value: 0 });
  return { ok, bytes: bytes.value };
}

describe('connect and ConnectEx (test_connect)', () => {
  it('state errors, NULL overlapped, completion with and without first data, connect after ConnectEx', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { backlog: 1 });
    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    let connector = tcpSocket(w);
    const ConnectEx = extensionFunction(w, connector, ws2.WSAID_CONNECTEX, 'ConnectEx');

    await expectConnectRefused(w, l.s, to, 'WSAEINVAL', 'connect on the listener');
    await expectConnectExRefused(w, ConnectEx, l.s, to, 'WSAEINVAL', 'ConnectEx on the listener');
    const ov = { hEvent: w.WSACreateEvent() };
    expect(await ConnectEx(INVALID_SOCKET, to, to.length, null, 0, { value: 0 }, ov)).toBe(false);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(await ConnectEx(connector, to, to.length, null, 0, { value: 0 }, ov), 'unbound').toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');

    bindLoopback(w, connector);
    expect(await ConnectEx(connector, to, to.length, null, 0, { value: 0 }, null), 'NULL overlapped').toBe(false);
    expect(w.WSAGetLastError(), 'ERROR_INVALID_PARAMETER').toBe(ws2.WSA_INVALID_PARAMETER);

    expect(await ConnectEx(connector, to, to.length, null, 0, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(await completion(w, connector, ov)).toEqual({ ok: true, bytes: 0 });

    expect(w.closesocket(connector)).toBe(0);
    connector = tcpSocket(w);
    bindLoopback(w, connector);
    expect(w.closesocket((await acceptWithin(w, l.s)).s)).toBe(0);

    const first = new TextEncoder().encode('123');
    expect(await ConnectEx(connector, to, to.length, first, 3, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    first.fill(0); // ConnectEx took its data at the call
    expect(await completion(w, connector, ov)).toEqual({ ok: true, bytes: 3 });
    const { s: acceptor } = await acceptWithin(w, l.s);
    expect(new TextDecoder().decode(await recvExactly(w, acceptor, 3))).toBe('123');

    // Connected by ConnectEx and SO_UPDATE_CONNECT_CONTEXT not set: connect is WSAEINVAL.
    await expectConnectRefused(w, connector, to, 'WSAEINVAL', 'connect after ConnectEx');
    await expectConnectRefused(w, acceptor, to, 'WSAEISCONN', 'connect on the accepted socket');
    await expectConnectExRefused(w, ConnectEx, connector, to, 'WSAEISCONN', 'ConnectEx after ConnectEx');
    await expectConnectExRefused(w, ConnectEx, acceptor, to, 'WSAEISCONN', 'ConnectEx on the accepted socket');
    // Once the context is updated, the socket is connected as after connect (no Windows record: ours).
    expect(w.setsockopt(connector, SOL_SOCKET, ws2.SO_UPDATE_CONNECT_CONTEXT, null, 0), lastError(w)).toBe(0);
    await expectConnectRefused(w, connector, to, 'WSAEISCONN', 'connect after SO_UPDATE_CONNECT_CONTEXT');
    expect(w.closesocket(connector)).toBe(0);
    expect(w.closesocket(acceptor)).toBe(0);

    const pair = await tcpSocketPair(w, l);
    for (const [s, what] of [
      [pair.client, 'the connected socket'],
      [pair.server, 'the accepted socket'],
    ] as const) {
      await expectConnectRefused(w, s, to, 'WSAEISCONN', `connect on ${what}`);
      await expectConnectExRefused(w, ConnectEx, s, to, 'WSAEISCONN', `ConnectEx on ${what}`);
    }
    expect(w.closesocket(pair.client)).toBe(0);
    expect(w.closesocket(pair.server)).toBe(0);
    expect(w.closesocket(l.s)).toBe(0);
  });

  it('a refused ConnectEx completes with WSAECONNREFUSED; connect after a failed connect works', async () => {
    const w = inboundWinsock();
    const refused = ws2.sockaddrIn('127.0.0.1', await control.refusedPort());
    let connector = tcpSocket(w);
    const ConnectEx = extensionFunction(w, connector, ws2.WSAID_CONNECTEX, 'ConnectEx');
    bindLoopback(w, connector);
    const ov = { hEvent: w.WSACreateEvent() };
    expect(await ConnectEx(connector, refused, refused.length, null, 0, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect((await completion(w, connector, ov)).ok).toBe(false);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
    expect(w.closesocket(connector)).toBe(0);

    const l = await listeningSocket(w, { backlog: 1 });
    connector = tcpSocket(w);
    await expectConnectRefused(w, connector, refused, 'WSAECONNREFUSED', 'a refused blocking connect');
    setNonBlocking(w, connector, true);
    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    await expectConnectRefused(w, connector, to, 'WSAEWOULDBLOCK', 'connect after the failed one');
    const { s: acceptor } = await acceptWithin(w, l.s);
    expect(w.closesocket(acceptor)).toBe(0);
    expect(w.closesocket(connector)).toBe(0);
    expect(w.closesocket(l.s)).toBe(0);
  });
});
