/**
 * Inbound TCP through the relay: a page listens on a relay address, real TCP clients
 * (Node, or another page) connect to it, and the accepted sockets carry data exactly as connected
 * ones do: bulk integrity both ways, half-close, credits. Plus the listener's life: backlog,
 * closing it, losing the relay. And a UDP socket on a fixed port hearing from any sender.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control, randomBytes, sha256, text, untext, type TcpClientHandle } from '../fixtures/control.js';
import { acceptWithin, inboundWinsock, listeningSocket, localName, rangePort } from '../fixtures/inbound.js';
import { seededBytes } from '../fixtures/seeded-bytes.js';
import {
  addr,
  collectEvents,
  connectedSocket,
  eventually,
  fdNames,
  lastError,
  recvExactly,
  recvToEnd,
  relayRoundTrip,
  releaseWinsocks,
  sendAll,
  settledFionread,
  settledWithin,
  stillPendingAfterRoundTrip,
  tcpSocket,
  udpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, INVALID_SOCKET, SD_SEND, FIONBIO, FD_WRITE, FD_READ, FD_ACCEPT, FD_CLOSE } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const MiB = 1024 * 1024;

function peerName(w: Winsock, s: number): { address: string; port: number; family: number } | string {
  const name = new Uint8Array(28);
  const len = { value: name.length };
  if (w.getpeername(s, name, len) !== 0) return lastError(w);
  return ws2.parseSockaddr(name.subarray(0, len.value));
}

/** Every connection a non-blocking accept hands out right now (the listener is left non-blocking). */
async function drainAccepts(w: Winsock, s: number): Promise<{ s: number; port: number }[]> {
  expect(w.ioctlsocket(s, FIONBIO, { value: 1 })).toBe(0);
  const out: { s: number; port: number }[] = [];
  for (let i = 0; i < 16; i++) {
    const name = new Uint8Array(16);
    const rc = await w.accept(s, name, { value: 16 });
    if (rc === INVALID_SOCKET) {
      expect(lastError(w), 'a non-blocking accept with nothing left').toBe('WSAEWOULDBLOCK');
      break;
    }
    out.push({ s: rc, port: ws2.parseSockaddr(name).port });
  }
  return out;
}

