/**
 * Moving bytes over connected TCP sockets: bulk integrity, half-close in both directions,
 * graceful and abortive close, resets, FD_READ / FD_CLOSE recording, recv flags and FIONREAD.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, randomBytes, sha256, text, untext } from '../fixtures/control.js';
import {
  collectEvents,
  connectedSocket,
  errName,
  eventually,
  fdNames,
  fionread,
  lastError,
  newNetworkEvents,
  recvExactly,
  recvToEnd,
  releaseWinsocks,
  sendAll,
  settledFionread,
  stillPendingAfterRoundTrip,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';
import { seededBytes } from '../fixtures/seeded-bytes.js';

const {
  SOCKET_ERROR,
  SD_SEND,
  SD_RECEIVE,
  SD_BOTH,
  FIONBIO,
  MSG_PEEK,
  MSG_WAITALL,
  MSG_OOB,
  FD_READ,
  FD_WRITE,
  FD_CLOSE,
  FD_READ_BIT,
  FD_CLOSE_BIT,
  WSA_WAIT_TIMEOUT,
  WSA_WAIT_EVENT_0,
  SOL_SOCKET,
  SO_LINGER,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

describe('bulk data', () => {
  it('16 MiB of random bytes round-trip through an echo server, verified by SHA-256 (send and recv concurrently)', async () => {
    const SIZE = 16 * 1024 * 1024;
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const data = randomBytes(SIZE);
    const t0 = performance.now();
    const [, back] = await Promise.all([sendAll(w, s, data, 256 * 1024), recvExactly(w, s, SIZE)]);
    const ms = performance.now() - t0;
    console.log(
      `16 MiB echo round trip: ${ms.toFixed(0)} ms, ${(SIZE / 1048576 / (ms / 1000)).toFixed(1)} MiB/s each way`,
    );
    const [want, got] = await Promise.all([sha256(data), sha256(back)]);
    expect(got).toBe(want);
    const state = await control.peer(echo.id);
    expect(state.last!.bytes).toBe(SIZE);
    expect(state.last!.sha256).toBe(want);
  }, 120_000);

  it('a 4 MiB server stream arrives whole, then FIN (recv returns 0)', async () => {
    const SIZE = 4 * 1024 * 1024;
    const source = await control.source(SIZE, 42);
    const w = winsock();
    const s = await connectedSocket(w, source.port);
    const got = await recvToEnd(w, s);
    expect(got.length).toBe(SIZE);
    expect(await sha256(got)).toBe(source.sha256);
    expect(got.subarray(0, 64)).toEqual(seededBytes(64, 42));
  }, 60_000);

  it('WSASend gathers several WSABUFs and WSARecv scatters into several', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const sent = { value: 0 };
    const bufs = [
      { len: 3, buf: text('abc') },
      { len: 2, buf: text('de') },
      { len: 4, buf: text('fghi') },
    ];
    expect(await w.WSASend(s, bufs, 3, sent, 0, null, null), lastError(w)).toBe(0);
    expect(sent.value).toBe(9);
    await eventually(() => fionread(w, s) >= 9);
    const a = new Uint8Array(4);
    const b = new Uint8Array(10);
    const recvd = { value: 0 };
    const flags = { value: 0 };
    expect(
      await w.WSARecv(
        s,
        [
          { len: 4, buf: a },
          { len: 10, buf: b },
        ],
        2,
        recvd,
        flags,
        null,
        null,
      ),
      lastError(w),
    ).toBe(0);
    expect(recvd.value).toBe(9);
    expect(untext(a)).toBe('abcd');
    expect(untext(b.subarray(0, 5))).toBe('efghi');
  });

  it('recv with a buffer larger than what arrived returns what is there', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    await control.peer(sink.id, 'connected');
    await control.peerWrite(sink.id, 'hello');
    const buf = new Uint8Array(1000);
    expect(await w.recv(s, buf, 1000, 0)).toBe(5);
    expect(untext(buf.subarray(0, 5))).toBe('hello');
  });
});

describe('flow control (credits)', () => {
  it('a blocking send to a server that does not read waits, and completes once it reads', async () => {
    const SIZE = 8 * 1024 * 1024;
    const stall = await control.stall();
    const w = winsock();
    const s = await connectedSocket(w, stall.port);
    const data = randomBytes(SIZE);
    const sending = w.send(s, data, SIZE, 0);
    expect(await stillPendingAfterRoundTrip(w, sending)).toBe('pending');
    await control.peerResume(stall.id);
    // A blocking send returns once every byte is taken (Windows does not return partial counts).
    expect(await sending).toBe(SIZE);
    const st = await control.peer(stall.id, `bytes:${SIZE}`, 20_000);
    expect(st.last!.bytes).toBe(SIZE);
    expect(st.last!.sha256).toBe(await sha256(data));
  }, 60_000);

  it('non-blocking send: partial counts, then WSAEWOULDBLOCK at zero credit, then FD_WRITE when credit returns', async () => {
    const stall = await control.stall();
    const w = winsock();
    const s = await connectedSocket(w, stall.port);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_WRITE), lastError(w)).toBe(0);
    const initial = await collectEvents(w, s, ev, FD_WRITE);
    expect(fdNames(initial.lNetworkEvents)).toBe('FD_WRITE');

    const CHUNK = 1_000_003; // not a power of two, so the last accepted send is very likely partial
    const chunk = randomBytes(CHUNK);
    let sent = 0;
    let partial = false;
    let blocked = false;
    for (let i = 0; i < 256 && !blocked; i++) {
      const rc = await w.send(s, chunk, CHUNK, 0);
      if (rc === SOCKET_ERROR) {
        expect(lastError(w)).toBe('WSAEWOULDBLOCK');
        blocked = true;
      } else {
        expect(rc).toBeGreaterThan(0);
        if (rc < CHUNK) partial = true;
        sent += rc;
      }
    }
    expect(blocked, `never blocked after ${sent} bytes`).toBe(true);
    expect(partial, 'a non-blocking send never returned a partial count').toBe(true);
    console.log(`non-blocking sends took ${sent} bytes before WSAEWOULDBLOCK`);

    await control.peerResume(stall.id);
    const again = await collectEvents(w, s, ev, FD_WRITE, 10_000);
    expect(fdNames(again.lNetworkEvents)).toBe('FD_WRITE');
    expect(await w.send(s, chunk, 10, 0)).toBe(10);
    const st = await control.peer(stall.id, `bytes:${sent + 10}`, 20_000);
    expect(st.last!.bytes).toBe(sent + 10);
  }, 60_000);

  it('the page buffers only what it granted: an unread 16 MiB stream stops short of the whole', async () => {
    const SIZE = 16 * 1024 * 1024;
    const source = await control.source(SIZE, 9, true);
    const w = winsock();
    const s = await connectedSocket(w, source.port);
    // Do not read: the relay may send only as much as the page's window allows, then stops.
    const buffered = await settledFionread(w, s);
    console.log(`unread stream: ${buffered} bytes buffered in the page`);
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(SIZE);
    const got = await recvExactly(w, s, SIZE);
    expect(await sha256(got)).toBe(source.sha256);
  }, 60_000);
});

describe('half-close and close', () => {
  it('shutdown(SD_SEND): the server sees FIN after every byte, and the socket still receives', async () => {
    const hc = await control.halfclose();
    const w = winsock();
    const s = await connectedSocket(w, hc.port);
    const payload = randomBytes(100_000);
    await sendAll(w, s, payload);
    expect(w.shutdown(s, SD_SEND), lastError(w)).toBe(0);
    const reply = untext(await recvToEnd(w, s));
    expect(reply).toBe(`got ${payload.length} ${await sha256(payload)}`);
  });

  it('shutdown(SD_SEND): a sink reports FIN; send afterwards fails with WSAESHUTDOWN', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    expect(await w.send(s, text('last words'), 10, 0)).toBe(10);
    expect(w.shutdown(s, SD_SEND), lastError(w)).toBe(0);
    const state = await control.peer(sink.id, 'ended');
    expect(state.last).toMatchObject({ ended: true, bytes: 10 });
    expect(await w.send(s, text('more'), 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAESHUTDOWN');
    // The receive direction is untouched.
    await control.peerWrite(sink.id, 'still here');
    expect(untext(await recvExactly(w, s, 10))).toBe('still here');
  });

  it('shutdown(SD_RECEIVE) then recv fails with WSAESHUTDOWN; SD_BOTH works; bad how → WSAEINVAL', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    expect(w.shutdown(s, 7)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(w.shutdown(s, SD_RECEIVE), lastError(w)).toBe(0);
    expect(await w.recv(s, new Uint8Array(4), 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAESHUTDOWN');
    expect(w.shutdown(s, SD_BOTH), lastError(w)).toBe(0);
    expect((await control.peer(sink.id, 'ended')).last!.ended).toBe(true);
  });

  it('shutdown on a socket that is not connected → WSAENOTCONN', () => {
    const w = winsock();
    const s = w.socket(ws2.AF_INET, ws2.SOCK_STREAM, ws2.IPPROTO_TCP);
    expect(w.shutdown(s, SD_SEND)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');
  });

  it('server FIN → recv returns 0, and again 0 on the next call', async () => {
    const source = await control.source(1000, 7);
    const w = winsock();
    const s = await connectedSocket(w, source.port);
    expect(await recvExactly(w, s, 1000)).toEqual(seededBytes(1000, 7));
    expect(await w.recv(s, new Uint8Array(10), 10, 0)).toBe(0);
    expect(await w.recv(s, new Uint8Array(10), 10, 0)).toBe(0);
    // Our direction still works after the server's FIN (TCP half-close).
    expect(await w.send(s, text('bye'), 3, 0)).toBe(3);
  });

  it('server reset → a pending recv fails with WSAECONNRESET, later calls too', async () => {
    const rst = await control.reset({ resetOn: 100 });
    const w = winsock();
    const s = await connectedSocket(w, rst.port);
    expect(await w.recv(s, new Uint8Array(10), 10, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNRESET');
    expect(await w.send(s, text('x'), 1, 0)).toBe(SOCKET_ERROR);
    expect(['WSAECONNRESET', 'WSAECONNABORTED']).toContain(lastError(w));
  });

  it('bytes sent before the server reset are delivered before WSAECONNRESET', async () => {
    const rst = await control.reset({ size: 5000, seed: 3, resetOn: 300 });
    const w = winsock();
    const s = await connectedSocket(w, rst.port);
    expect(await recvExactly(w, s, 5000)).toEqual(seededBytes(5000, 3));
    expect(await w.recv(s, new Uint8Array(10), 10, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNRESET');
  });

  it('closesocket is graceful: queued bytes reach the server, then FIN', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const payload = randomBytes(1024 * 1024);
    await sendAll(w, s, payload);
    expect(w.closesocket(s), lastError(w)).toBe(0);
    const state = await control.peer(sink.id, 'ended', 10_000);
    expect(state.last).toMatchObject({
      ended: true,
      bytes: payload.length,
      sha256: await sha256(payload),
      error: null,
    });
  }, 30_000);

  it('SO_LINGER {on, 0} makes closesocket abortive: the server sees a reset', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    const linger = new Uint8Array(4); // struct linger { u_short l_onoff; u_short l_linger; }
    new DataView(linger.buffer).setUint16(0, 1, true);
    expect(w.setsockopt(s, SOL_SOCKET, SO_LINGER, linger, 4), lastError(w)).toBe(0);
    expect(w.closesocket(s), lastError(w)).toBe(0);
    const state = await control.peer(sink.id, 'closed');
    expect(state.last!.closed).toBe(true);
    expect(state.last!.error).toBe('ECONNRESET');
  });
});

describe('network events on data', () => {
  it("FD_CLOSE with error 0 after the server's FIN (WSAEventSelect)", async () => {
    const source = await control.source(10, 1);
    const w = winsock();
    const s = await connectedSocket(w, source.port);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    const first = await collectEvents(w, s, ev, FD_READ);
    expect(fdNames(first.lNetworkEvents)).toContain('FD_READ');
    expect(await recvExactly(w, s, 10)).toEqual(seededBytes(10, 1));
    // Windows may record FD_CLOSE together with FD_READ or only later; either way it comes, with 0.
    const closed = first.lNetworkEvents & FD_CLOSE ? first : await collectEvents(w, s, ev, FD_CLOSE);
    expect(fdNames(closed.lNetworkEvents)).toContain('FD_CLOSE');
    expect(closed.iErrorCode[FD_CLOSE_BIT]).toBe(0);
    expect(await w.recv(s, new Uint8Array(10), 10, 0)).toBe(0);
  });

  it('FD_CLOSE carries WSAECONNABORTED when the server resets the connection', async () => {
    const rst = await control.reset({ resetOn: 100 });
    const w = winsock();
    const s = await connectedSocket(w, rst.port);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_READ | FD_CLOSE), lastError(w)).toBe(0);
    const got = await collectEvents(w, s, ev, FD_CLOSE);
    expect(fdNames(got.lNetworkEvents)).toBe('FD_CLOSE');
    expect(errName(got.iErrorCode[FD_CLOSE_BIT]!)).toBe('WSAECONNABORTED');
  });

  it('FD_READ is recorded once until recv re-enables it', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    await control.peer(sink.id, 'connected');
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_READ), lastError(w)).toBe(0);

    await control.peerWrite(sink.id, 'a');
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 5000, false)).toBe(WSA_WAIT_EVENT_0);
    const ne = newNetworkEvents();
    expect(w.WSAEnumNetworkEvents(s, ev, ne), lastError(w)).toBe(0);
    expect(fdNames(ne.lNetworkEvents)).toBe('FD_READ');
    expect(ne.iErrorCode[FD_READ_BIT]).toBe(0);

    // More data, but no recv yet: no new FD_READ record.
    await control.peerWrite(sink.id, 'bc');
    expect(await eventually(() => fionread(w, s) === 3)).toBe(true);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 0, false), 'FD_READ recorded again before a recv').toBe(
      WSA_WAIT_TIMEOUT,
    );

    // recv takes one byte; data remains, so FD_READ is recorded again.
    expect(await w.recv(s, new Uint8Array(1), 1, 0)).toBe(1);
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 2000, false)).toBe(WSA_WAIT_EVENT_0);
    expect(w.WSAEnumNetworkEvents(s, ev, ne), lastError(w)).toBe(0);
    expect(fdNames(ne.lNetworkEvents)).toBe('FD_READ');
  });

  it('a non-blocking recv with nothing to read → WSAEWOULDBLOCK', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    expect(w.ioctlsocket(s, FIONBIO, { value: 1 })).toBe(0);
    expect(await w.recv(s, new Uint8Array(4), 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
  });
});

describe('recv flags and FIONREAD', () => {
  async function withGreeting(greeting: string): Promise<{ w: Winsock; s: number; id: string }> {
    const sink = await control.sink();
    const w = winsock();
    const s = await connectedSocket(w, sink.port);
    await control.peer(sink.id, 'connected');
    await control.peerWrite(sink.id, greeting);
    expect(
      await eventually(() => fionread(w, s) === greeting.length),
      'FIONREAD never reached the greeting length',
    ).toBe(true);
    return { w, s, id: sink.id };
  }

  it('FIONREAD counts the bytes waiting, and falls as recv consumes them', async () => {
    const { w, s } = await withGreeting('0123456789');
    expect(fionread(w, s)).toBe(10);
    expect(await w.recv(s, new Uint8Array(4), 4, 0)).toBe(4);
    expect(fionread(w, s)).toBe(6);
  });

  it('MSG_PEEK returns the data without consuming it', async () => {
    const { w, s } = await withGreeting('peekaboo');
    const a = new Uint8Array(4);
    expect(await w.recv(s, a, 4, MSG_PEEK)).toBe(4);
    expect(untext(a)).toBe('peek');
    expect(fionread(w, s)).toBe(8);
    const b = new Uint8Array(8);
    expect(await w.recv(s, b, 8, 0)).toBe(8);
    expect(untext(b)).toBe('peekaboo');
  });

  it('MSG_WAITALL waits until the whole buffer is filled', async () => {
    const { w, s, id } = await withGreeting('abc');
    const buf = new Uint8Array(10);
    const pending = w.recv(s, buf, 10, MSG_WAITALL);
    expect(await stillPendingAfterRoundTrip(w, pending)).toBe('pending');
    await control.peerWrite(id, 'defghij');
    expect(await pending).toBe(10);
    expect(untext(buf)).toBe('abcdefghij');
  });

  it('MSG_WAITALL returns what arrived when the server sends FIN first', async () => {
    const { w, s, id } = await withGreeting('abc');
    const buf = new Uint8Array(10);
    const pending = w.recv(s, buf, 10, MSG_WAITALL);
    expect(await stillPendingAfterRoundTrip(w, pending), 'MSG_WAITALL returned before the buffer was full').toBe(
      'pending',
    );
    await control.peerEnd(id);
    expect(await pending).toBe(3);
    expect(untext(buf.subarray(0, 3))).toBe('abc');
  });

  it('MSG_OOB → WSAEOPNOTSUPP (no urgent data over the relay)', async () => {
    const { w, s } = await withGreeting('x');
    expect(await w.recv(s, new Uint8Array(1), 1, MSG_OOB)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEOPNOTSUPP');
    expect(await w.send(s, text('!'), 1, MSG_OOB)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEOPNOTSUPP');
  });

  it('recv / send on a socket that is not connected → WSAENOTCONN', async () => {
    const w = winsock();
    const s = w.socket(ws2.AF_INET, ws2.SOCK_STREAM, ws2.IPPROTO_TCP);
    expect(await w.recv(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');
    expect(await w.send(s, text('x'), 1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTCONN');
  });
});
