/**
 * SIO_KEEPALIVE_VALS through WSAIoctl as Windows answers it (Wine's ws2_32 test_keepalive_vals
 * records it from real Windows): an input shorter than a struct tcp_keepalive or none is WSAEFAULT
 * with *lpcbBytesReturned 0, overlapped it is left alone and Internal says pending; success
 * clears the last error and sets *lpcbBytesReturned to 0, overlapped it leaves it alone and
 * Internal / InternalHigh are 0; any on/off and times are taken.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lastError, releaseWinsocks, tcpSocket, winsock, ws2, type Winsock } from '../../fixtures/winsock.js';

const { SOCKET_ERROR, SIO_KEEPALIVE_VALS, STATUS_PENDING } = ws2;

afterEach(releaseWinsocks);

function keepalive(onoff: number, time: number, interval: number): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, onoff, true);
  v.setUint32(4, time, true);
  v.setUint32(8, interval, true);
  return b;
}

const ioctl = (w: Winsock, ...args: Parameters<Winsock['WSAIoctl']>) => w.WSAIoctl(...args);

describe('SIO_KEEPALIVE_VALS (test_keepalive_vals)', () => {
  it('argument errors, success, overlapped, and every on/off and time', () => {
    const w = winsock();
    const s = tcpSocket(w);
    const size = { value: 0xdeadbeef };
    let ka = keepalive(0, 0, 0);

    w.WSASetLastError(0xdead);
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 0, null, 0, size, null, null), 'cbInBuffer 0').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(size.value).toBe(0);

    size.value = 0xdeadbeef;
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, null, 12, null, 0, size, null, null), 'no input').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(size.value).toBe(0);

    size.value = 0xdeadbeef;
    w.WSASetLastError(0xdead);
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 12, null, 0, size, null, null), lastError(w)).toBe(0);
    expect(w.WSAGetLastError(), 'success clears the last error').toBe(0);
    expect(size.value).toBe(0);

    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 12, null, 0, null, null, null), 'no lpcbBytesReturned').toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEFAULT');
    const ov = { hEvent: null, Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 12, null, 0, null, ov, null), 'overlapped, no lpcbBytesReturned').toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEFAULT');

    size.value = 0xdeadbeef;
    Object.assign(ov, { Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef });
    w.WSASetLastError(0xdead);
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 11, null, 0, size, ov, null), 'overlapped, short input').toBe(
      SOCKET_ERROR,
    );
    expect(lastError(w)).toBe('WSAEFAULT');
    expect(size.value, '*lpcbBytesReturned left alone').toBe(0xdeadbeef);
    expect(ov.Internal, 'Internal is STATUS_PENDING').toBe(STATUS_PENDING);
    expect(ov.InternalHigh).toBe(0xdeadbeef);

    size.value = 0xdeadbeef;
    Object.assign(ov, { Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef });
    w.WSASetLastError(0xdead);
    expect(ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 12, null, 0, size, ov, null), lastError(w)).toBe(0);
    expect(w.WSAGetLastError()).toBe(0);
    expect(size.value, 'overlapped success leaves *lpcbBytesReturned alone').toBe(0xdeadbeef);
    expect([ov.Internal, ov.InternalHigh], 'Internal (status) and InternalHigh').toEqual([0, 0]);

    for (const [onoff, time, interval] of [
      [1, 0, 0],
      [1, 1000, 1000],
      [1, 10000, 10000],
      [1, 100, 100],
      [0, 100, 100],
    ] as const) {
      ka = keepalive(onoff, time, interval);
      expect(
        ioctl(w, s, SIO_KEEPALIVE_VALS, ka, 12, null, 0, size, null, null),
        `{${onoff}, ${time}, ${interval}}`,
      ).toBe(0);
    }
  });
});