describe('a page listens; a Node client connects', () => {
  it("bind 127.0.0.1:0 + listen: getsockname reports the relay's real port; accept reports the client's address", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    expect(l.port).toBeGreaterThan(0);
    expect(localName(w, l.s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: l.port });
    const client = await control.client(l.port, { mode: 'sink' });
    expect(client.connectError, 'the Node client dialled the port getsockname reported').toBeNull();
    const a = await acceptWithin(w, l.s);
    expect(a.peer).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: client.localPort });
    expect(peerName(w, a.s)).toEqual(a.peer);
    expect(localName(w, a.s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: l.port });
    // The accepted socket is a connected stream socket, distinct from the listener.
    expect(a.s).not.toBe(l.s);
    const type = new Uint8Array(4);
    expect(w.getsockopt(a.s, ws2.SOL_SOCKET, ws2.SO_TYPE, type, { value: 4 }), lastError(w)).toBe(0);
    expect(type[0]).toBe(ws2.SOCK_STREAM);
    expect(await w.send(a.s, text('hi'), 2, 0)).toBe(2);
    expect((await control.clientState(client.id, 'bytes:2')).last!.bytes).toBe(2);
  });

  it('16 MiB each way at once between the accepted socket and the Node client, verified by SHA-256', async () => {
    const SIZE = 16 * MiB;
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'source', size: SIZE, seed: 81, keepOpen: true });
    expect(client.connectError).toBeNull();
    const { s } = await acceptWithin(w, l.s);
    const out = randomBytes(SIZE);
    const t0 = performance.now();
    const [, back] = await Promise.all([sendAll(w, s, out, 256 * 1024), recvExactly(w, s, SIZE)]);
    const ms = performance.now() - t0;
    console.log(
      `inbound 16 MiB each way: ${ms.toFixed(0)} ms, ${(SIZE / MiB / (ms / 1000)).toFixed(1)} MiB/s each way`,
    );
    expect(await sha256(back), 'client → page').toBe(client.sentSha256);
    expect(back.subarray(0, 64)).toEqual(seededBytes(64, 81));
    const st = await control.clientState(client.id, `bytes:${SIZE}`, 20_000);
    expect(st.last!.bytes).toBe(SIZE);
    expect(st.last!.sha256, 'page → client').toBe(await sha256(out));
    // Graceful ends both ways: the page's FIN reaches the client, the client's FIN reads as 0.
    expect(w.shutdown(s, SD_SEND), lastError(w)).toBe(0);
    expect((await control.clientState(client.id, 'ended')).last!.ended).toBe(true);
    await control.peerEnd(client.id);
    expect(await w.recv(s, new Uint8Array(8), 8, 0)).toBe(0);
  }, 120_000);

  it('two blocking accepts in flight on one listener take two different connections', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const names = [new Uint8Array(16), new Uint8Array(16)];
    const accepts = names.map((name) => w.accept(l.s, name, { value: 16 }));
    // Both dial at once, so their INCOMINGs may reach the page together and wake both accepts.
    const [c1, c2] = await Promise.all([
      control.client(l.port, { mode: 'echo' }),
      control.client(l.port, { mode: 'echo' }),
    ]);
    const handles = await Promise.all(accepts.map((p) => settledWithin(p, 5000)));
    expect(handles, lastError(w)).not.toContain(INVALID_SOCKET);
    expect(handles).not.toContain('pending');
    expect(new Set(handles).size, 'two distinct sockets').toBe(2);
    expect(names.map((n) => ws2.parseSockaddr(n).port).sort()).toEqual([c1.localPort, c2.localPort].sort());
    // Each socket carries its own client's bytes.
    for (const [i, s] of (handles as number[]).entries()) {
      const msg = text(`conn ${i}`);
      expect(await w.send(s, msg, msg.length, 0)).toBe(msg.length);
      expect(untext(await recvExactly(w, s, msg.length))).toBe(`conn ${i}`);
    }
  });

  it('what a client sent (and its FIN) before accept waits for accept, then arrives whole', async () => {
    const SIZE = 100_000;
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'source', size: SIZE, seed: 3 });
    // The client's bytes and FIN have left it (they sit at the relay, unread) before the page accepts.
    expect(
      (await control.clientState(client.id, 'flushed')).last!.flushed,
      'the client never flushed its bytes and FIN',
    ).toBe(true);
    const { s } = await acceptWithin(w, l.s);
    const got = await recvToEnd(w, s);
    expect(got.length).toBe(SIZE);
    expect(await sha256(got)).toBe(client.sentSha256);
  });

  it('IPv6: listening on ::1 accepts a client from ::1 with a 28-byte sockaddr_in6', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { host: '::1' });
    expect(localName(w, l.s)).toMatchObject({ family: ws2.AF_INET6, address: '::1', port: l.port });
    const client = await control.client(l.port, { host: '::1', mode: 'echo' });
    expect(client.connectError).toBeNull();
    const name = new Uint8Array(28);
    const len = { value: 28 };
    const s = await settledWithin(w.accept(l.s, name, len), 5000);
    expect(s, `accept: ${lastError(w)}`).not.toBe(INVALID_SOCKET);
    expect(len.value).toBe(28);
    expect(ws2.parseSockaddr(name)).toMatchObject({ family: ws2.AF_INET6, address: '::1', port: client.localPort });
    expect(await w.send(s as number, text('v6 inbound'), 10, 0)).toBe(10);
    expect(untext(await recvExactly(w, s as number, 10))).toBe('v6 inbound');
  });

  it("a fixed port of the relay's range: the client reaches exactly that port", async () => {
    const w = inboundWinsock();
    for (let attempt = 0; ; attempt++) {
      const port = rangePort();
      const s = tcpSocket(w);
      const name = addr(port);
      expect(w.bind(s, name, name.length)).toBe(0);
      expect(w.listen(s, 5)).toBe(0);
      // The relay listens a moment after listen returned, and nothing tells the page when: retry.
      const client = await control.client(port, { mode: 'echo', connectTimeoutMs: 2000, retryRefusedMs: 2000 });
      const rc = await settledWithin(w.accept(s, null, null), 5000);
      if (rc === INVALID_SOCKET && lastError(w) === 'WSAEADDRINUSE' && attempt < 5) {
        await control.release(client.id);
        continue; // another test of this run holds it: try another
      }
      const why =
        rc === INVALID_SOCKET
          ? lastError(w)
          : `still waiting (client: ${client.connectError ?? 'connected'} after ${client.attempts} dials)`;
      expect(rc, `accept on ${port}: ${why}`).not.toBe(INVALID_SOCKET);
      expect(rc, `accept on ${port}: ${why}`).not.toBe('pending');
      expect(client.connectError).toBeNull();
      expect(localName(w, s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port });
      expect(await w.send(rc as number, text('fixed'), 5, 0)).toBe(5);
      expect(untext(await recvExactly(w, rc as number, 5))).toBe('fixed');
      return;
    }
  });
});

