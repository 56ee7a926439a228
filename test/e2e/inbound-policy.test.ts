/**
 * Inbound connections are the relay's policy, and the default is none at all: listen itself
 * succeeds (it is synchronous), and the refusal surfaces where the contract puts it, at accept
 * and as FD_ACCEPT's error (WSAEACCES). The local state rules of listen / accept come first;
 * then the inbound relay's policy (docs/inbound.md): listed addresses (the wildcard narrowed to
 * them), its ports, allowed remotes, per-page caps on listeners and pending connections, and
 * address conflicts (WSAEADDRINUSE).
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import { text } from '../fixtures/control.js';
import {
  acceptWithin,
  inboundWinsock,
  listeningOnRangePort,
  listeningSocket,
  localName,
  rangePort,
} from '../fixtures/inbound.js';
import {
  addr,
  collectEvents,
  errName,
  eventually,
  fdNames,
  lastError,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  udpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, INVALID_SOCKET, FD_ACCEPT, FD_ACCEPT_BIT, FIONBIO } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

/** socket + bind(host:port) + listen(backlog 5), asserting the synchronous part succeeds. */
function listenOn(w: Winsock, port = 0, host = '127.0.0.1'): number {
  const s = tcpSocket(w, host.includes(':') ? ws2.AF_INET6 : ws2.AF_INET);
  const name = addr(port, host);
  expect(w.bind(s, name, name.length), lastError(w)).toBe(0);
  expect(w.listen(s, 5), `listen is synchronous and succeeds whatever the relay says: ${lastError(w)}`).toBe(0);
  return s;
}

/** accept must fail within 5 s; returns the error name. */
async function acceptError(w: Winsock, s: number): Promise<string> {
  const rc = await settledWithin(w.accept(s, null, null), 5000);
  expect(rc, 'accept still waiting after 5 s: the refusal never surfaced').not.toBe('pending');
  expect(rc, 'accept succeeded on a relay that must refuse').toBe(INVALID_SOCKET);
  return lastError(w);
}

