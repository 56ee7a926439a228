/**
 * Browser-only: the library against a scripted relay (msw WebSocket mocking) that misbehaves in
 * ways a real relay cannot easily be made to. Every case must end in a clear Winsock error
 * (WSAENETDOWN before WELCOME, WSAEACCES for AUTH_FAILED, WSAECONNABORTED after it), never in a
 * throw or a hang.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FrameType, Reason, REASONS, type OpenFrame } from '../../packages/protocol/src/index.js';
import { errCode, errName, lastError, settledWithin, tcpSocket, ws2, type Winsock } from '../fixtures/winsock.js';
import { MSW_RELAY_URL, scriptRelay, worker } from '../support/scripted-relay/msw-link.js';
import {
  SCRIPTED_MAX_FRAME_BODY,
  WELCOME_V1,
  welcoming,
  type ScriptedConnection,
} from '../support/scripted-relay/script.js';

const { SOCKET_ERROR } = ws2;
const TEST_TIMEOUT = 10_000;
const made: Winsock[] = [];

beforeAll(async () => {
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
});
afterEach(() => {
  for (const w of made.splice(0)) for (let i = 0; i < 4 && w.WSACleanup() === 0; i++);
  worker.resetHandlers();
});
afterAll(() => worker.stop());

function mockedWinsock(): Winsock {
  // Passed explicitly: msw patched globalThis.WebSocket in start(), after the library was imported.
  const w = ws2.createWinsock({ relay: MSW_RELAY_URL, WebSocket: globalThis.WebSocket });
  expect(w.WSAStartup(0x0202, {})).toBe(0);
  made.push(w);
  return w;
}

async function connectResult(w: Winsock, s = tcpSocket(w)): Promise<{ rc: number; error: string; s: number }> {
  const name = ws2.sockaddrIn('127.0.0.1', 7);
  const rc = await w.connect(s, name, name.length);
  return { rc, error: lastError(w), s };
}

async function connected(w: Winsock): Promise<number> {
  const { rc, error, s } = await connectResult(w);
  expect(rc, `connect through the mock relay: ${error}`).toBe(0);
  return s;
}

/**
 * docs/protocol.md says the page closes with 1002 after a protocol error, but a browser script
 * may only close with 1000 or 3000-4999 (WebSocket.close throws InvalidAccessError otherwise;
 * msw enforces the same rule). What matters is that the page does close the WebSocket.
 */
async function expectPageClosed(conn: ScriptedConnection): Promise<void> {
  await expect
    .poll(() => conn.closeCode, { message: 'the page left the WebSocket open after a protocol error' })
    .not.toBeNull();
}

describe('mock relay sanity (the scripted relay speaks the protocol)', () => {
  it(
    'handshake, OPEN → OPENED, DATA both ways',
    async () => {
      const conns = scriptRelay(welcoming());
      const w = mockedWinsock();
      const s = await connected(w);
      const conn = conns[0]!;
      expect(conn.sent(FrameType.HELLO)[0]).toMatchObject({ version: 1 });
      const open = conn.sent(FrameType.OPEN)[0]!;
      expect(open.remote).toEqual({ kind: 'ipv4', address: '127.0.0.1', port: 7 });

      expect(await w.send(s, new Uint8Array([1, 2, 3]), 3, 0)).toBe(3);
      await expect.poll(() => conn.sent(FrameType.DATA).length).toBeGreaterThan(0);
      expect([...conn.sent(FrameType.DATA)[0]!.data]).toEqual([1, 2, 3]);

      conn.send({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array([9, 8]) });
      const buf = new Uint8Array(4);
      expect(await w.recv(s, buf, 4, 0)).toBe(2);
      expect([...buf.subarray(0, 2)]).toEqual([9, 8]);
      expect(conn.decodeErrors).toEqual([]);

      // The mock sees the page close the WebSocket (WSACleanup), with a normal close.
      expect(w.WSACleanup()).toBe(0);
      await expect.poll(() => conn.closeCode).toBe(1000);
    },
    TEST_TIMEOUT,
  );
});

describe('hostile relay before WELCOME → WSAENETDOWN / WSAEACCES', () => {
  it(
    'GOAWAY(AUTH_FAILED) → WSAEACCES',
    async () => {
      scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) {
          conn.send({ type: FrameType.GOAWAY, reason: Reason.AUTH_FAILED, message: 'bad ticket' });
          conn.close(1008, 'auth');
        }
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAEACCES']);
    },
    TEST_TIMEOUT,
  );

  it(
    'GOAWAY(VERSION_MISMATCH) → WSAENETDOWN',
    async () => {
      scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) {
          conn.send({ type: FrameType.GOAWAY, reason: Reason.VERSION_MISMATCH, message: 'relay speaks protocol 9' });
          conn.close(1008, 'version');
        }
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAENETDOWN']);
    },
    TEST_TIMEOUT,
  );

  it(
    'WELCOME with a version the page did not ask for → WSAENETDOWN',
    async () => {
      const conns = scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.send({ ...WELCOME_V1, version: 2 });
        if (f.type === FrameType.OPEN)
          conn.send({ type: FrameType.OPEN_FAILED, stream: f.stream, reason: Reason.INTERNAL });
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAENETDOWN']);
      // The page must not have gone on to OPEN a stream on a relay speaking another version.
      expect(conns[0]!.sent(FrameType.OPEN)).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'garbage bytes instead of WELCOME → WSAENETDOWN, and the page closes the WebSocket',
    async () => {
      const conns = scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.sendRaw(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 1]));
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAENETDOWN']);
      await expectPageClosed(conns[0]!);
    },
    TEST_TIMEOUT,
  );

  it(
    'a text message instead of WELCOME → WSAENETDOWN, and the page closes the WebSocket',
    async () => {
      const conns = scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.sendRaw('{"welcome":true}');
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAENETDOWN']);
      await expectPageClosed(conns[0]!);
    },
    TEST_TIMEOUT,
  );

  it(
    'the relay closes the WebSocket before WELCOME → WSAENETDOWN',
    async () => {
      scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.close(1011, 'nope');
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect([r.rc, r.error]).toEqual([SOCKET_ERROR, 'WSAENETDOWN']);
    },
    TEST_TIMEOUT,
  );
});