describe('the listening socket and what accept inherits', () => {
  it("getsockname says port 0 right after listen (nothing known yet), the relay's port once it listens", async () => {
    const w = inboundWinsock();
    const s = tcpSocket(w);
    const name = addr(0);
    expect(w.bind(s, name, name.length)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    expect(localName(w, s), 'synchronously after listen').toEqual({
      family: ws2.AF_INET,
      address: '127.0.0.1',
      port: 0,
    });
    let port = 0;
    const known = await eventually(() => {
      const n = localName(w, s);
      port = typeof n === 'string' ? 0 : n.port;
      return port !== 0;
    }, 5000);
    expect(known, "the relay's port never showed").toBe(true);
    const client = await control.client(port, { mode: 'sink' });
    expect(client.connectError, 'that port is where the relay listens').toBeNull();
  });

  it('SO_ACCEPTCONN is 1 on the listener, 0 on the accepted socket; accept copies SO_KEEPALIVE and TCP_NODELAY', async () => {
    const w = inboundWinsock();
    const one = new Uint8Array([1, 0, 0, 0]);
    const s = tcpSocket(w);
    expect(w.setsockopt(s, ws2.SOL_SOCKET, ws2.SO_KEEPALIVE, one, 4), lastError(w)).toBe(0);
    expect(w.setsockopt(s, ws2.IPPROTO_TCP, ws2.TCP_NODELAY, one, 4), lastError(w)).toBe(0);
    const name = addr(0);
    expect(w.bind(s, name, name.length)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    const get = (sock: number, level: number, opt: number): number => {
      const v = new Uint8Array(4);
      expect(w.getsockopt(sock, level, opt, v, { value: 4 }), lastError(w)).toBe(0);
      return new DataView(v.buffer).getUint32(0, true);
    };
    expect(get(s, ws2.SOL_SOCKET, ws2.SO_ACCEPTCONN)).toBe(1);
    let port = 0;
    await eventually(() => {
      const n = localName(w, s);
      port = typeof n === 'string' ? 0 : n.port;
      return port !== 0;
    }, 5000);
    await control.client(port, { mode: 'sink' });
    const a = await acceptWithin(w, s);
    expect(get(a.s, ws2.SOL_SOCKET, ws2.SO_ACCEPTCONN)).toBe(0);
    expect(get(a.s, ws2.SOL_SOCKET, ws2.SO_KEEPALIVE) !== 0, 'SO_KEEPALIVE inherited').toBe(true);
    expect(get(a.s, ws2.IPPROTO_TCP, ws2.TCP_NODELAY) !== 0, 'TCP_NODELAY inherited').toBe(true);
  });
});

describe('two pages talk through the relay', () => {
  async function pagePair(connectVia: string): Promise<void> {
    const SIZE = 2 * MiB;
    const listener = inboundWinsock(); // page A
    const dialler = winsock(connectVia); // page B: a different createWinsock object, its own WebSocket
    const l = await listeningSocket(listener);
    const accepting = acceptWithin(listener, l.s);
    const b = await connectedSocket(dialler, l.port);
    const a = await accepting;
    const bLocal = localName(dialler, b);
    expect(typeof bLocal === 'string' ? bLocal : bLocal.port, "B's real port, as its relay reports it").toBe(
      a.peer.port,
    );
    expect(peerName(dialler, b)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: l.port });

    const ab = randomBytes(SIZE);
    const ba = randomBytes(SIZE);
    const [, , gotAtB, gotAtA] = await Promise.all([
      sendAll(listener, a.s, ab),
      sendAll(dialler, b, ba),
      recvExactly(dialler, b, SIZE),
      recvExactly(listener, a.s, SIZE),
    ]);
    expect(await sha256(gotAtB), 'A → B').toBe(await sha256(ab));
    expect(await sha256(gotAtA), 'B → A').toBe(await sha256(ba));

    // Half-close from B: A reads 0, still sends; then A closes and B reads 0.
    expect(dialler.shutdown(b, SD_SEND)).toBe(0);
    expect(await listener.recv(a.s, new Uint8Array(4), 4, 0)).toBe(0);
    expect(await listener.send(a.s, text('after FIN'), 9, 0)).toBe(9);
    expect(listener.closesocket(a.s)).toBe(0);
    expect(untext(await recvToEnd(dialler, b))).toBe('after FIN');
  }

  it('page A listens, page B (another Winsock object, same relay) connects: 2 MiB each way, half-close', async () => {
    await pagePair(inject('inboundRelayUrl'));
  }, 60_000);

  it('page B connects through a different relay process (the loopback-allowed one)', async () => {
    await pagePair(inject('relayUrl'));
  }, 60_000);
});

describe('backlog', () => {
  it('listen backlog 1, three clients, no accept: one waits, the other two are refused or reset', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { backlog: 1 });
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(l.s, ev, FD_ACCEPT)).toBe(0);
    const clients: TcpClientHandle[] = [];
    for (let i = 0; i < 3; i++) {
      clients.push(await control.client(l.port, { mode: 'sink', connectTimeoutMs: 2000 }));
      // In order: the first is the one that gets the single backlog slot.
      if (i === 0) expect(fdNames((await collectEvents(w, l.s, ev, FD_ACCEPT)).lNetworkEvents)).toBe('FD_ACCEPT');
    }
    // The two latecomers go first (they are refused or reset); the relay handles the clients in
    // order, so by then a reset of the first would have happened too: its state is read without waiting.
    const fate = async (c: TcpClientHandle, until?: 'gone'): Promise<string> => {
      if (c.connectError) return c.connectError;
      const st = await control.clientState(c.id, until, 5000);
      return st.last!.error ?? (st.last!.ended || st.last!.closed ? 'FIN' : 'waiting');
    };
    const latecomers = await Promise.all(clients.slice(1).map((c) => fate(c, 'gone')));
    const fates = [await fate(clients[0]!), ...latecomers];
    console.log(`backlog 1, three clients: ${fates.join(', ')}`);
    expect(fates[0], 'the first client holds the backlog slot').toBe('waiting');
    for (const fate of fates.slice(1)) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(fate);

    const accepted = await drainAccepts(w, l.s);
    expect(
      accepted.map((a) => a.port),
      'accept hands out the waiting client only',
    ).toEqual([clients[0]!.localPort]);
    // The slot is free again: a fourth client is queued (FD_ACCEPT, re-enabled by accept) and accepted.
    const late = await control.client(l.port, { mode: 'sink' });
    expect(late.connectError).toBeNull();
    expect(fdNames((await collectEvents(w, l.s, ev, FD_ACCEPT)).lNetworkEvents)).toBe('FD_ACCEPT');
    expect((await drainAccepts(w, l.s)).map((a) => a.port)).toEqual([late.localPort]);
  });
});

