/**
 * A relay that breaks the wire protocol after a stream is open, on a real WebSocket (so Chromium's
 * own WebSocket class is exercised, not a mock): the open socket fails with WSAECONNABORTED, and
 * the page closes the WebSocket (docs/protocol.md: "closes the WebSocket with code 1002").
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, type HostileScript } from '../fixtures/control.js';
import { connectedSocket, lastError, releaseWinsocks, settledWithin, winsock, ws2 } from '../fixtures/winsock.js';

const control = new Control();
afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const inBrowser = typeof window !== 'undefined';

describe.each<HostileScript>(['garbage-after-open', 'text-after-open', 'unknown-stream-after-open'])('relay protocol error: %s', (script) => {
  it('the pending recv fails with WSAECONNABORTED and the page closes the WebSocket', async () => {
    const relay = await control.hostileRelay(script);
    const w = winsock(relay.url);
    const s = await connectedSocket(w, 7);
    const recv = w.recv(s, new Uint8Array(8), 8, 0);
    expect(await settledWithin(recv, 50)).toBe('pending');
    expect(await recv).toBe(ws2.SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
    // Bounded wait for the close to reach the relay.
    let state = await control.hostileState(relay.id);
    for (let i = 0; i < 40 && state.closeCode === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await control.hostileState(relay.id);
    }
    console.log(`${script}: page closed the WebSocket with ${state.closeCode ?? 'nothing (still open)'}`);
    expect(state.closeCode, 'the page left the WebSocket open after a protocol error').not.toBeNull();
    // Node's ws can send 1002 as the protocol says; a browser script may only use 1000 or 3000-4999.
    if (!inBrowser) expect(state.closeCode).toBe(1002);
  });
});
