/**
 * DisconnectEx as Windows answers it (Wine's ws2_32 test_DisconnectEx records it from real
 * Windows): no socket, not connected, then overlapped and synchronous: the socket stays connected
 * (connect is WSAEISCONN, getpeername / getsockname answer) but sends no more, the peer reads the
 * end of the stream and can still send to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  acceptWithin,
  extensionFunction,
  inboundWinsock,
  listeningSocket,
  localName,
  type Listening,
} from '../../fixtures/inbound.js';
import {
  lastError,
  present,
  recvExactly,
  releaseWinsocks,
  tcpSocket,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS, sendText } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET, WSA_IO_PENDING, WSA_WAIT_EVENT_0 } = ws2;

afterEach(releaseWinsocks);

function peerName(w: Winsock, s: number): Uint8Array {
  const name = new Uint8Array(28);
  const len = { value: name.length };
  expect(w.getpeername(s, name, len), `getpeername: ${lastError(w)}`).toBe(0);
  return name.subarray(0, len.value);
}

/** What Windows checks after either kind of DisconnectEx. */
async function afterDisconnect(w: Winsock, l: Listening, client: number, server: number): Promise<void> {
  const to = ws2.sockaddrIn('127.0.0.1', l.port);
  expect(await w.connect(client, to, to.length), 'connect after DisconnectEx').toBe(SOCKET_ERROR);
  expect(lastError(w)).toBe('WSAEISCONN');
  expect(await w.send(client, new Uint8Array(5), 5, 0), 'send after DisconnectEx').toBe(SOCKET_ERROR);
  expect(lastError(w)).toBe('WSAESHUTDOWN');
  expect(await w.recv(server, new Uint8Array(5), 5, 0), 'the peer reads the end').toBe(0);
  await sendText(w, server, 'test\0');
  expect(new TextDecoder().decode(await recvExactly(w, client, 5))).toBe('test\0');
  expect(ws2.parseSockaddr(peerName(w, client))).toMatchObject({ address: '127.0.0.1', port: l.port });
  const local = localName(w, client);
  expect(typeof local, `getsockname: ${String(local)}`).toBe('object');
  expect(ws2.parseSockaddr(peerName(w, server))).toEqual(local);
}

describe('DisconnectEx (test_DisconnectEx)', () => {
  it('no socket, not connected; overlapped, then synchronous twice', async () => {
    const w = inboundWinsock();
    let client = tcpSocket(w);
    const DisconnectEx = extensionFunction(w, client, ws2.WSAID_DISCONNECTEX, 'DisconnectEx');
    const l = await listeningSocket(w, { backlog: 1 });
    const ov = { hEvent: w.WSACreateEvent() };
    expect(DisconnectEx(INVALID_SOCKET, ov, 0, 0)).toBe(false);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(DisconnectEx(client, ov, 0, 0), 'not connected').toBe(false);
    expect(lastError(w)).toBe('WSAENOTCONN');

    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(client, to, to.length), lastError(w)).toBe(0);
    let server = (await acceptWithin(w, l.s)).s;
    expect(DisconnectEx(client, ov, 0, 0)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, EXPECT_MS, false)).toBe(
      WSA_WAIT_EVENT_0,
    );
    const size = { value: 0xdeadbeef };
    expect(await w.WSAGetOverlappedResult(client, ov, size, false, { value: 0 }), lastError(w)).toBe(true);
    expect(size.value).toBe(0);
    await afterDisconnect(w, l, client, server);
    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);

    client = tcpSocket(w);
    expect(await w.connect(client, to, to.length), lastError(w)).toBe(0);
    server = (await acceptWithin(w, l.s)).s;
    for (const time of ['first', 'second']) {
      w.WSASetLastError(0xdead);
      expect(DisconnectEx(client, null, 0, 0), `${time} synchronous DisconnectEx`).toBe(true);
      expect(w.WSAGetLastError(), 'the last error').toBe(0);
    }
    await afterDisconnect(w, l, client, server);
    for (const s of [client, server, l.s]) expect(w.closesocket(s)).toBe(0);
  });
});
