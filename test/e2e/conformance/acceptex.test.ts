/**
 * AcceptEx as Windows answers it (Wine's ws2_32 test_AcceptEx records it from real Windows): its
 * argument and state errors (what each leaves in the WSAOVERLAPPED), the address lengths it takes
 * (a local one of 0, short ones that fail at completion and leave the connection queued), a
 * socket being accepted into, completion with and without first data, the deferred connection it
 * takes, a peer gone before any data, and closing either socket under it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WSAOVERLAPPED } from '../../../packages/browser/src/index.js';
import { extensionFunction, inboundWinsock, listeningSocket, localName } from '../../fixtures/inbound.js';
import {
  lastError,
  present,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  u32,
  udpSocket,
  ws2,
  type Winsock,
} from '../../fixtures/winsock.js';
import { EXPECT_MS, setNonBlocking, tcpSocketPair } from './event-modes.js';

const { SOCKET_ERROR, INVALID_SOCKET, STATUS_PENDING, WSA_IO_PENDING, WSA_WAIT_EVENT_0, SOL_SOCKET, CF_DEFER } = ws2;
/** sizeof(struct sockaddr_in) + 16: the address length AcceptEx asks for. */
const ADDR = 16 + 16;
const BUFFER = 1024;

afterEach(releaseWinsocks);

function marked(w: Winsock): WSAOVERLAPPED {
  return { hEvent: w.WSACreateEvent(), Internal: 0xdeadbeef, InternalHigh: 0xdeadbeef };
}

async function signalled(w: Winsock, ov: WSAOVERLAPPED, ms = EXPECT_MS): Promise<boolean> {
  return (await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, ms, false)) === WSA_WAIT_EVENT_0;
}

/** WSAGetOverlappedResult without waiting: its result, the last error (0 on success) and the byte count. */
async function result(w: Winsock, s: number, ov: WSAOVERLAPPED): Promise<[boolean, number, number]> {
  const bytes = { value: 0xdeadbeef };
  const ok = await w.WSAGetOverlappedResult(s, ov, bytes, false, { value: 0 });
  return [ok, ok ? 0 : w.WSAGetLastError(), bytes.value];
}

/** A blocking connect to 127.0.0.1:port (Windows' test connects with a plain connect). */
async function dial(w: Winsock, port: number): Promise<number> {
  const s = tcpSocket(w);
  const to = ws2.sockaddrIn('127.0.0.1', port);
  expect(await w.connect(s, to, to.length), `connect: ${lastError(w)}`).toBe(0);
  return s;
}

function sockname(w: Winsock, s: number): { address: string; port: number } {
  const n = localName(w, s);
  if (typeof n === 'string') expect.fail(`getsockname: ${n}`);
  return { address: n.address, port: n.port };
}

