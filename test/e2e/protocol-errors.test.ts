/**
 * A relay that breaks the wire protocol after a stream is open, on a real WebSocket (so Chromium's
 * own WebSocket class is exercised, not a mock): the open socket fails with WSAECONNABORTED, and
 * the page closes the WebSocket (docs/protocol.md: "closes the WebSocket with code 1002").
 * The relay is the scripted one (test/support/scripted-relay) on a real `ws` server.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, type HostileScript } from '../fixtures/control.js';
import { connectedSocket, lastError, releaseWinsocks, settledWithin, winsock, ws2 } from '../fixtures/winsock.js';

const control = new Control();
afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

describe.each<HostileScript>(['garbage-after-open', 'text-after-open', 'unknown-stream-after-open'])(
  'relay protocol error: %s',
  (script) => {
    it('the pending recv fails with WSAECONNABORTED and the page closes the WebSocket', async () => {
      const relay = await control.hostileRelay(script);
      const w = winsock(relay.url);
      const s = await connectedSocket(w, 7);
      const recv = w.recv(s, new Uint8Array(8), 8, 0);
      // The relay breaks the protocol only when the page's first DATA arrives: until then nothing can end the recv.
      expect(await settledWithin(recv, 0)).toBe('pending');
      expect(await w.send(s, new Uint8Array([1]), 1, 0)).toBe(1);
      expect(await recv).toBe(ws2.SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      const state = await control.hostileState(relay.id, true);
      console.log(`${script}: page closed the WebSocket with ${state.closeCode ?? 'nothing (still open)'}`);
      expect(state.closeCode, 'the page left the WebSocket open after a protocol error').not.toBeNull();
      // docs/protocol.md: the page closes with 4002 (a browser script may not send 1002).
      expect(state.closeCode).toBe(4002);
    });
  },
);