describe('closing a listener', () => {
  it('resets the connections still pending on it; accepted ones live on; new clients are refused', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const kept = await control.client(l.port, { mode: 'echo' });
    const accepted = await acceptWithin(w, l.s);
    expect(accepted.peer.port).toBe(kept.localPort);
    const pending = [await control.client(l.port, { mode: 'sink' }), await control.client(l.port, { mode: 'sink' })];
    // Wait until both reached the page (select: the listener is readable).
    const readfds = { fd_count: 1, fd_array: [l.s] };
    expect(
      await w.select(0, readfds, null, null, { tv_sec: 5, tv_usec: 0 }),
      'a pending connection makes the listener readable',
    ).toBe(1);
    await relayRoundTrip(w); // the second INCOMING may trail the first

    expect(w.closesocket(l.s), lastError(w)).toBe(0);
    for (const c of pending) {
      const st = await control.clientState(c.id, 'gone', 5000);
      expect(st.last!.error ?? (st.last!.ended ? 'FIN' : 'still open'), `pending client ${c.localPort}`).toBe(
        'ECONNRESET',
      );
    }
    // The relay stopped listening: the port refuses.
    const after = await control.client(l.port, { mode: 'sink', connectTimeoutMs: 2000 });
    expect(after.connectError).toBe('ECONNREFUSED');
    // The accepted connection is untouched.
    expect(await w.send(accepted.s, text('still here'), 10, 0)).toBe(10);
    expect(untext(await recvExactly(w, accepted.s, 10))).toBe('still here');
  });

  it('closesocket on a listener makes a blocking accept in flight return WSAEINTR', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const accepting = w.accept(l.s, null, null);
    expect(await stillPendingAfterRoundTrip(w, accepting)).toBe('pending');
    expect(w.closesocket(l.s)).toBe(0);
    expect(await settledWithin(accepting, 2000)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEINTR');
  });

  it('a listener whose relay shuts down gracefully: a blocking accept fails with WSAECONNABORTED', async () => {
    const { first, last } = inject('inboundPorts');
    const relay = await control.spawnRelay({ addresses: ['127.0.0.1'], ports: `${first}-${last}` });
    const w = winsock(relay.url);
    const l = await listeningSocket(w);
    const accepting = w.accept(l.s, null, null);
    expect(await stillPendingAfterRoundTrip(w, accepting)).toBe('pending');
    await control.killRelay(relay.id, 'graceful');
    expect(await settledWithin(accepting, 5000)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAECONNABORTED');
  });

  it('a listener whose relay is lost: accept fails with WSAECONNABORTED', async () => {
    const { first, last } = inject('inboundPorts');
    const relay = await control.spawnRelay({ addresses: ['127.0.0.1'], ports: `${first}-${last}` });
    const w = winsock(relay.url);
    const l = await listeningSocket(w);
    const accepting = w.accept(l.s, null, null);
    expect(await stillPendingAfterRoundTrip(w, accepting)).toBe('pending');
    await control.killRelay(relay.id, 'abrupt');
    expect(await settledWithin(accepting, 5000)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAECONNABORTED');
  });
});

describe('accepted sockets: half-close and credits, as connected ones', () => {
  it('the page half-closes: the client sees FIN after every byte, and the page still receives', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'sink' });
    const { s } = await acceptWithin(w, l.s);
    const data = randomBytes(300_000);
    await sendAll(w, s, data);
    expect(w.shutdown(s, SD_SEND)).toBe(0);
    const st = await control.clientState(client.id, 'ended');
    expect(st.last!.ended).toBe(true);
    expect(st.last!.bytes).toBe(data.length);
    expect(st.last!.sha256).toBe(await sha256(data));
    expect(await w.send(s, text('x'), 1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAESHUTDOWN');
    await control.peerWrite(client.id, 'late reply');
    await control.peerEnd(client.id);
    expect(untext(await recvToEnd(w, s))).toBe('late reply');
  });

  it("the client half-closes: recv returns 0, the page's answer still reaches it (halfclose client)", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const _client = await control.client(l.port, { mode: 'halfclose' });
    const { s } = await acceptWithin(w, l.s);
    const data = randomBytes(1_000_000);
    await sendAll(w, s, data);
    expect(w.shutdown(s, SD_SEND)).toBe(0);
    // The client answers `got <n> <sha256>` and FINs.
    expect(untext(await recvToEnd(w, s))).toBe(`got ${data.length} ${await sha256(data)}`);
  });

  it('a client that does not read: non-blocking sends stop at WSAEWOULDBLOCK, FD_WRITE once it reads, nothing lost', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'stall' });
    const { s } = await acceptWithin(w, l.s);
    expect(w.ioctlsocket(s, FIONBIO, { value: 1 })).toBe(0);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_WRITE), lastError(w)).toBe(0);
    expect(
      fdNames((await collectEvents(w, s, ev, FD_WRITE)).lNetworkEvents),
      'an accepted socket can send at once',
    ).toBe('FD_WRITE');
    const CHUNK = 1_000_003;
    const chunk = randomBytes(CHUNK);
    const hashParts: Uint8Array[] = [];
    let sent = 0;
    let blocked = false;
    for (let i = 0; i < 256 && !blocked; i++) {
      const rc = await w.send(s, chunk, CHUNK, 0);
      if (rc === SOCKET_ERROR) {
        expect(lastError(w)).toBe('WSAEWOULDBLOCK');
        blocked = true;
      } else {
        hashParts.push(chunk.subarray(0, rc));
        sent += rc;
      }
    }
    expect(blocked, `never blocked after ${sent} bytes`).toBe(true);
    console.log(`accepted socket: non-blocking sends took ${sent} bytes before WSAEWOULDBLOCK`);
    await control.peerResume(client.id);
    expect(fdNames((await collectEvents(w, s, ev, FD_WRITE, 10_000)).lNetworkEvents)).toBe('FD_WRITE');
    const st = await control.clientState(client.id, `bytes:${sent}`, 20_000);
    expect(st.last!.bytes).toBe(sent);
    const all = new Uint8Array(sent);
    let at = 0;
    for (const p of hashParts) {
      all.set(p, at);
      at += p.length;
    }
    expect(st.last!.sha256).toBe(await sha256(all));
  }, 60_000);

  it('the page buffers only what it granted: an unread 16 MiB client stream stops short, then arrives whole', async () => {
    const SIZE = 16 * MiB;
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'source', size: SIZE, seed: 5 });
    const { s } = await acceptWithin(w, l.s);
    const buffered = await settledFionread(w, s);
    console.log(`accepted socket, unread stream: ${buffered} bytes buffered in the page`);
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(SIZE);
    const got = await recvToEnd(w, s);
    expect(got.length).toBe(SIZE);
    expect(await sha256(got)).toBe(client.sentSha256);
  }, 60_000);

  it('a client reset: recv fails with WSAECONNRESET; FD_CLOSE carries WSAECONNABORTED', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'sink' });
    const { s } = await acceptWithin(w, l.s);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_CLOSE | FD_READ)).toBe(0);
    await control.peerReset(client.id);
    const seen = await collectEvents(w, s, ev, FD_CLOSE);
    expect(fdNames(seen.lNetworkEvents & FD_CLOSE)).toBe('FD_CLOSE');
    expect(seen.iErrorCode[ws2.FD_CLOSE_BIT]).toBe(ws2.WSAECONNABORTED);
    // Non-blocking (WSAEventSelect made it so), but the reset is there to report at once.
    expect(await w.recv(s, new Uint8Array(4), 4, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAECONNRESET');
  });
});

