/**
 * getsockopt as Windows answers Wine's ws2_32 test_extendedSocketOptions: SO_MAX_MSG_SIZE of a
 * bound UDP socket, levels that are no level (0xffffffff as IE 3 passed for SOL_SOCKET, and
 * others) → WSAEINVAL, SO_LINGER on UDP → WSAENOPROTOOPT, and on TCP SO_LINGER and SO_DONTLINGER
 * agree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastError, readU32, releaseWinsocks, tcpSocket, udpSocket, winsock, ws2 } from '../../fixtures/winsock.js';

const { SOCKET_ERROR, SOL_SOCKET, SO_MAX_MSG_SIZE, SO_LINGER, SO_DONTLINGER } = ws2;

afterEach(releaseWinsocks);

describe('extended socket options (test_extendedSocketOptions)', () => {
  it('SO_MAX_MSG_SIZE, bad levels and SO_LINGER on UDP; SO_LINGER and SO_DONTLINGER agree on TCP', () => {
    const w = winsock();
    const any = ws2.sockaddrIn('0.0.0.0', 0);
    const u = udpSocket(w);
    expect(w.bind(u, any, any.length), lastError(w)).toBe(0);
    const v = new Uint8Array(4);
    const len = { value: 4 };
    expect(w.getsockopt(u, SOL_SOCKET, SO_MAX_MSG_SIZE, v, len), lastError(w)).toBe(0);
    expect([65507, 65527], 'SO_MAX_MSG_SIZE').toContain(readU32(v));

    for (const level of [0xffffffff, 0x1234ffff, 0x8000ffff, 0x00008000, 0x00000800]) {
      v.set([0xef, 0xbe, 0xad, 0xde]);
      w.WSASetLastError(0xdead);
      expect(w.getsockopt(u, level, SO_MAX_MSG_SIZE, v, { value: 4 }), `level ${level.toString(16)}`).toBe(
        SOCKET_ERROR,
      );
      expect(lastError(w)).toBe('WSAEINVAL');
    }

    expect(w.getsockopt(u, SOL_SOCKET, SO_LINGER, v, { value: 4 }), 'SO_LINGER on UDP').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOPROTOOPT');

    const t = tcpSocket(w);
    expect(w.bind(t, any, any.length), lastError(w)).toBe(0);
    const linger = new Uint8Array(4);
    expect(w.getsockopt(t, SOL_SOCKET, SO_LINGER, linger, { value: 4 }), lastError(w)).toBe(0);
    const dontLinger = new Uint8Array(4);
    expect(w.getsockopt(t, SOL_SOCKET, SO_DONTLINGER, dontLinger, { value: 4 }), lastError(w)).toBe(0);
    const lingerOn = linger[0]! | (linger[1]! << 8);
    expect(lingerOn !== 0, 'SO_DONTLINGER is !l_onoff').toBe(readU32(dontLinger) === 0);
  });
});
