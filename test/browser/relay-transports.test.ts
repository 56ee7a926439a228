/**
 * Browser-only: the relay connection over each transport Chromium offers a page. Without an
 * injected WebSocket class the library opens a WebSocketStream (faster in Chromium,
 * docs/performance.md); a page that passes `WebSocket` gets a WebSocket. Both carry the same
 * bytes; the rest of the e2e suite runs on the default.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control, randomBytes, sha256 } from '../fixtures/control.js';
import { connectedSocket, lastError, recvExactly, sendAll, ws2, type Winsock } from '../fixtures/winsock.js';

const control = new Control();
const made: Winsock[] = [];
afterEach(() => {
  for (const w of made.splice(0)) for (let i = 0; i < 4 && w.WSACleanup() === 0; i++);
});
afterAll(() => control.releaseAll());

function started(options: Omit<ws2.WinsockOptions, 'relay'>): Winsock {
  const w = ws2.createWinsock({ relay: inject('relayUrl'), ...options });
  expect(w.WSAStartup(0x0202, {})).toBe(0);
  made.push(w);
  return w;
}

/** 4 MiB through the relay to an echo server and back, sent and received at once. */
async function echoes(w: Winsock): Promise<void> {
  const SIZE = 4 * 1024 * 1024;
  const echo = await control.echo();
  const s = await connectedSocket(w, echo.port);
  const data = randomBytes(SIZE);
  const [, back] = await Promise.all([sendAll(w, s, data, 64 * 1024), recvExactly(w, s, SIZE)]);
  expect(await sha256(back)).toBe(await sha256(data));
  expect(w.closesocket(s), lastError(w)).toBe(0);
}

/** A WebSocket subclass that records the URL of every instance. */
function countingWebSocket(): { Counting: typeof WebSocket; opened: string[] } {
  const opened: string[] = [];
  class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      opened.push(String(url));
    }
  }
  return { Counting: CountingWebSocket, opened };
}

describe('the relay connection in Chromium', () => {
  it('this Chromium has WebSocketStream (the default transport)', () => {
    expect(typeof Reflect.get(globalThis, 'WebSocketStream')).toBe('function');
  });

  it('no WebSocket given: the relay connection is a WebSocketStream, and 4 MiB echo intact', async () => {
    const Original: unknown = Reflect.get(globalThis, 'WebSocketStream');
    if (typeof Original !== 'function') expect.fail('no WebSocketStream in this Chromium');
    const opened: string[] = [];
    // Counts the streams the library opens; restored before the test ends.
    const Counting = new Proxy(Original, {
      construct(target, args, newTarget) {
        opened.push(String(args[0]));
        return Reflect.construct(target, args, newTarget);
      },
    });
    Reflect.set(globalThis, 'WebSocketStream', Counting);
    let w: Winsock;
    try {
      w = started({});
    } finally {
      Reflect.set(globalThis, 'WebSocketStream', Original);
    }
    await echoes(w);
    expect(opened).toEqual([inject('relayUrl')]);
  });

  it('WebSocket given: the relay connection is that WebSocket, and 4 MiB echo intact', async () => {
    const { Counting, opened } = countingWebSocket();
    await echoes(started({ WebSocket: Counting }));
    expect(opened).toEqual([inject('relayUrl')]);
  });

  it('WebSocketStream: null and no WebSocket given: the global WebSocket', async () => {
    const Original = globalThis.WebSocket;
    const { Counting, opened } = countingWebSocket();
    globalThis.WebSocket = Counting;
    let w: Winsock;
    try {
      w = started({ WebSocketStream: null });
    } finally {
      globalThis.WebSocket = Original;
    }
    await echoes(w);
    expect(opened).toEqual([inject('relayUrl')]);
  });
});
