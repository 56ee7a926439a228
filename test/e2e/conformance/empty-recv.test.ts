/**
 * A receive of zero bytes on a connected TCP socket, as Windows answers it (Wine's ws2_32
 * test_empty_recv records it from real Windows): an overlapped WSARecv with no buffers fails with
 * WSAEINVAL; one with a single zero-length buffer goes pending and completes with 0 bytes once
 * data arrives, leaving the data queued; then a zero-length WSARecv and recv(NULL, 0) return 0 at
 * once, and the next recv reads the whole message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, present, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, WSA_IO_PENDING, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT } = ws2;

afterEach(releaseWinsocks);

describe('test_empty_recv', () => {
  it('no buffers, then one empty buffer pending until data arrives, then zero-length receives, then the data', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');
    const flags = { value: 0 };
    const buffer = new Uint8Array(5);

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [], 0, null, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'no buffers').toBe('WSAEINVAL');

    const empty = [{ len: 0, buf: buffer }];
    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, empty, 0, null, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'a buffer, count 0').toBe('WSAEINVAL');

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, empty, 1, null, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'one empty buffer').toBe(WSA_IO_PENDING);

    // (Ours, beyond Windows' test: nothing has arrived, so it is still pending.)
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 0, false), 'still pending').toBe(WSA_WAIT_TIMEOUT);

    expect(await w.send(server, new TextEncoder().encode('data\0'), 5, 0)).toBe(5);

    // Windows waits 1000 ms for the completion.
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 1000, false), 'the empty receive completes').toBe(
      WSA_WAIT_EVENT_0,
    );
    const size = { value: 0xdeadbeef };
    expect(await w.WSAGetOverlappedResult(client, ov, size, false, { value: 0 }), lastError(w)).toBe(true);
    expect(size.value, 'bytes of the empty receive').toBe(0);

    w.WSASetLastError(0xdead);
    const again = { value: 0xdeadbeef };
    expect(await w.WSARecv(client, empty, 1, again, flags, ov, null), lastError(w)).toBe(0);
    expect(again.value, 'bytes of the second empty receive').toBe(0);

    expect(await w.recv(client, new Uint8Array(0), 0, 0), 'recv of 0 bytes').toBe(0);

    expect(await w.recv(client, buffer, 5, 0), lastError(w)).toBe(5);
    expect(new TextDecoder().decode(buffer), 'the data is all still there').toBe('data\0');

    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
  });
});
