/**
 * select as Windows answers it (Wine's ws2_32 test_select records it from real Windows): the
 * three states a socket can be in (connecting, listening, connected), a failed connect in
 * exceptfds only with SO_ERROR kept until a connect succeeds, a blocking connect's failure not
 * stored in SO_ERROR, a closed socket in a set → WSAENOTSOCK with the sets untouched, and an
 * unbound UDP socket writable.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../../fixtures/control.js';
import { inboundWinsock, listeningSocket, localName } from '../../fixtures/inbound.js';
import { eventually, lastError, releaseWinsocks, tcpSocket, ws2, type Winsock } from '../../fixtures/winsock.js';
import { EXPECT_MS, sendText, setNonBlocking, tcpSocketPair, untilReadable as untilReadableFd } from './event-modes.js';

const { SOCKET_ERROR, SOL_SOCKET, SO_ERROR, INVALID_SOCKET, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSAECONNREFUSED } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

interface Ready {
  n: number;
  read: number[];
  write: number[];
  except: number[];
}

/** select with every socket of `all` in all three sets (or only those given per set). */
async function selectAll(
  w: Winsock,
  all: number[],
  ms: number,
  sets?: Partial<Record<'read' | 'write' | 'except', number[]>>,
): Promise<Ready> {
  const make = (which: 'read' | 'write' | 'except') => {
    const members = sets ? (sets[which] ?? []) : all;
    return { fd_count: members.length, fd_array: [...members] };
  };
  const r = make('read'),
    wr = make('write'),
    ex = make('except');
  const timeout = { tv_sec: Math.floor(ms / 1000), tv_usec: (ms % 1000) * 1000 };
  const n = await w.select(0, r.fd_count ? r : null, wr.fd_count ? wr : null, ex.fd_count ? ex : null, timeout);
  expect(n, `select: ${n === SOCKET_ERROR ? lastError(w) : n}`).not.toBe(SOCKET_ERROR);
  expect(timeout, 'select leaves the timeout as it was').toEqual({
    tv_sec: Math.floor(ms / 1000),
    tv_usec: (ms % 1000) * 1000,
  });
  const ids = (set: { fd_count: number; fd_array: number[] }) => set.fd_array.slice(0, set.fd_count);
  return { n, read: ids(r), write: ids(wr), except: ids(ex) };
}

function soError(w: Winsock, s: number): number {
  const v = new Uint8Array(4);
  const len = { value: 4 };
  expect(w.getsockopt(s, SOL_SOCKET, SO_ERROR, v, len), lastError(w)).toBe(0);
  return new DataView(v.buffer).getInt32(0, true);
}

