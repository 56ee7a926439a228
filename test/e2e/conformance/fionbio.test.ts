/**
 * FIONBIO through ioctlsocket and WSAIoctl as Windows answers it (Wine's ws2_32 test_fionbio
 * records it from real Windows): a missing lpcbBytesReturned and a short input buffer are
 * WSAEFAULT; success sets the last error to 0 and *lpcbBytesReturned to 0; a
 * longer input buffer is fine; with WSAEventSelect active, FIONBIO 1 works and 0 is WSAEINVAL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, tcpSocket, u32, ws2, type Winsock } from '../../fixtures/winsock.js';

const { SOCKET_ERROR, FIONBIO, FD_READ } = ws2;

afterEach(releaseWinsocks);

const ioctl = (w: Winsock, ...args: Parameters<Winsock['WSAIoctl']>) => w.WSAIoctl(...args);

describe('FIONBIO (test_fionbio)', () => {
  it('argument errors, success, a longer buffer, overlapped, and the WSAEventSelect rule', () => {
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const one = u32(1);
    const zero = u32(0);

    expect(ioctl(w, s, FIONBIO, one, 4, null, 0, null, null, null), 'no lpcbBytesReturned').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    const ov = { hEvent: null, Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
    const size = { value: 0xdeadbeef };
    expect(ioctl(w, s, FIONBIO, one, 3, null, 0, size, ov, null), 'input shorter than a u_long').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');

    size.value = 0xdeadbeef;
    w.WSASetLastError(0xdead);
    expect(ioctl(w, s, FIONBIO, one, 4, null, 0, size, null, null), lastError(w)).toBe(0);
    expect(w.WSAGetLastError(), 'success clears the last error').toBe(0);
    expect(size.value).toBe(0);
    expect(
      ioctl(w, s, FIONBIO, new Uint8Array([1, 0, 0, 0, 0]), 5, null, 0, size, null, null),
      'a longer input buffer',
    ).toBe(0);

    size.value = 0xdeadbeef;
    expect(ioctl(w, s, FIONBIO, one, 4, null, 0, size, ov, null), 'overlapped').toBe(0);
    expect(size.value).toBe(0);
    expect([ov.Internal, ov.InternalHigh], 'Internal (status) and InternalHigh').toEqual([0, 0]);
    expect(ioctl(w, s, FIONBIO, one, 4, null, 0, null, ov, null), 'overlapped, no lpcbBytesReturned').toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEFAULT');

    expect(w.WSAEventSelect(s, w.WSACreateEvent(), FD_READ), lastError(w)).toBe(0);
    expect(ioctl(w, s, FIONBIO, one, 4, null, 0, size, null, null), lastError(w)).toBe(0);
    size.value = 0xdeadbeef;
    expect(ioctl(w, s, FIONBIO, zero, 4, null, 0, size, null, null), 'back to blocking with events selected').toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(size.value).toBe(0);
  });
});
