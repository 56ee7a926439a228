/**
 * FIONREAD and SIOCATMARK through WSAIoctl as Windows answers them (Wine's ws2_32
 * test_fionread_siocatmark records it from real Windows): lpcbBytesReturned required, a short
 * output buffer → WSAEFAULT with *lpcbBytesReturned untouched, success clearing the last error;
 * FIONREAD the bytes buffered, SIOCATMARK TRUE with no urgent data, also on fresh and bound sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, readU32, releaseWinsocks, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { EXPECT_MS, sendText, setNonBlocking, tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, FIONREAD, SIOCATMARK, POLLRDNORM } = ws2;

afterEach(releaseWinsocks);

/** FIONREAD then SIOCATMARK: each succeeds, clears the last error and gives the value. */
function expectValues(w: Winsock, s: number, normal: number, atMark: number, what: string): void {
  for (const [code, want] of [
    [FIONREAD, normal],
    [SIOCATMARK, atMark],
  ] as const) {
    const value = new Uint8Array(4).fill(0xee);
    const size = { value: 0xdeadbeef };
    w.WSASetLastError(0xdead);
    expect(w.WSAIoctl(s, code, null, 0, value, 4, size, null, null), `${what}: ${lastError(w)}`).toBe(0);
    expect(w.WSAGetLastError(), what).toBe(0);
    expect(readU32(value), `${what}: ${code === FIONREAD ? 'FIONREAD' : 'SIOCATMARK'}`).toBe(want);
  }
}

describe('FIONREAD / SIOCATMARK (test_fionread_siocatmark)', () => {
  it('argument errors, values before and after data, overlapped, fresh and bound sockets', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    const value = new Uint8Array(4);
    for (const code of [FIONREAD, SIOCATMARK]) {
      expect(w.WSAIoctl(client, code, null, 0, value, 4, null, null, null)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEFAULT');
      const size = { value: 0xdeadbeef };
      expect(w.WSAIoctl(client, code, null, 0, value, 3, size, null, null)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEFAULT');
      expect(size.value, 'untouched').toBe(0xdeadbeef);
    }
    expectValues(w, client, 0, 1, 'connected, nothing sent');

    const ov = { hEvent: w.WSACreateEvent(), Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
    for (const [code, want] of [
      [FIONREAD, 0],
      [SIOCATMARK, 1],
    ] as const) {
      expect(w.WSAIoctl(client, code, null, 0, value, 4, null, ov, null)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAEFAULT');
      const size = { value: 0xdeadbeef };
      value.fill(0xee);
      w.WSASetLastError(0xdead);
      expect(w.WSAIoctl(client, code, null, 0, value, 4, size, ov, null), lastError(w)).toBe(0);
      expect(w.WSAGetLastError()).toBe(0);
      expect(readU32(value)).toBe(want);
      expect(size.value).toBe(4);
      expect([ov.Internal, ov.InternalHigh], 'Internal (status) and InternalHigh').toEqual([0, 0]);
      Object.assign(ov, { Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef });
    }

    await sendText(w, server, 'data\0');
    const fd = { fd: client, events: POLLRDNORM, revents: 0 };
    expect(await w.WSAPoll([fd], 1, EXPECT_MS)).toBe(1);
    expect(fd.revents).toBe(POLLRDNORM);
    expectValues(w, client, 5, 1, 'five bytes waiting');

    const fresh = tcpSocket(w);
    expectValues(w, fresh, 0, 1, 'a fresh socket');
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(fresh, any, any.length), lastError(w)).toBe(0);
    expectValues(w, fresh, 0, 1, 'a bound socket');
  });
});
