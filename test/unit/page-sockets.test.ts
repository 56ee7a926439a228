/**
 * The page's socket logic in Node, in milliseconds: the library's public API against the scripted
 * relay behind an in-memory WebSocket (no network, no relay process). Credit windows both ways,
 * socket states, FD_* network events, close and failure reasons, handshake failures. The same
 * behaviour is checked end to end, slower, against the real relay in test/e2e.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ws2 from '../../packages/browser/src/index.js';
import { FrameType, Reason, REASONS, type DataFrame, type OpenFrame } from '../../packages/protocol/src/index.js';
import { InMemoryWebSocket, listenInMemory } from '../support/scripted-relay/in-memory-websocket.js';
import { WELCOME_V1, welcoming, type RelayScript, type ScriptedConnection } from '../support/scripted-relay/script.js';
import {
  collectEvents,
  errCode,
  errName,
  fdNames,
  lastError,
  settledWithin,
  tcpSocket,
  type Winsock,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, FD_CONNECT, FD_WRITE, FD_READ, FD_CLOSE, FD_CONNECT_BIT, FD_CLOSE_BIT, SD_SEND } = ws2;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let relayCount = 0;

/** A scripted relay on a fresh in-memory URL; its connections as they are made. */
function relay(script: RelayScript): { url: string; connections: ScriptedConnection[] } {
  const url = `ws://127.0.0.1:9/in-memory-${++relayCount}`;
  const listening = listenInMemory(url, script);
  cleanups.push(listening.close);
  return { url, connections: listening.connections };
}

/** createWinsock on the in-memory WebSocket + WSAStartup, released after the test. */
function page(url: string): Winsock {
  const w = ws2.createWinsock({ relay: url, WebSocket: InMemoryWebSocket });
  expect(w.WSAStartup(0x0202, {})).toBe(0);
  cleanups.push(() => {
    for (let i = 0; i < 4 && w.WSACleanup() === 0; i++);
  });
  return w;
}

/** Event-loop turns until `holds()` (the in-memory relay answers within a few); whether it did. */
async function turnsUntil(holds: () => boolean, turns = 500): Promise<boolean> {
  for (let i = 0; i < turns; i++) {
    if (holds()) return true;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return holds();
}

const dest = ws2.sockaddrIn('127.0.0.1', 7);

async function connected(w: Winsock): Promise<number> {
  const s = tcpSocket(w);
  expect(await w.connect(s, dest, dest.length), `connect: ${lastError(w)}`).toBe(0);
  return s;
}

function dataBytes(frames: DataFrame[]): number[] {
  return frames.flatMap((f) => [...f.data]);
}

function onlyConnection(r: { connections: ScriptedConnection[] }): ScriptedConnection {
  expect(r.connections).toHaveLength(1);
  return r.connections[0]!;
}

function openOf(conn: ScriptedConnection): OpenFrame {
  const open = conn.sent(FrameType.OPEN)[0];
  if (!open) expect.fail('the page never sent OPEN');
  return open;
}

describe('handshake and data', () => {
  it('HELLO v1 with the token, then OPEN for connect; DATA both ways', async () => {
    const r = relay(welcoming());
    const w = ws2.createWinsock({ relay: r.url, WebSocket: InMemoryWebSocket, token: 'ticket-1' });
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    cleanups.push(() => {
      w.WSACleanup();
    });
    const s = await connected(w);
    const conn = onlyConnection(r);
    expect(conn.log.slice(0, 2)).toEqual(['HELLO', 'OPEN']);
    expect(conn.sent(FrameType.HELLO)[0]).toMatchObject({ version: 1, token: 'ticket-1' });
    const open = openOf(conn);
    expect(open.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: 7 });
    expect(open.window).toBeGreaterThan(0);

    expect(await w.send(s, new Uint8Array([1, 2, 3]), 3, 0)).toBe(3);
    expect(await turnsUntil(() => conn.sent(FrameType.DATA).length > 0)).toBe(true);
    expect(dataBytes(conn.sent(FrameType.DATA))).toEqual([1, 2, 3]);

    conn.send({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array([9, 8]) });
    const buf = new Uint8Array(4);
    expect(await w.recv(s, buf, 4, 0)).toBe(2);
    expect([...buf.subarray(0, 2)]).toEqual([9, 8]);
    expect(conn.decodeErrors).toEqual([]);
  });
});