describe('hostile relay after WELCOME → WSAECONNABORTED', () => {
  /** A connected socket with a recv pending, plus the mock connection and the stream id. */
  async function pendingRecv(): Promise<{
    w: Winsock;
    s: number;
    conn: ScriptedConnection;
    open: OpenFrame;
    recv: Promise<number>;
  }> {
    const conns = scriptRelay(welcoming());
    const w = mockedWinsock();
    const s = await connected(w);
    const conn = conns[0]!;
    const open = conn.sent(FrameType.OPEN)[0]!;
    const recv = w.recv(s, new Uint8Array(64), 64, 0);
    // The scripted relay sends nothing unasked, so a recv that returns early does so at once.
    expect(await settledWithin(recv, 0)).toBe('pending');
    return { w, s, conn, open, recv };
  }

  it(
    'garbage bytes: pending recv fails WSAECONNABORTED, the page closes the WebSocket',
    async () => {
      const { w, conn, recv } = await pendingRecv();
      conn.sendRaw(new Uint8Array([0xff, 0, 0, 0, 1, 0, 0, 0, 0]));
      expect(await recv).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      await expectPageClosed(conn);
    },
    TEST_TIMEOUT,
  );

  it(
    'a text message: pending recv fails WSAECONNABORTED, the page closes the WebSocket',
    async () => {
      const { w, conn, recv } = await pendingRecv();
      conn.sendRaw('hello?');
      expect(await recv).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      await expectPageClosed(conn);
    },
    TEST_TIMEOUT,
  );

  it(
    'GOAWAY(SHUTTING_DOWN) then close: pending recv and later send fail WSAECONNABORTED',
    async () => {
      const { w, s, conn, recv } = await pendingRecv();
      conn.send({ type: FrameType.GOAWAY, reason: Reason.SHUTTING_DOWN, message: 'bye' });
      conn.close(1001, 'shutdown');
      expect(await recv).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      expect(await w.send(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
    },
    TEST_TIMEOUT,
  );

  it('DATA beyond the credit the page granted: the socket fails WSAECONNABORTED, the stream is closed PROTOCOL_ERROR', async () => {
    const { w, s, conn, open } = await pendingRecv();
    // One byte more than the window the page granted in OPEN, in maxFrameBody-sized frames.
    let left = open.window + 1;
    const frames = [];
    while (left > 0) {
      const n = Math.min(left, SCRIPTED_MAX_FRAME_BODY);
      frames.push({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array(n) } as const);
      left -= n;
    }
    conn.send(frames);
    // Whatever was within the credit may be read; the violation must surface as WSAECONNABORTED.
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
    await expect
      .poll(
        () =>
          conn.sent(FrameType.CLOSE).some((c) => c.stream === open.stream && c.reason === Reason.PROTOCOL_ERROR) ||
          conn.closeCode !== null,
      )
      .toBe(true);
  }, 30_000);

  it(
    'a frame for a stream never opened: either ignored, or a protocol error that fails the socket cleanly',
    async () => {
      const { w, s, conn, open, recv } = await pendingRecv();
      // The stray frame, then one byte for the open stream: the recv ends either way, and how says
      // which way the page took.
      conn.send({ type: FrameType.DATA, stream: 0x7ffffff0, data: new Uint8Array([1, 2, 3]) });
      conn.send({ type: FrameType.DATA, stream: open.stream, data: new Uint8Array([7]) });
      const outcome = await recv;
      if (outcome === SOCKET_ERROR) {
        // Treated as a protocol error (a relay inventing streams is broken): clean failure.
        expect(lastError(w)).toBe('WSAECONNABORTED');
        await expectPageClosed(conn);
        return;
      }
      // Ignored: the open socket still works both ways.
      expect(outcome).toBe(1);
      expect(await w.send(s, new Uint8Array([5]), 1, 0)).toBe(1);
    },
    TEST_TIMEOUT,
  );
});

describe('OPEN_FAILED reasons map to the Winsock errors of the reasons table', () => {
  const rows = REASONS.filter((r) => r.code !== Reason.OK);
  it.each(rows.map((r) => [r.name, r.code, r.wsa] as const))(
    "OPEN_FAILED(%s) → connect fails with the table's code",
    async (_name, code, wsa) => {
      scriptRelay((f, conn) => {
        if (f.type === FrameType.HELLO) conn.send(WELCOME_V1);
        if (f.type === FrameType.OPEN) conn.send({ type: FrameType.OPEN_FAILED, stream: f.stream, reason: code });
      });
      const w = mockedWinsock();
      const r = await connectResult(w);
      expect(r.rc).toBe(SOCKET_ERROR);
      expect(r.error).toBe(errName(errCode(wsa)));
    },
    TEST_TIMEOUT,
  );
});
