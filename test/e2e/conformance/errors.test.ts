/**
 * Wine's ws2_32 test_errors, from real Windows: a refused blocking connect is WSAECONNREFUSED,
 * and the socket is then not writable (select times out).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../../fixtures/control.js';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, tcpSocket, ws2 } from '../../fixtures/winsock.js';

const control = new Control();
afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

describe('errors (test_errors)', () => {
  it('refused connect → WSAECONNREFUSED; writefds then times out; closesocket succeeds', async () => {
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', await control.refusedPort());
    expect(await w.connect(s, name, name.length)).toBe(ws2.SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
    const set = { fd_count: 1, fd_array: [s] };
    expect(await w.select(1, null, set, null, { tv_sec: 0, tv_usec: 50000 }), lastError(w)).toBe(0);
    expect(w.closesocket(s), lastError(w)).toBe(0);
  });
});