describe('UDP on a fixed port', () => {
  it('a datagram socket bound to a fixed port receives from a sender it never sent to, and answers it', async () => {
    const w = inboundWinsock();
    const known = await control.udpSink(); // the page talks to this one first: proves the socket is bound
    const stranger = await control.udpSender(); // never contacted by the page
    for (let attempt = 0; ; attempt++) {
      const port = rangePort();
      const u = udpSocket(w);
      const name = addr(port);
      expect(w.bind(u, name, name.length), lastError(w)).toBe(0);
      const to = addr(known.port);
      const rc = await w.sendto(u, text('hello'), 5, 0, to, to.length);
      if (rc === SOCKET_ERROR && lastError(w) === 'WSAEADDRINUSE' && attempt < 5) {
        w.closesocket(u);
        continue;
      }
      expect(rc, `sendto from fixed port ${port}: ${lastError(w)}`).toBe(5);
      const heard = await control.udpState(known.id, 1);
      expect(heard.datagrams[0]).toMatchObject({ size: 5, address: '127.0.0.1', port });

      expect(await control.udpSend(stranger.id, { address: '127.0.0.1', port, text: 'from a stranger' })).toBe(1);
      const buf = new Uint8Array(64);
      const from = new Uint8Array(16);
      const fromlen = { value: 16 };
      const n = await settledWithin(w.recvfrom(u, buf, 64, 0, from, fromlen), 5000);
      expect(n, "the stranger's datagram never arrived").not.toBe('pending');
      expect(n, lastError(w)).toBe(15);
      expect(untext(buf.subarray(0, 15))).toBe('from a stranger');
      expect(ws2.parseSockaddr(from)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: stranger.port });
      expect(await w.sendto(u, text('reply'), 5, 0, from, 16)).toBe(5);
      const back = await control.udpState(stranger.id, 1);
      expect(back.datagrams[0]).toMatchObject({ size: 5, address: '127.0.0.1', port });
      return;
    }
  });
});
