/**
 * SO_RCVTIMEO on a connected TCP socket, as Windows answers it (Wine's ws2_32 test_timeout records
 * it from real Windows): 0 by default, 100 once set; a blocking recv and a non-overlapped WSARecv
 * then fail with WSAETIMEDOUT (the byte count left alone), while an overlapped WSARecv ignores the
 * timeout: still pending after 200 ms, it completes with the byte the peer sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, present, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, WSA_IO_PENDING, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT, SOL_SOCKET, SO_RCVTIMEO } = ws2;

afterEach(releaseWinsocks);

/** getsockopt(SO_RCVTIMEO) as a DWORD. */
function receiveTimeout(w: ReturnType<typeof inboundWinsock>, s: number): { rc: number; len: number; value: number } {
  const out = new Uint8Array(4).fill(0xef);
  const len = { value: 4 };
  const rc = w.getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, out, len);
  return { rc, len: len.value, value: new DataView(out.buffer).getUint32(0, true) };
}

describe('test_timeout', () => {
  it('SO_RCVTIMEO: recv and WSARecv time out, an overlapped WSARecv does not', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    const ov = { hEvent: w.WSACreateEvent() };
    const event = present(ov.hEvent, 'hEvent');

    w.WSASetLastError(0xdead);
    const before = receiveTimeout(w, client);
    expect(before.rc).toBe(0);
    expect(w.WSAGetLastError(), 'getsockopt').toBe(0);
    expect(before.len, 'option length').toBe(4);
    expect(before.value, 'SO_RCVTIMEO by default').toBe(0);

    const hundred = new Uint8Array(4);
    new DataView(hundred.buffer).setUint32(0, 100, true);
    w.WSASetLastError(0xdead);
    expect(w.setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, hundred, 4)).toBe(0);
    expect(w.WSAGetLastError(), 'setsockopt').toBe(0);

    w.WSASetLastError(0xdead);
    const after = receiveTimeout(w, client);
    expect(after.rc).toBe(0);
    expect(w.WSAGetLastError(), 'getsockopt again').toBe(0);
    expect(after.value, 'SO_RCVTIMEO once set').toBe(100);

    const one = new Uint8Array(1);
    w.WSASetLastError(0xdead);
    expect(await w.recv(client, one, 1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'recv').toBe('WSAETIMEDOUT');

    const flags = { value: 0 };
    const size = { value: 0xdeadbeef };
    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 1, buf: one }], 1, size, flags, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w), 'WSARecv').toBe('WSAETIMEDOUT');
    expect(size.value, 'the byte count is left alone').toBe(0xdeadbeef);

    w.WSASetLastError(0xdead);
    expect(await w.WSARecv(client, [{ len: 1, buf: one }], 1, size, flags, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'overlapped WSARecv').toBe(WSA_IO_PENDING);

    // Windows waits 200 ms: twice the timeout, and the receive is still pending.
    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 200, false), 'not timed out').toBe(WSA_WAIT_TIMEOUT);

    expect(await w.send(server, new TextEncoder().encode('a'), 1, 0)).toBe(1);

    expect(await w.WSAWaitForMultipleEvents(1, [event], false, 200, false), 'the byte arrives').toBe(WSA_WAIT_EVENT_0);
    const got = { value: 0 };
    expect(await w.WSAGetOverlappedResult(client, ov, got, false, { value: 0 }), lastError(w)).toBe(true);
    expect(got.value, 'bytes').toBe(1);

    expect(w.closesocket(client)).toBe(0);
    expect(w.closesocket(server)).toBe(0);
    expect(w.WSACloseEvent(event)).toBe(true);
  });
});