describe('credit windows', () => {
  it('the page sends no more than the window OPENED granted; the rest after CREDIT', async () => {
    const r = relay(welcoming(undefined, 4));
    const w = page(r.url);
    const s = await connected(w);
    const conn = onlyConnection(r);
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const sending = w.send(s, bytes, bytes.length, 0);
    expect(await turnsUntil(() => dataBytes(conn.sent(FrameType.DATA)).length >= 4)).toBe(true);
    // The page sends a tick's frames as one message, so anything beyond the window would have come with these.
    expect(dataBytes(conn.sent(FrameType.DATA)), 'DATA beyond the granted window').toEqual([1, 2, 3, 4]);
    conn.send({ type: FrameType.CREDIT, stream: openOf(conn).stream, bytes: 6 });
    expect(await sending).toBe(10);
    expect(await turnsUntil(() => dataBytes(conn.sent(FrameType.DATA)).length >= 10)).toBe(true);
    expect(dataBytes(conn.sent(FrameType.DATA))).toEqual([...bytes]);
  });

  it('the page grants CREDIT for what the application has read, never more', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const conn = onlyConnection(r);
    const open = openOf(conn);
    const size = Math.min(open.window, 256 * 1024);
    for (let at = 0; at < size; at += 65536) {
      conn.send({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array(Math.min(65536, size - at)) });
    }
    let read = 0;
    const buf = new Uint8Array(65536);
    while (read < size) {
      const rc = await w.recv(s, buf, buf.length, 0);
      expect(rc, `recv: ${lastError(w)}`).toBeGreaterThan(0);
      read += rc;
    }
    const granted = () =>
      conn
        .sent(FrameType.CREDIT)
        .filter((c) => c.stream === open.stream)
        .reduce((n, c) => n + c.bytes, 0);
    expect(await turnsUntil(() => granted() > 0), 'no CREDIT after the application read the whole window').toBe(true);
    expect(granted()).toBeLessThanOrEqual(read);
  });

  it('DATA beyond the window the page granted: WSAECONNABORTED, and the stream is closed PROTOCOL_ERROR', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const conn = onlyConnection(r);
    const open = openOf(conn);
    let left = open.window + 1;
    const frames: DataFrame[] = [];
    while (left > 0) {
      const n = Math.min(left, WELCOME_V1.maxFrameBody);
      frames.push({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array(n) });
      left -= n;
    }
    conn.send(frames);
    let rc = 0;
    let total = 0;
    const buf = new Uint8Array(65536);
    for (let i = 0; i < 1000; i++) {
      rc = await w.recv(s, buf, buf.length, 0);
      if (rc <= 0) break;
      total += rc;
    }
    expect(rc, `recv returned ${rc} after ${total} bytes`).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
    expect(total).toBeLessThanOrEqual(open.window);
    expect(
      await turnsUntil(
        () =>
          conn.sent(FrameType.CLOSE).some((c) => c.stream === open.stream && c.reason === Reason.PROTOCOL_ERROR) ||
          conn.closeCode !== null,
      ),
    ).toBe(true);
  });
});

