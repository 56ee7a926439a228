/**
 * getpeername as Windows answers it (Wine's ws2_32 test_getpeername records it from real
 * Windows): the order of its checks, sendto leaving a UDP socket unconnected, and the buffer
 * rules once connected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localName, inboundWinsock } from '../../fixtures/inbound.js';
import { eventually, lastError, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { EXPECT_MS } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET, AF_INET, SOCK_DGRAM, IPPROTO_IP } = ws2;

afterEach(releaseWinsocks);

describe('getpeername (test_getpeername)', () => {
  it('no socket, not connected (also after sendto), then the buffer rules of a connected UDP socket', async () => {
    const w = inboundWinsock();
    expect(w.getpeername(INVALID_SOCKET, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');

    const sock = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_IP);
    expect(sock, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(w.getpeername(sock, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');

    // The destination is a UDP socket of ours, so the datagram stays on this machine's loopback.
    const target = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_IP);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(target, any, any.length), lastError(w)).toBe(0);
    let port = 0;
    expect(
      await eventually(() => {
        const n = localName(w, target);
        port = typeof n === 'string' ? 0 : n.port;
        return port !== 0;
      }, EXPECT_MS),
    ).toBe(true);
    const sa = ws2.sockaddrIn('127.0.0.1', port);
    const hello = new TextEncoder().encode('hello world\0');
    expect(await w.sendto(sock, hello, hello.length, 0, sa, sa.length), lastError(w)).toBe(hello.length);
    expect(w.getpeername(sock, null, null), 'sendto does not connect').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');

    expect(await w.connect(sock, sa, sa.length), lastError(w)).toBe(0);
    expect(w.getpeername(sock, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(w.getpeername(sock, new Uint8Array(16), null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    let len = { value: 0 };
    expect(w.getpeername(sock, null, len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(len.value).toBe(0);
    const ss = new Uint8Array(128);
    len = { value: 0 };
    expect(w.getpeername(sock, ss, len)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(len.value).toBe(0);
    len = { value: ss.length };
    expect(w.getpeername(sock, ss, len), lastError(w)).toBe(0);
    expect(ss.subarray(0, sa.length)).toEqual(sa);
    expect(len.value).toBe(sa.length);
  });
});