describe('AcceptEx (test_AcceptEx)', () => {
  it('argument and state errors, address lengths, a socket being accepted into, completion', async () => {
    const w = inboundWinsock();
    // Windows binds first and listens later; here the listener listens from the start (the relay
    // opens its port at listen), and the not-listening case uses a bound socket of its own.
    const l = await listeningSocket(w, { backlog: 5 });
    setNonBlocking(w, l.s, true);
    const AcceptEx = extensionFunction(w, l.s, ws2.WSAID_ACCEPTEX, 'AcceptEx');
    const GetAcceptExSockaddrs = extensionFunction(w, l.s, ws2.WSAID_GETACCEPTEXSOCKADDRS, 'GetAcceptExSockaddrs');
    extensionFunction(w, l.s, ws2.WSAID_CONNECTEX, 'ConnectEx');
    const buffer = new Uint8Array(BUFFER);
    const data = BUFFER - 2 * ADDR;
    let acceptor = tcpSocket(w);

    /** AcceptEx refused at once with `error`; Internal is STATUS_PENDING all the same. */
    async function refused(
      listen: number,
      into: number,
      out: Uint8Array | null,
      recvLen: number,
      localLen: number,
      remoteLen: number,
      ov: WSAOVERLAPPED | null,
      error: string | number,
      what: string,
    ): Promise<void> {
      expect(await AcceptEx(listen, into, out, recvLen, localLen, remoteLen, { value: 0 }, ov), what).toBe(false);
      expect(typeof error === 'number' ? w.WSAGetLastError() : lastError(w), what).toBe(error);
      if (ov) expect(ov.Internal, `${what}: Internal`).toBe(STATUS_PENDING);
    }
    /** AcceptEx started: false + WSA_IO_PENDING, Internal STATUS_PENDING. */
    async function started(into: number, recvLen: number, localLen: number, remoteLen: number, ov: WSAOVERLAPPED) {
      expect(await AcceptEx(l.s, into, buffer, recvLen, localLen, remoteLen, { value: 0 }, ov)).toBe(false);
      expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
      expect(ov.Internal, 'Internal while pending').toBe(STATUS_PENDING);
    }

    await refused(INVALID_SOCKET, acceptor, buffer, data, ADDR, ADDR, marked(w), 'WSAENOTSOCK', 'no listening socket');
    const bound = tcpSocket(w);
    const any = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(bound, any, any.length), lastError(w)).toBe(0);
    await refused(bound, acceptor, buffer, data, ADDR, ADDR, marked(w), 'WSAEINVAL', 'a socket not listening');
    expect(w.closesocket(bound)).toBe(0);
    await refused(l.s, INVALID_SOCKET, buffer, data, ADDR, ADDR, marked(w), 'WSAENOTSOCK', 'no accept socket');
    await refused(l.s, acceptor, null, data, ADDR, ADDR, marked(w), 'WSAEFAULT', 'no buffer');

    // A local address length of 0: accepted, and no local address is written.
    let ov = marked(w);
    await started(acceptor, 0, 0, ADDR, ov);
    let connector = await dial(w, l.port);
    const peer = sockname(w, connector);
    expect(await signalled(w, ov), 'completed').toBe(true);
    expect(await result(w, l.s, ov)).toEqual([true, 0, 0]);
    expect(ov.Internal, 'Internal: STATUS_SUCCESS').toBe(0);
    const local = { value: new Uint8Array(1) };
    const localLen = { value: 0xdeadbeef };
    const remote: { value: Uint8Array | null } = { value: null };
    const remoteLen = { value: 0xdeadbeef };
    GetAcceptExSockaddrs(buffer, 0, 0, ADDR, local, localLen, remote, remoteLen);
    expect(local.value, 'the local address is left alone').toEqual(new Uint8Array(1));
    expect(ws2.parseSockaddr(present(remote.value, 'remote'))).toMatchObject(peer);
    expect(localLen.value, 'the local length is left alone').toBe(0xdeadbeef);
    expect(remoteLen.value).toBe(16);
    expect(w.closesocket(connector)).toBe(0);
    expect(w.closesocket(acceptor)).toBe(0);

    // Not accepted into: a UDP socket, a bound one, either end of a connection.
    acceptor = udpSocket(w);
    await refused(l.s, acceptor, buffer, 0, 0, ADDR, marked(w), 'WSAEINVAL', 'a UDP socket');
    expect(w.closesocket(acceptor)).toBe(0);
    acceptor = tcpSocket(w);
    expect(w.bind(acceptor, any, any.length), lastError(w)).toBe(0);
    await refused(l.s, acceptor, buffer, 0, 0, ADDR, marked(w), 'WSAEINVAL', 'a bound socket');
    expect(w.closesocket(acceptor)).toBe(0);
    const other = await listeningSocket(w, { backlog: 1 });
    const pair = await tcpSocketPair(w, other);
    await refused(l.s, pair.client, buffer, 0, 0, ADDR, marked(w), 'WSAEINVAL', 'a connected socket');
    await refused(l.s, pair.server, buffer, 0, 0, ADDR, marked(w), 'WSAEINVAL', 'an accepted socket');
    for (const s of [pair.client, pair.server, other.s]) expect(w.closesocket(s)).toBe(0);

    // A local address length short of sockaddr_in + 16: it fails at completion, the connection stays queued.
    for (const short of [3, 16 + 4]) {
      acceptor = tcpSocket(w);
      ov = marked(w);
      await started(acceptor, 0, short, ADDR, ov);
      connector = await dial(w, l.port);
      expect(await signalled(w, ov), `local length ${short}: completed`).toBe(true);
      expect(await result(w, l.s, ov), `local length ${short}`).toEqual([false, ws2.WSAEFAULT, 0]);
      expect(ov.Internal, 'Internal: the Winsock code of STATUS_BUFFER_TOO_SMALL').toBe(ws2.WSAEFAULT);
      expect(w.closesocket(acceptor)).toBe(0);
      const queued = await w.accept(l.s, null, null);
      expect(queued, `the connection is still queued: ${lastError(w)}`).not.toBe(INVALID_SOCKET);
      expect(w.closesocket(queued)).toBe(0);
      expect(w.closesocket(connector)).toBe(0);
    }

    // Lengths one short still start (closing the acceptor ends them); a remote length of 0 does not.
    const oneShort: [number, number][] = [
      [ADDR - 1, ADDR],
      [ADDR, ADDR - 1],
    ];
    for (const [localLen, remoteLen] of oneShort) {
      acceptor = tcpSocket(w);
      await started(acceptor, 0, localLen, remoteLen, marked(w));
      expect(w.closesocket(acceptor)).toBe(0);
    }
    acceptor = tcpSocket(w);
    await refused(l.s, acceptor, buffer, 0, ADDR, 0, marked(w), 'WSAEFAULT', 'a remote length of 0');
    await refused(l.s, acceptor, buffer, 0, ADDR, ADDR, null, ws2.WSA_INVALID_PARAMETER, 'no WSAOVERLAPPED');
    await refused(l.s, acceptor, buffer, 0, 0, 0, null, ws2.WSA_INVALID_PARAMETER, 'no WSAOVERLAPPED, lengths 0');

    // A socket being accepted into: no second AcceptEx, no connect, no ConnectEx.
    ov = marked(w);
    await started(acceptor, 0, ADDR, ADDR, ov);
    await refused(l.s, acceptor, buffer, 0, ADDR, ADDR, marked(w), 'WSAEINVAL', 'accepted into twice');
    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(acceptor, to, to.length), 'connect on it').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
    const ConnectEx = extensionFunction(w, acceptor, ws2.WSAID_CONNECTEX, 'ConnectEx');
    expect(await ConnectEx(acceptor, to, to.length, null, 0, { value: 0 }, marked(w)), 'ConnectEx on it').toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');
    connector = await dial(w, l.port);
    expect(await signalled(w, ov), 'completed').toBe(true);
    expect(ov.Internal, 'Internal: STATUS_SUCCESS').toBe(0);
    expect(await result(w, l.s, ov)).toEqual([true, 0, 0]);
    expect(w.setsockopt(acceptor, SOL_SOCKET, ws2.SO_UPDATE_ACCEPT_CONTEXT, u32(l.s), 4), lastError(w)).toBe(0);
    const name = new Uint8Array(128);
    const nameLen = { value: name.length };
    expect(w.getsockname(acceptor, name, nameLen), lastError(w)).toBe(0);
    expect(nameLen.value, 'sizeof(struct sockaddr_in)').toBe(16);
    for (const s of [connector, acceptor, l.s]) expect(w.closesocket(s)).toBe(0);
  });

  it('with a receive buffer it completes at the first byte, and the address blocks read back', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { backlog: 5 });
    const AcceptEx = extensionFunction(w, l.s, ws2.WSAID_ACCEPTEX, 'AcceptEx');
    const GetAcceptExSockaddrs = extensionFunction(w, l.s, ws2.WSAID_GETACCEPTEXSOCKADDRS, 'GetAcceptExSockaddrs');
    const acceptor = tcpSocket(w);
    const buffer = new Uint8Array(BUFFER);
    const ov = marked(w);
    expect(await AcceptEx(l.s, acceptor, buffer, 2, ADDR, ADDR, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(ov.Internal).toBe(STATUS_PENDING);
    const connector = await dial(w, l.port);
    expect(await signalled(w, ov, 200), 'no data yet: still pending').toBe(false);
    expect(ov.Internal).toBe(STATUS_PENDING);
    const peer = sockname(w, connector);
    expect(await w.send(connector, new Uint8Array([0x41]), 1, 0), lastError(w)).toBe(1);
    expect(await signalled(w, ov), 'completed').toBe(true);
    expect(ov.Internal, 'STATUS_SUCCESS').toBe(0);
    const local: { value: Uint8Array | null } = { value: null };
    const remote: { value: Uint8Array | null } = { value: null };
    GetAcceptExSockaddrs(buffer, 2, ADDR, ADDR, local, { value: 0 }, remote, { value: 0 });
    const localAddr = ws2.parseSockaddr(present(local.value, 'local'));
    const remoteAddr = ws2.parseSockaddr(present(remote.value, 'remote'));
    expect(localAddr.address).toBe('127.0.0.1');
    expect(localAddr.port).toBe(l.port);
    expect(remoteAddr.address).toBe(peer.address);
    expect(remoteAddr.port).toBe(peer.port);
    expect(await result(w, l.s, ov)).toEqual([true, 0, 1]);
    for (const s of [connector, acceptor, l.s]) expect(w.closesocket(s)).toBe(0);
  });

  it('takes the deferred connection; a peer gone before data completes with 0 bytes; closing either socket aborts it', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { backlog: 5 });
    const AcceptEx = extensionFunction(w, l.s, ws2.WSAID_ACCEPTEX, 'AcceptEx');
    const buffer = new Uint8Array(BUFFER);
    const data = BUFFER - 2 * ADDR;
    const second = { tv_sec: 1, tv_usec: 0 };
    const readable = async (s: number) => w.select(0, { fd_count: 1, fd_array: [s] }, null, null, second);
    const writable = async (s: number) => w.select(0, null, { fd_count: 1, fd_array: [s] }, null, second);

    let acceptor = tcpSocket(w);
    const c1 = tcpSocket(w);
    const c2 = tcpSocket(w);
    setNonBlocking(w, c1, true);
    setNonBlocking(w, c2, true);
    const to = ws2.sockaddrIn('127.0.0.1', l.port);
    expect(await w.connect(c1, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await readable(l.s), 'the listener has a connection').toBe(1);
    const deferred = await settledWithin(
      w.WSAAccept(l.s, null, null, () => CF_DEFER, 0),
      EXPECT_MS,
    );
    expect(deferred).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSATRY_AGAIN');
    let ov = marked(w);
    expect(await AcceptEx(l.s, acceptor, buffer, 0, ADDR, ADDR, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(await writable(c1), 'c1 connected').toBe(1);
    expect(await w.send(c1, new TextEncoder().encode('1'), 1, 0), lastError(w)).toBe(1);
    expect(await w.connect(c2, to, to.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    expect(await readable(l.s), "the listener has c2's connection").toBe(1);
    const a2 = await settledWithin(w.accept(l.s, null, null), EXPECT_MS);
    expect(a2, `accept: ${lastError(w)}`).not.toBe(INVALID_SOCKET);
    if (typeof a2 === 'number') expect(w.closesocket(a2)).toBe(0);
    expect(await writable(c2), 'c2 connected').toBe(1);
    expect(await w.send(c2, new TextEncoder().encode('2'), 1, 0), lastError(w)).toBe(1);
    expect(await signalled(w, ov, 0), 'AcceptEx completed with the deferred connection').toBe(true);
    expect(await result(w, l.s, ov)).toEqual([true, 0, 0]);
    const got = new Uint8Array(2);
    expect(await w.recv(acceptor, got, 2, 0), lastError(w)).toBe(1);
    expect(String.fromCharCode(got[0] ?? 0), 'the first client was accepted').toBe('1');
    for (const s of [c1, c2, acceptor]) expect(w.closesocket(s)).toBe(0);

    // The peer connects and closes before sending: AcceptEx completes with 0 bytes.
    acceptor = tcpSocket(w);
    ov = marked(w);
    expect(await AcceptEx(l.s, acceptor, buffer, data, ADDR, ADDR, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    const gone = await dial(w, l.port);
    expect(w.closesocket(gone)).toBe(0);
    expect(await signalled(w, ov), 'completed').toBe(true);
    expect(await result(w, l.s, ov)).toEqual([true, 0, 0]);
    expect(w.closesocket(acceptor)).toBe(0);

    // Closing the accept socket, then the listener, under a pending AcceptEx.
    acceptor = tcpSocket(w);
    ov = marked(w);
    expect(await AcceptEx(l.s, acceptor, buffer, data, ADDR, ADDR, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(w.closesocket(acceptor)).toBe(0);
    expect(await signalled(w, ov), 'closing the acceptor completed it').toBe(true);
    expect((await result(w, l.s, ov)).slice(0, 2)).toEqual([false, ws2.WSA_OPERATION_ABORTED]);

    // Windows cancels the next one with CancelIo (not ours) and closes its socket.
    acceptor = tcpSocket(w);
    expect(await AcceptEx(l.s, acceptor, buffer, data, ADDR, ADDR, { value: 0 }, marked(w))).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(w.closesocket(acceptor)).toBe(0);

    acceptor = tcpSocket(w);
    ov = marked(w);
    expect(await AcceptEx(l.s, acceptor, buffer, data, ADDR, ADDR, { value: 0 }, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);
    expect(await signalled(w, ov, 0), 'still pending').toBe(false);
    expect(w.closesocket(l.s)).toBe(0);
    expect(await signalled(w, ov), 'closing the listener completed it').toBe(true);
    expect((await result(w, l.s, ov)).slice(0, 2)).toEqual([false, ws2.WSA_OPERATION_ABORTED]);
    expect(w.closesocket(acceptor)).toBe(0);
  });
});