describe('listen / accept: the rules decided in the library', () => {
  it('listen on an unbound socket → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.listen(s, 5)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('accept on a socket that is not listening → WSAEINVAL; on a bad handle → WSAENOTSOCK', async () => {
    const w = winsock();
    const s = tcpSocket(w);
    expect(await w.accept(s, null, null)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect(await w.accept(0x7ffff, null, null)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });

  it('connect on a listening socket → WSAEINVAL (WSAConnect reference)', async () => {
    const w = inboundWinsock();
    const s = listenOn(w);
    const to = addr(9); // never dialled: the library refuses first
    expect(await w.connect(s, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('accept with an addrlen smaller than a sockaddr_in → WSAEFAULT', async () => {
    const w = inboundWinsock();
    const s = listenOn(w);
    expect(await w.accept(s, new Uint8Array(8), { value: 8 })).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it('non-blocking accept with nothing pending → WSAEWOULDBLOCK', async () => {
    const w = inboundWinsock();
    const s = listenOn(w);
    expect(w.ioctlsocket(s, FIONBIO, { value: 1 })).toBe(0);
    expect(
      await eventually(() => {
        const n = localName(w, s);
        return typeof n !== 'string' && n.port !== 0;
      }),
      'the relay listens',
    ).toBe(true);
    expect(await w.accept(s, null, null)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
  });
});

describe('the default relay refuses to listen', () => {
  it('accept → WSAEACCES on the default-policy relay', async () => {
    const w = winsock(inject('denyRelayUrl'));
    const s = listenOn(w);
    expect(await acceptError(w, s)).toBe('WSAEACCES');
    // The refusal sticks: the next accept says the same, at once.
    expect(await acceptError(w, s)).toBe('WSAEACCES');
  });

  it('a relay that allows loopback destinations still refuses inbound without a listen policy → WSAEACCES', async () => {
    const w = winsock(inject('relayUrl'));
    const s = listenOn(w);
    expect(await acceptError(w, s)).toBe('WSAEACCES');
  });

  it('FD_ACCEPT with iErrorCode[FD_ACCEPT_BIT] = WSAEACCES through WSAEventSelect', async () => {
    const w = winsock(inject('denyRelayUrl'));
    const s = tcpSocket(w);
    const ev = w.WSACreateEvent();
    expect(w.WSAEventSelect(s, ev, FD_ACCEPT), lastError(w)).toBe(0);
    const name = addr(0);
    expect(w.bind(s, name, name.length)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    const seen = await collectEvents(w, s, ev, FD_ACCEPT);
    expect(fdNames(seen.lNetworkEvents)).toBe('FD_ACCEPT');
    expect(seen.iErrorCode[FD_ACCEPT_BIT], 'FD_ACCEPT error').toBe(ws2.WSAEACCES);
  });

  it('FD_ACCEPT message with WSAGETSELECTERROR = WSAEACCES through WSAAsyncSelect, after the call returned', async () => {
    const w = winsock(inject('denyRelayUrl'));
    const s = tcpSocket(w);
    const msgs: { wParam: number; lParam: number }[] = [];
    const name = addr(0);
    expect(w.bind(s, name, name.length)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    expect(
      w.WSAAsyncSelect(
        s,
        function wndProc(_uMsg: number, wParam: number, lParam: number) {
          msgs.push({ wParam, lParam });
        },
        0x8001,
        FD_ACCEPT,
      ),
      lastError(w),
    ).toBe(0);
    expect(msgs).toEqual([]);
    expect(await eventually(() => msgs.length > 0, 5000), 'no FD_ACCEPT message').toBe(true);
    expect(msgs[0]!.wParam).toBe(s);
    expect(ws2.WSAGETSELECTEVENT(msgs[0]!.lParam)).toBe(FD_ACCEPT);
    expect(errName(ws2.WSAGETSELECTERROR(msgs[0]!.lParam))).toBe('WSAEACCES');
  });

  it('getsockname on the refused listener keeps the bound address (port 0): the relay never opened it', async () => {
    const w = winsock(inject('denyRelayUrl'));
    const s = listenOn(w);
    expect(await acceptError(w, s)).toBe('WSAEACCES');
    expect(localName(w, s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: 0 });
  });
});

describe("the inbound relay's policy: only its addresses and ports", () => {
  it('127.0.0.2 is not one of its listen addresses → WSAEACCES at accept', async () => {
    const w = inboundWinsock();
    const s = listenOn(w, 0, '127.0.0.2');
    expect(await acceptError(w, s)).toBe('WSAEACCES');
  });

  it('a fixed port outside its range → WSAEACCES at accept; a port inside it listens there', async () => {
    const w = inboundWinsock();
    const { first } = inject('inboundPorts');
    const outside = listenOn(w, first - 1);
    expect(await acceptError(w, outside)).toBe('WSAEACCES');
    const inside = await listeningOnRangePort(w, control);
    expect(localName(w, inside.s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: inside.port });
  });
});

describe("the inbound relay's policy: addresses, ports, remotes, caps", () => {
  const rangeOf = () => inject('inboundPorts');

  it('port 0 on a relay without "ephemeral" in its ports: the relay picks a free port of its range', async () => {
    const w = inboundWinsock();
    const { first, last } = rangeOf();
    const l = await listeningSocket(w);
    expect(l.port).toBeGreaterThanOrEqual(first);
    expect(l.port).toBeLessThanOrEqual(last);
  });

  it('INADDR_ANY is narrowed to the listed 127.0.0.1, and in6addr_any to ::1: getsockname says so', async () => {
    const w = inboundWinsock();
    const v4 = await listeningSocket(w, { host: '0.0.0.0' });
    expect(localName(w, v4.s)).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: v4.port });
    const client = await control.client(v4.port, { mode: 'sink' });
    expect((await acceptWithin(w, v4.s)).peer.port).toBe(client.localPort);
    const v6 = await listeningSocket(w, { host: '::' });
    expect(localName(w, v6.s)).toMatchObject({ family: ws2.AF_INET6, address: '::1', port: v6.port });
  });

  it('listen.remotes: a client from outside them is reset and never offered to the page', async () => {
    const { first, last } = rangeOf();
    const relay = await control.spawnRelay({
      addresses: ['127.0.0.1'],
      ports: `${first}-${last}`,
      remotes: ['127.0.0.1/32'],
    });
    const w = winsock(relay.url);
    const l = await listeningSocket(w);
    const outsider = await control.client(l.port, { mode: 'sink', localAddress: '127.0.0.3' });
    const st = await control.clientState(outsider.id, 'gone', 5000);
    expect(
      outsider.connectError ?? st.last!.error ?? (st.last!.ended ? 'FIN' : 'still open'),
      'the client from 127.0.0.3',
    ).toBe('ECONNRESET');
    expect(w.ioctlsocket(l.s, FIONBIO, { value: 1 })).toBe(0);
    expect(await w.accept(l.s, null, null)).toBe(INVALID_SOCKET);
    expect(lastError(w), 'nothing was offered to the page').toBe('WSAEWOULDBLOCK');
    const insider = await control.client(l.port, { mode: 'sink' });
    expect(w.ioctlsocket(l.s, FIONBIO, { value: 0 })).toBe(0);
    expect((await acceptWithin(w, l.s)).peer).toEqual({
      family: ws2.AF_INET,
      address: '127.0.0.1',
      port: insider.localPort,
    });
  });

  it("listen.maxListeners: a page's listener beyond the cap fails with WSAENOBUFS (LIMIT); closing one frees a slot", async () => {
    const { first, last } = rangeOf();
    const relay = await control.spawnRelay({ addresses: ['127.0.0.1'], ports: `${first}-${last}`, maxListeners: 2 });
    const w = winsock(relay.url);
    const a = await listeningSocket(w);
    await listeningSocket(w);
    const third = listenOn(w);
    expect(await acceptError(w, third)).toBe('WSAENOBUFS');
    // Another page has its own allowance.
    await listeningSocket(winsock(relay.url));
    expect(w.closesocket(a.s)).toBe(0);
    expect(w.closesocket(third)).toBe(0);
    const again = await listeningSocket(w);
    expect(again.port).toBeGreaterThan(0);
  });

  it("listen.maxPending counts a page's unaccepted connections over all its listeners; beyond it, clients are reset", async () => {
    const { first, last } = rangeOf();
    const relay = await control.spawnRelay({ addresses: ['127.0.0.1'], ports: `${first}-${last}`, maxPending: 2 });
    const w = winsock(relay.url);
    const l1 = await listeningSocket(w);
    const l2 = await listeningSocket(w);
    const c1 = await control.client(l1.port, { mode: 'sink' });
    const c2 = await control.client(l2.port, { mode: 'sink' });
    // Both offered (each listener readable: its INCOMING reached the page) before the third arrives.
    const bothOffered = () =>
      w.select(0, { fd_count: 2, fd_array: [l1.s, l2.s] }, null, null, { tv_sec: 0, tv_usec: 0 });
    expect(await eventually(async () => (await bothOffered()) === 2, 5000), 'c1 and c2 offered to the page').toBe(true);
    const c3 = await control.client(l1.port, { mode: 'sink' });
    const st3 = await control.clientState(c3.id, 'gone', 5000);
    expect(c3.connectError ?? st3.last!.error ?? 'still open', 'the third unaccepted connection').toBe('ECONNRESET');
    const a1 = await acceptWithin(w, l1.s);
    expect(a1.peer.port).toBe(c1.localPort);
    expect((await acceptWithin(w, l2.s)).peer.port).toBe(c2.localPort);
    // The relay has processed both accepts once a byte sent after them reached c1 (one WebSocket, in order).
    expect(await w.send(a1.s, text('x'), 1, 0)).toBe(1);
    expect((await control.clientState(c1.id, 'bytes:1')).last!.bytes).toBe(1);
    // Accepting freed the allowance.
    const c4 = await control.client(l1.port, { mode: 'sink' });
    expect((await acceptWithin(w, l1.s)).peer.port).toBe(c4.localPort);
  });

  it('a UDP socket may claim a fixed port only where a listener could: outside the range or address → WSAEACCES at first use', async () => {
    const w = inboundWinsock();
    const { first } = rangeOf();
    const to = addr(9); // never reached: the bind is refused before anything is sent
    for (const [host, port] of [
      ['127.0.0.1', first - 1],
      ['127.0.0.2', rangePort()],
    ] as const) {
      const u = udpSocket(w);
      const name = addr(port, host);
      expect(w.bind(u, name, name.length), 'bind itself is synchronous').toBe(0);
      expect(await w.sendto(u, text('x'), 1, 0, to, to.length), `${host}:${port}`).toBe(SOCKET_ERROR);
      expect(lastError(w), `${host}:${port}`).toBe('WSAEACCES');
    }
  });

  it('two listeners on one fixed port: the second fails with WSAEADDRINUSE at accept; after closesocket the port is free again', async () => {
    const w = inboundWinsock();
    const held = await listeningOnRangePort(w, control);
    const other = inboundWinsock(); // another page
    const clash = listenOn(other, held.port);
    expect(await acceptError(other, clash)).toBe('WSAEADDRINUSE');
    expect(w.closesocket(held.s)).toBe(0);
    // The relay closes the listening socket on the next turn of its loop: until then the port still takes connections.
    const refused = async () => (await control.client(held.port, { mode: 'sink' })).connectError === 'ECONNREFUSED';
    expect(await eventually(refused, 5000), 'the relay never closed the first listener').toBe(true);
    const retry = listenOn(other, held.port);
    const client = await control.client(held.port, { mode: 'sink', retryRefusedMs: 2000 });
    expect(client.connectError).toBeNull();
    expect((await acceptWithin(other, retry)).peer.port).toBe(client.localPort);
  });
});
