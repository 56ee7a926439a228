/**
 * WSAStartup and WSACleanup as Windows answers them (Wine's ws2_32 test_WithoutWSAStartup and
 * test_WithWSAStartup record it from real Windows): calls before WSAStartup fail with
 * WSANOTINITIALISED, the last WSACleanup destroys every socket (a new WSAStartup does not bring
 * them back), and a WSACleanup too many fails.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { listeningSocket } from '../../fixtures/inbound.js';
import { lastError, type Winsock, ws2 } from '../../fixtures/winsock.js';
import { tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET } = ws2;

const owned: Winsock[] = [];
// Whatever a failed test left started is cleaned up (WSACleanup until it refuses).
afterEach(() => {
  for (const w of owned.splice(0)) for (let i = 0; i < 4 && w.WSACleanup() === 0; i++);
});

describe('WSAStartup / WSACleanup (test_WithoutWSAStartup, test_WithWSAStartup)', () => {
  it('before WSAStartup: WSASocket and gethostbyname fail with WSANOTINITIALISED', async () => {
    // A Winsock object of its own, never started (inboundWinsock's is started).
    const w = ws2.createWinsock({ relay: inject('relayUrl') });
    w.WSASetLastError(0xdeadbeef);
    expect(w.WSASocket(0, 0, 0, null, 0, 0)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSANOTINITIALISED');

    w.WSASetLastError(0xdeadbeef);
    expect(await w.gethostbyname('localhost')).toBeNull();
    expect(lastError(w)).toBe('WSANOTINITIALISED');
  });

  it('the last WSACleanup destroys every socket; a WSACleanup too many → WSANOTINITIALISED', async () => {
    // An object of its own: its WSAStartup count is this test's (Windows' runs before Init()).
    const w = ws2.createWinsock({ relay: inject('inboundRelayUrl') });
    owned.push(w);
    const data = {};
    expect(w.WSAStartup(0x0202, data)).toBe(0);
    expect(await w.gethostbyname('localhost'), lastError(w)).not.toBeNull();

    const l = await listeningSocket(w);
    const pairs: { client: number; server: number }[] = [];
    for (let i = 0; i < 32; i++) pairs.push(await tcpSocketPair(w, l));
    const first = pairs[0];
    if (!first) throw new Error('no socket pair');
    const test = new TextEncoder().encode('TEST');
    expect(await w.send(first.client, test, 4, 0), lastError(w)).toBe(4);

    expect(w.WSACleanup()).toBe(0);
    expect(w.WSAStartup(0x0202, data)).toBe(0);

    w.WSASetLastError(0xdeadbeef);
    expect(await w.send(first.client, test, 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    w.WSASetLastError(0xdeadbeef);
    expect(await w.send(first.server, test, 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');

    for (const [i, pair] of pairs.entries()) {
      for (const s of [pair.client, pair.server]) {
        const name = new Uint8Array(16);
        w.WSASetLastError(0xdeadbeef);
        expect(w.getsockname(s, name, { value: name.length }), `pair ${i}`).toBe(SOCKET_ERROR);
        expect(lastError(w), `pair ${i}`).toBe('WSAENOTSOCK');
      }
    }
    // The listener went with them (Windows' test closes only the pairs; this is set-up).
    expect(w.closesocket(l.s)).toBe(SOCKET_ERROR);

    expect(w.WSACleanup()).toBe(0);
    w.WSASetLastError(0xdeadbeef);
    expect(w.WSACleanup()).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSANOTINITIALISED');
  });
});