describe('select', () => {
  it('listening, connecting, connected: readable listener, writable ends, data readable, close readable', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    expect(await selectAll(w, [l.s], 250), 'nothing pending').toEqual({ n: 0, read: [], write: [], except: [] });

    const connector = tcpSocket(w);
    setNonBlocking(w, connector, true);
    const name = ws2.sockaddrIn('127.0.0.1', l.port);
    const rc = await w.connect(connector, name, name.length);
    if (rc === SOCKET_ERROR) expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await selectAll(w, [l.s], EXPECT_MS), 'a connection waits').toEqual({
      n: 1,
      read: [l.s],
      write: [],
      except: [],
    });
    const accepted = await w.accept(l.s, null, null);
    expect(accepted, lastError(w)).not.toBe(INVALID_SOCKET);

    const settled = await selectAll(w, [l.s, accepted, connector], EXPECT_MS, { write: [connector] });
    expect(settled.write, 'the connect completed').toEqual([connector]);
    expect(await selectAll(w, [l.s, accepted, connector], EXPECT_MS), 'both ends writable, nothing else').toEqual({
      n: 2,
      read: [],
      write: [accepted, connector],
      except: [],
    });
    expect(soError(w, connector)).toBe(0);
    setNonBlocking(w, accepted, true);

    await sendText(w, connector, '1234');
    expect(
      await selectAll(w, [], EXPECT_MS, { read: [l.s, accepted], write: [l.s], except: [l.s, accepted] }),
      'data',
    ).toEqual({ n: 1, read: [accepted], write: [], except: [] });
    expect(await selectAll(w, [accepted], EXPECT_MS), 'data, all sets').toEqual({
      n: 2,
      read: [accepted],
      write: [accepted],
      except: [],
    });
    const got = new Uint8Array(16);
    expect(await w.recv(accepted, got, 16, 0)).toBe(4);
    expect(new TextDecoder().decode(got.subarray(0, 4))).toBe('1234');

    expect(w.closesocket(accepted)).toBe(0);
    const closed = await selectAll(w, [], EXPECT_MS, { read: [l.s, connector], write: [l.s], except: [l.s] });
    expect(closed, 'the peer closed').toEqual({ n: 1, read: [connector], write: [], except: [] });
    expect(await w.recv(connector, new Uint8Array(16), 16, 0)).toBe(0);
  });

  it('a failed non-blocking connect: exceptfds only; SO_ERROR kept by a new connect, cleared by a successful one', async () => {
    const w = inboundWinsock();
    const refused = ws2.sockaddrIn('127.0.0.1', await control.refusedPort());
    const s = tcpSocket(w);
    setNonBlocking(w, s, true);
    expect(await w.connect(s, refused, refused.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await selectAll(w, [s], 10000), 'the connect failed').toEqual({ n: 1, read: [], write: [], except: [s] });
    expect(soError(w, s)).toBe(WSAECONNREFUSED);
    expect(soError(w, s), 'reading it does not clear it').toBe(WSAECONNREFUSED);
    expect(await selectAll(w, [s], 10000)).toEqual({ n: 1, read: [], write: [], except: [s] });

    expect(await w.connect(s, refused, refused.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(soError(w, s), 'a new connect keeps the old error').toBe(WSAECONNREFUSED);
    expect(await selectAll(w, [s], 10000)).toEqual({ n: 1, read: [], write: [], except: [s] });

    const l = await listeningSocket(w);
    const good = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(s, good, good.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await selectAll(w, [s], EXPECT_MS), 'connected').toEqual({ n: 1, read: [], write: [s], except: [] });
    expect(soError(w, s), 'a successful connect clears it').toBe(0);
  });

  it("a blocking connect's failure is in exceptfds but not in SO_ERROR", async () => {
    const w = inboundWinsock();
    const refused = ws2.sockaddrIn('127.0.0.1', await control.refusedPort());
    const s = tcpSocket(w);
    expect(await w.connect(s, refused, refused.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
    expect(soError(w, s)).toBe(0);
    expect(await selectAll(w, [s], 0)).toEqual({ n: 1, read: [], write: [], except: [s] });
    expect(soError(w, s)).toBe(0);
  });

  it('a closed socket in a set: WSAENOTSOCK, the sets as they were', async () => {
    const w = inboundWinsock();
    const { client, server } = await tcpSocketPair(w);
    expect(w.closesocket(server)).toBe(0);
    const readfds = { fd_count: 2, fd_array: [client, server] };
    const exceptfds = { fd_count: 2, fd_array: [client, server] };
    expect(await w.select(0, readfds, null, exceptfds, { tv_sec: 1, tv_usec: 250000 })).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(readfds).toEqual({ fd_count: 2, fd_array: [client, server] });
    expect(exceptfds).toEqual({ fd_count: 2, fd_array: [client, server] });
  });

  it('a socket closed during the wait: readable if in readfds; only in exceptfds → WSAENOTSOCK, not in the set', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    let pair = await tcpSocketPair(w, l);
    const readfds = { fd_count: 1, fd_array: [pair.client] };
    const exceptfds = { fd_count: 1, fd_array: [pair.client] };
    const waiting = w.select(0, readfds, null, exceptfds, { tv_sec: 1, tv_usec: 250000 }); // waiting once it returns
    expect(w.closesocket(pair.client)).toBe(0);
    expect(await waiting, lastError(w)).toBe(1);
    expect(readfds.fd_array.slice(0, readfds.fd_count)).toEqual([pair.client]);

    pair = await tcpSocketPair(w, l);
    const onlyExcept = { fd_count: 1, fd_array: [pair.client] };
    const failing = w.select(0, null, null, onlyExcept, { tv_sec: 1, tv_usec: 250000 });
    expect(w.closesocket(pair.client)).toBe(0);
    expect(await failing).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(ws2.FD_ISSET(pair.client, onlyExcept)).toBeFalsy();
  });

  it('listen after a failed connect works; SO_ERROR and exceptfds stay', async () => {
    const w = inboundWinsock();
    const refused = ws2.sockaddrIn('127.0.0.1', await control.refusedPort());
    const s = tcpSocket(w);
    setNonBlocking(w, s, true);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(s, any, any.length), lastError(w)).toBe(0);
    expect(await w.connect(s, refused, refused.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect((await selectAll(w, [], 10000, { except: [s] })).n, 'the connect failed').toBe(1);
    expect(w.listen(s, 1), lastError(w)).toBe(0);
    let port = 0;
    expect(
      await eventually(() => {
        const n = localName(w, s);
        port = typeof n === 'string' ? 0 : n.port;
        return port !== 0;
      }, EXPECT_MS),
      'the relay reported the listening port',
    ).toBe(true);
    const client = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', port);
    expect(await w.connect(client, name, name.length), lastError(w)).toBe(0);
    await untilReadableFd(w, s);
    const server = await w.accept(s, null, null);
    expect(server, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(soError(w, s), "SO_ERROR is still the failed connect's").toBe(WSAECONNREFUSED);
    expect(await selectAll(w, [s], 0)).toEqual({ n: 1, read: [], write: [], except: [s] });
  });

  it('fresh sockets: nothing ready, {0,0} returns at once; no sets or empty sets → WSAEINVAL; INVALID_SOCKET → WSAENOTSOCK', async () => {
    const w = inboundWinsock();
    const a = tcpSocket(w);
    const b = tcpSocket(w);
    for (const usec of [0, 500]) {
      const started = performance.now();
      expect(await selectAll(w, [a, b], 0 + usec / 1000), `timeout {0,${usec}}`).toEqual({
        n: 0,
        read: [],
        write: [],
        except: [],
      });
      if (usec === 0) expect(performance.now() - started, '{0,0} does not block').toBeLessThan(100);
    }
    expect(w.listen(b, ws2.SOMAXCONN), 'listen on an unbound socket').toBe(SOCKET_ERROR);
    expect(w.closesocket(b)).toBe(0);

    const tv = { tv_sec: 0, tv_usec: 500 };
    expect(await w.select(0, null, null, null, tv)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    const empty = () => ({ fd_count: 0, fd_array: [] as number[] });
    expect(await w.select(0, empty(), empty(), empty(), tv)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    for (const which of [0, 1, 2]) {
      const sets = [empty(), empty(), empty()];
      sets[which] = { fd_count: 1, fd_array: [INVALID_SOCKET] };
      expect(await w.select(0, sets[0]!, sets[1]!, sets[2]!, tv), `INVALID_SOCKET in set ${which}`).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAENOTSOCK');
      expect(ws2.FD_ISSET(a, sets[which]!)).toBeFalsy();
    }
  });

  it('a socket twice in a set counts once; one fd_set passed as readfds and writefds is ready on either', async () => {
    const w = inboundWinsock();
    const { client: fdWrite, server: fdRead } = await tcpSocketPair(w);
    const tv = { tv_sec: 0, tv_usec: 500 };
    const readOnly = { fd_count: 1, fd_array: [fdRead] };
    expect(await w.select(0, readOnly, null, null, tv), 'no data yet').toBe(0);
    const twice = { fd_count: 2, fd_array: [fdWrite, fdWrite] };
    expect(await w.select(0, null, twice, null, tv), lastError(w)).toBe(1);
    expect(twice).toEqual({ fd_count: 1, fd_array: [fdWrite, fdWrite] });

    const both = (...fds: number[]) => ({ fd_count: fds.length, fd_array: fds });
    let set = both(fdWrite);
    expect(await w.select(0, set, set, null, tv)).toBe(1);
    expect(ws2.FD_ISSET(fdWrite, set)).toBeTruthy();
    set = both(fdWrite, fdRead);
    expect(await w.select(0, set, set, null, tv)).toBe(2);
    expect([ws2.FD_ISSET(fdWrite, set), ws2.FD_ISSET(fdRead, set)].map(Boolean)).toEqual([true, true]);
    await sendText(w, fdWrite, 'test');
    const arrived = both(fdRead);
    expect(await w.select(0, arrived, null, null, { tv_sec: EXPECT_MS / 1000, tv_usec: 0 }), 'the data arrived').toBe(
      1,
    );
    expect(ws2.FD_ISSET(fdRead, arrived)).toBeTruthy();
    set = both(fdWrite, fdRead);
    expect(await w.select(0, set, set, null, tv), 'readable and writable, counted once').toBe(2);
    expect([ws2.FD_ISSET(fdWrite, set), ws2.FD_ISSET(fdRead, set)].map(Boolean)).toEqual([true, true]);

    // Fill fdWrite's path while nobody reads: once select says it is not writable, the shared set
    // holds only fdRead (readable and writable); data back from fdRead makes fdWrite ready again.
    const chunk = new Uint8Array(64 * 1024);
    let sends = 0;
    for (; sends < 2000; sends++) {
      if ((await w.select(0, null, both(fdWrite), null, tv)) === 0) break;
      expect(await w.send(fdWrite, chunk, chunk.length, 0), lastError(w)).toBeGreaterThan(0);
    }
    expect(sends, 'fdWrite never stopped being writable').toBeLessThan(2000);
    set = both(fdWrite, fdRead);
    expect(await w.select(0, set, set, null, tv)).toBe(1);
    expect([ws2.FD_ISSET(fdWrite, set), ws2.FD_ISSET(fdRead, set)].map(Boolean)).toEqual([false, true]);
    await sendText(w, fdRead, 'test');
    expect(
      await w.select(0, both(fdWrite), null, null, { tv_sec: EXPECT_MS / 1000, tv_usec: 0 }),
      'the data came back',
    ).toBe(1);
    set = both(fdWrite, fdRead);
    expect(await w.select(0, set, set, null, tv)).toBe(2);
    expect([ws2.FD_ISSET(fdWrite, set), ws2.FD_ISSET(fdRead, set)].map(Boolean)).toEqual([true, true]);
  });

  it('a listener closed during select wakes it (readable); recv on the closed handle fails; writefds alone', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const readfds = { fd_count: 1, fd_array: [l.s] };
    const waiting = w.select(0, readfds, null, null, { tv_sec: 5, tv_usec: 0 });
    expect(w.closesocket(l.s)).toBe(0);
    expect(await waiting, 'closesocket woke select').toBe(1);
    expect(await w.recv(l.s, new Uint8Array(1), 1, ws2.MSG_PEEK)).toBe(SOCKET_ERROR);

    const { client } = await tcpSocketPair(w);
    const writefds = { fd_count: 1, fd_array: [client] };
    expect(await w.select(0, null, writefds, null, { tv_sec: 0, tv_usec: 500 }), lastError(w)).toBe(1);
    expect(ws2.FD_ISSET(client, writefds)).toBeTruthy();
  });

  it('many connected sockets in writefds: all of them, in their order', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const sockets: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { client, server } = await tcpSocketPair(w, l);
      sockets.push(client, server);
    }
    const writefds = { fd_count: sockets.length, fd_array: [...sockets] };
    expect(await w.select(0, null, writefds, null, { tv_sec: 1, tv_usec: 250000 }), lastError(w)).toBe(sockets.length);
    expect(writefds.fd_array.slice(0, writefds.fd_count)).toEqual(sockets);
  });

  it('an unbound UDP socket is writable', async () => {
    const w = inboundWinsock();
    const s = w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    expect(await selectAll(w, [s], 250)).toEqual({ n: 1, read: [], write: [s], except: [] });
  });
});
