/**
 * WSAGetOverlappedResult on a handle that is no socket, as Windows answers it (Wine's ws2_32
 * test_WSAGetOverlappedResult records it from real Windows): FALSE with WSAENOTSOCK. The rest of
 * Windows' test writes NTSTATUS values into OVERLAPPED.Internal and reads them back; in
 * JavaScript Internal is the library's to write and WSAGetOverlappedResult answers from the
 * operation itself, so that part is checked on the C path, where Internal is the NTSTATUS
 * (test/wasm/overlapped-result.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, tcpSocket } from '../../fixtures/winsock.js';

afterEach(releaseWinsocks);

describe('test_WSAGetOverlappedResult', () => {
  it('a handle that is no socket → FALSE with WSAENOTSOCK', () => {
    const w = inboundWinsock();
    const ov = { hEvent: w.WSACreateEvent() };
    w.WSASetLastError(0xdead);
    expect(w.WSAGetOverlappedResult(0xdeadbeef, ov, { value: 0 }, false, { value: 0 })).toBe(false);
    expect(lastError(w)).toBe('WSAENOTSOCK');

    // (Ours, beyond Windows' test: a socket closed before the call is no socket either.)
    const s = tcpSocket(w);
    expect(w.closesocket(s)).toBe(0);
    expect(w.WSAGetOverlappedResult(s, ov, { value: 0 }, false, { value: 0 })).toBe(false);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });
});
