/**
 * The page's relay connection over a WebSocketStream (transport/websocket-stream.ts), in Node
 * against the scripted relay: which class createWinsock opens the relay with, and that the
 * handshake, DATA both ways, a refused handshake and the relay's close reach the sockets as they
 * do over a WebSocket. Chromium's real WebSocketStream is checked end to end in
 * test/browser/websocket-stream.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ws2 from '../../packages/browser/src/index.js';
import { FrameType, type DataFrame, type OpenFrame } from '../../packages/protocol/src/index.js';
import { InMemoryWebSocket, listenInMemory } from '../support/scripted-relay/in-memory-websocket.js';
import { InMemoryWebSocketStream } from '../support/scripted-relay/in-memory-websocket-stream.js';
import { welcoming, type ScriptedConnection } from '../support/scripted-relay/script.js';
import { lastError, tcpSocket, type Winsock } from '../fixtures/winsock.js';

const { SOCKET_ERROR } = ws2;
const dest = ws2.sockaddrIn('127.0.0.1', 7);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let relayCount = 0;
function relay(): { url: string; connections: ScriptedConnection[] } {
  const url = `ws://127.0.0.1:9/in-memory-stream-${++relayCount}`;
  const listening = listenInMemory(url, welcoming());
  cleanups.push(listening.close);
  return { url, connections: listening.connections };
}

function started(options: ws2.WinsockOptions): Winsock {
  const w = ws2.createWinsock(options);
  expect(w.WSAStartup(0x0202, {})).toBe(0);
  cleanups.push(() => {
    w.WSACleanup();
  });
  return w;
}

async function turnsUntil(holds: () => boolean, turns = 500): Promise<boolean> {
  for (let i = 0; i < turns && !holds(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
  return holds();
}

function openOf(conn: ScriptedConnection): OpenFrame {
  const open = conn.sent(FrameType.OPEN)[0];
  if (!open) expect.fail('the page never sent OPEN');
  return open;
}

describe('the class the relay connection is opened with', () => {
  it('no WebSocket given: the WebSocketStream, and HELLO, OPEN, DATA both ways go over it', async () => {
    const r = relay();
    const before = InMemoryWebSocketStream.constructed;
    const w = started({ relay: r.url, WebSocketStream: InMemoryWebSocketStream });
    const s = tcpSocket(w);
    expect(await w.connect(s, dest, dest.length), `connect: ${lastError(w)}`).toBe(0);
    expect(InMemoryWebSocketStream.constructed - before).toBe(1);
    const conn = r.connections[0];
    if (!conn) expect.fail('no connection reached the relay');
    expect(conn.log.slice(0, 2)).toEqual(['HELLO', 'OPEN']);

    expect(await w.send(s, Uint8Array.of(1, 2, 3), 3, 0)).toBe(3);
    expect(await turnsUntil(() => conn.sent(FrameType.DATA).length > 0)).toBe(true);
    expect(conn.sent(FrameType.DATA).flatMap((f: DataFrame) => [...f.data])).toEqual([1, 2, 3]);

    conn.send({ type: FrameType.DATA, stream: openOf(conn).stream, data: Uint8Array.of(9, 8) });
    const buffer = new Uint8Array(4);
    expect(await w.recv(s, buffer, 4, 0)).toBe(2);
    expect([...buffer.subarray(0, 2)]).toEqual([9, 8]);
    expect(conn.decodeErrors).toEqual([]);
  });

  it('a WebSocket given wins over a WebSocketStream (what Node callers and tests inject)', async () => {
    const r = relay();
    const before = InMemoryWebSocketStream.constructed;
    const w = started({ relay: r.url, WebSocket: InMemoryWebSocket, WebSocketStream: InMemoryWebSocketStream });
    expect(await w.connect(tcpSocket(w), dest, dest.length), `connect: ${lastError(w)}`).toBe(0);
    expect(InMemoryWebSocketStream.constructed - before).toBe(0);
    expect(r.connections).toHaveLength(1);
  });

  it('WebSocketStream: null and no global WebSocket (Node 20) → TypeError naming the option', () => {
    const globalWebSocket: unknown = Reflect.get(globalThis, 'WebSocket');
    if (typeof globalWebSocket === 'function') {
      // Node 22+ has a global WebSocket, which createWinsock then uses: nothing to refuse.
      expect(() => ws2.createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocketStream: null })).not.toThrow();
      return;
    }
    expect(() => ws2.createWinsock({ relay: 'ws://127.0.0.1:9/', WebSocketStream: null })).toThrow(
      /pass options\.WebSocket/,
    );
  });
});

describe('failures over a WebSocketStream', () => {
  it('no relay at the URL (opened rejects) → connect fails with WSAENETDOWN', async () => {
    const w = started({ relay: 'ws://127.0.0.1:9/nothing-listens-here', WebSocketStream: InMemoryWebSocketStream });
    expect(await w.connect(tcpSocket(w), dest, dest.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
  });

  it('the relay closes after WELCOME (closed resolves) → a pending recv fails with WSAECONNABORTED', async () => {
    const r = relay();
    const w = started({ relay: r.url, WebSocketStream: InMemoryWebSocketStream });
    const s = tcpSocket(w);
    expect(await w.connect(s, dest, dest.length), `connect: ${lastError(w)}`).toBe(0);
    const recv = w.recv(s, new Uint8Array(8), 8, 0);
    r.connections[0]?.close(1011, 'gone');
    expect(await recv).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
  });

  it('WSACleanup closes the WebSocketStream with 1000', async () => {
    const r = relay();
    const w = ws2.createWinsock({ relay: r.url, WebSocketStream: InMemoryWebSocketStream });
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    expect(await w.connect(tcpSocket(w), dest, dest.length), `connect: ${lastError(w)}`).toBe(0);
    const conn = r.connections[0];
    if (!conn) expect.fail('no connection reached the relay');
    expect(w.WSACleanup()).toBe(0);
    await conn.whenClosed();
    expect(conn.closeCode).toBe(1000);
  });
});
