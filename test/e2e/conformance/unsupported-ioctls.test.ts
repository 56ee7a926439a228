/**
 * WSAIoctl with codes nobody answers, as Windows answers them (Wine's ws2_32
 * test_unsupported_ioctls records it from real Windows): without lpcbBytesReturned → WSAEFAULT;
 * at once → WSAEOPNOTSUPP with *lpcbBytesReturned 0; overlapped → WSA_IO_PENDING with
 * *lpcbBytesReturned left alone, the operation then completing with the error and 0 bytes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastError, releaseWinsocks, tcpSocket, winsock, ws2 } from '../../fixtures/winsock.js';

const { SOCKET_ERROR, WSAEOPNOTSUPP } = ws2;

afterEach(releaseWinsocks);

/** 0xdeadbeef, FIOASYNC (_IOW('f', 125, u_long)), 0x667e, SIO_FLUSH (_WSAIO(IOC_WS2, 4)). */
const CODES = [0xdeadbeef, 0x8004667d, 0x667e, 0x28000004];

describe('unsupported ioctls (test_unsupported_ioctls)', () => {
  it.each(CODES.map((c) => [`0x${c.toString(16)}`, c] as const))('%s', async (_name, code) => {
    const w = winsock();
    const s = tcpSocket(w);
    const ov = { hEvent: w.WSACreateEvent(), Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };

    w.WSASetLastError(0xdead);
    expect(w.WSAIoctl(s, code, null, 0, null, 0, null, ov, null), 'no lpcbBytesReturned').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');

    const size = { value: 0xdeadbeef };
    w.WSASetLastError(0xdead);
    expect(w.WSAIoctl(s, code, null, 0, null, 0, size, null, null)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEOPNOTSUPP');
    expect(size.value).toBe(0);

    size.value = 0xdeadbeef;
    w.WSASetLastError(0xdead);
    expect(w.WSAIoctl(s, code, null, 0, null, 0, size, ov, null), 'overlapped').toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError(), 'WSA_IO_PENDING').toBe(ws2.WSA_IO_PENDING);
    expect(size.value, '*lpcbBytesReturned left alone').toBe(0xdeadbeef);

    const bytes = { value: 0xdeadbeef };
    expect(await w.WSAGetOverlappedResult(s, ov, bytes, true, { value: 0 }), 'completes with the error').toBe(false);
    expect(lastError(w)).toBe('WSAEOPNOTSUPP');
    expect(bytes.value).toBe(0);
    expect(ov.InternalHigh).toBe(0);
    // Windows' Internal is the NTSTATUS STATUS_NOT_SUPPORTED; the library's Internal holds the
    // Winsock error of a completed operation, for every overlapped call alike.
    expect(ov.Internal).toBe(WSAEOPNOTSUPP);
  });
});
