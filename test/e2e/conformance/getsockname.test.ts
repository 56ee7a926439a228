/**
 * getsockname as Windows answers it (Wine's ws2_32 test_getsockname records it from real
 * Windows): an unbound socket is WSAEINVAL with the buffer untouched; a bound one gives its family
 * and address with sin_zero cleared; a length one short of a sockaddr_in is WSAEFAULT, left as it
 * was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, tcpSocket, ws2 } from '../../fixtures/winsock.js';

const { SOCKET_ERROR, AF_INET } = ws2;

afterEach(releaseWinsocks);

describe('getsockname (test_getsockname)', () => {
  it('unbound → WSAEINVAL, bound → the address, a short length → WSAEFAULT', () => {
    const w = inboundWinsock();
    expect(w.WSAStartup(0x0002, {}), 'WSAStartup(2.0)').toBe(0);
    const s = tcpSocket(w);
    const set = ws2.sockaddrIn('0.0.0.0', 0);
    const got = set.slice();
    const len = { value: 16 };
    w.WSASetLastError(0xdead);
    expect(w.getsockname(s, got, len), 'unbound').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(got, 'the buffer is left alone').toEqual(set);

    expect(w.bind(s, set, set.length), lastError(w)).toBe(0);
    w.WSASetLastError(0xdead);
    got.fill(0xcc);
    expect(w.getsockname(s, got, len), 'bound').toBe(0);
    expect([0, 0xdead], 'the last error: cleared or left').toContain(w.WSAGetLastError());
    const view = new DataView(got.buffer);
    expect(view.getUint16(0, true), 'sin_family').toBe(AF_INET);
    // Windows reports the port bind chose; here it is 0 until the relay opens a real socket.
    expect(view.getUint16(2, false), 'sin_port (ours: 0 before the relay opens a socket)').toBe(0);
    expect(view.getUint32(4, false), 'sin_addr: INADDR_ANY').toBe(0);
    expect(got.subarray(8, 16), 'sin_zero').toEqual(new Uint8Array(8));

    const short = { value: 15 };
    w.WSASetLastError(0xdead);
    expect(w.getsockname(s, got, short), 'a length of 15').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(short.value, 'the length is left alone').toBe(15);
    expect(w.closesocket(s)).toBe(0);
  });
});