describe('states', () => {
  it('connect on a connected socket → WSAEISCONN; shutdown(SD_SEND) sends FIN, then send → WSAESHUTDOWN', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    expect(await w.connect(s, dest, dest.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEISCONN');
    const conn = onlyConnection(r);
    expect(w.shutdown(s, SD_SEND), lastError(w)).toBe(0);
    expect(await turnsUntil(() => conn.sent(FrameType.FIN).length === 1), 'no FIN after shutdown(SD_SEND)').toBe(true);
    expect(conn.sent(FrameType.FIN)[0]!.stream).toBe(openOf(conn).stream);
    expect(await w.send(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAESHUTDOWN');
  });

  it('closesocket sends CLOSE for the stream, and the handle is gone (WSAENOTSOCK)', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const conn = onlyConnection(r);
    expect(w.closesocket(s)).toBe(0);
    expect(await turnsUntil(() => conn.sent(FrameType.CLOSE).length === 1)).toBe(true);
    expect(conn.sent(FrameType.CLOSE)[0]).toMatchObject({ stream: openOf(conn).stream });
    expect(w.closesocket(s)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });
});

describe('network events (WSAEventSelect)', () => {
  it('FD_CONNECT and FD_WRITE on connect, FD_READ on DATA, FD_CLOSE with 0 on FIN', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    expect(await w.connect(s, dest, dest.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    const up = await collectEvents(w, s, ev, FD_CONNECT | FD_WRITE);
    expect(fdNames(up.lNetworkEvents)).toBe('FD_WRITE|FD_CONNECT');
    expect(up.iErrorCode[FD_CONNECT_BIT]).toBe(0);

    const conn = onlyConnection(r);
    const { stream } = openOf(conn);
    conn.send({ type: FrameType.DATA, stream, data: new Uint8Array([42]) });
    expect(fdNames((await collectEvents(w, s, ev, FD_READ)).lNetworkEvents)).toBe('FD_READ');
    conn.send({ type: FrameType.FIN, stream });
    const down = await collectEvents(w, s, ev, FD_CLOSE);
    expect(fdNames(down.lNetworkEvents)).toContain('FD_CLOSE');
    expect(errName(down.iErrorCode[FD_CLOSE_BIT]!)).toBe('0');
  });

  it("CLOSE(RESET): FD_CLOSE with WSAECONNABORTED (the library's documented FD_CLOSE code), recv fails WSAECONNRESET", async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CLOSE), lastError(w)).toBe(0);
    const conn = onlyConnection(r);
    conn.send({ type: FrameType.CLOSE, stream: openOf(conn).stream, reason: Reason.RESET });
    const down = await collectEvents(w, s, ev, FD_CLOSE);
    expect(fdNames(down.lNetworkEvents)).toBe('FD_CLOSE');
    expect(errName(down.iErrorCode[FD_CLOSE_BIT]!)).toBe('WSAECONNABORTED');
    expect(await w.recv(s, new Uint8Array(4), 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNRESET');
  });
});

describe('failures and their Winsock errors', () => {
  const rows = REASONS.filter((row) => row.code !== Reason.OK);
  it.each(rows.map((row) => [row.name, row.code, row.wsa] as const))(
    "OPEN_FAILED(%s) → connect fails with the table's code",
    async (_name, code, wsa) => {
      const r = relay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.send(WELCOME_V1);
        if (f.type === FrameType.OPEN) conn.send({ type: FrameType.OPEN_FAILED, stream: f.stream, reason: code });
      });
      const w = page(r.url);
      const s = tcpSocket(w);
      expect(await w.connect(s, dest, dest.length)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe(errName(errCode(wsa)));
    },
  );

  it('GOAWAY(AUTH_FAILED) instead of WELCOME → WSAEACCES', async () => {
    const r = relay((f, conn) => {
      if (f.type === FrameType.HELLO) {
        conn.send({ type: FrameType.GOAWAY, reason: Reason.AUTH_FAILED, message: 'bad ticket' });
        conn.close(1008, 'auth');
      }
    });
    const w = page(r.url);
    expect(await w.connect(tcpSocket(w), dest, dest.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEACCES');
  });

  it('no relay at the URL → connect fails with WSAENETDOWN', async () => {
    const w = page('ws://127.0.0.1:9/nothing-listens-here');
    expect(await w.connect(tcpSocket(w), dest, dest.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENETDOWN');
  });

  it('the relay closes the WebSocket after WELCOME: a pending recv fails with WSAECONNABORTED', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const recv = w.recv(s, new Uint8Array(8), 8, 0);
    expect(await settledWithin(recv, 0)).toBe('pending');
    onlyConnection(r).close(1011, 'gone');
    expect(await recv).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
  });

  it('a frame only another stream kind receives (DATAGRAM to a page with TCP streams only) is a protocol error', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const recv = w.recv(s, new Uint8Array(8), 8, 0);
    const conn = onlyConnection(r);
    const stream = openOf(conn).stream;
    conn.send({ type: FrameType.DATAGRAM, stream, address: null, data: Uint8Array.of(1) });
    expect(await recv).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
    await conn.whenClosed();
    expect(conn.closeCode).toBe(4002);
  });

  it('a text message after WELCOME is a protocol error: WSAECONNABORTED, and the page closes with 4002', async () => {
    const r = relay(welcoming());
    const w = page(r.url);
    const s = await connected(w);
    const recv = w.recv(s, new Uint8Array(8), 8, 0);
    const conn = onlyConnection(r);
    conn.sendRaw('not a frame');
    expect(await recv).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNABORTED');
    await conn.whenClosed();
    expect(conn.closeCode).toBe(4002);
  });
});
