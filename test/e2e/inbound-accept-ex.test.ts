/**
 * WSAAccept with its condition function (CF_ACCEPT / CF_REJECT / CF_DEFER) and AcceptEx +
 * GetAcceptExSockaddrs, both direct and through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER),
 * as Windows servers that use them are written.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { ConditionProc, WSABUF, WSAOVERLAPPED } from '../../packages/browser/src/index.js';
import { Control, text, untext } from '../fixtures/control.js';
import { extensionFunction, inboundWinsock, listeningSocket } from '../fixtures/inbound.js';
import {
  errName,
  lastError,
  present,
  recvExactly,
  relayRoundTrip,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const {
  INVALID_SOCKET,
  CF_ACCEPT,
  CF_REJECT,
  CF_DEFER,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_TIMEOUT,
  SOL_SOCKET,
  SO_UPDATE_ACCEPT_CONTEXT,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
} = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

interface ConditionCall {
  caller: ReturnType<typeof ws2.parseSockaddr>;
  callee: ReturnType<typeof ws2.parseSockaddr>;
  callerData: WSABUF | null;
  data: number;
}

/** A condition function that records its arguments and answers with `decide(caller)`. */
function condition(decide: (caller: ReturnType<typeof ws2.parseSockaddr>) => number): {
  fn: ConditionProc;
  calls: ConditionCall[];
} {
  const calls: ConditionCall[] = [];
  const fn: ConditionProc = function conditionFunc(
    lpCallerId,
    lpCallerData,
    _sqos,
    _gqos,
    lpCalleeId,
    _calleeData,
    _g,
    dwCallbackData,
  ) {
    const caller = ws2.parseSockaddr(present(lpCallerId.buf, 'lpCallerId.buf').subarray(0, lpCallerId.len));
    calls.push({
      caller,
      callee: ws2.parseSockaddr(present(lpCalleeId.buf, 'lpCalleeId.buf').subarray(0, lpCalleeId.len)),
      callerData: lpCallerData,
      data: dwCallbackData,
    });
    return decide(caller);
  };
  return { fn, calls };
}

async function wsaAccept(
  w: Winsock,
  s: number,
  fn: ConditionProc,
  data: number,
): Promise<{ rc: number; peer: ReturnType<typeof ws2.parseSockaddr> | null }> {
  const name = new Uint8Array(16);
  const len = { value: 16 };
  const rc = await settledWithin(w.WSAAccept(s, name, len, fn, data), 5000);
  if (rc === 'pending') expect.fail('WSAAccept still waiting after 5 s');
  return { rc, peer: rc === INVALID_SOCKET ? null : ws2.parseSockaddr(name) };
}

describe('WSAAccept and its condition function', () => {
  it("CF_ACCEPT: the function sees the caller's and the callee's address and dwCallbackData; the socket is accepted", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'echo' });
    const cond = condition(() => CF_ACCEPT);
    const { rc, peer } = await wsaAccept(w, l.s, cond.fn, 0x5eed);
    expect(rc, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(cond.calls).toHaveLength(1);
    expect(cond.calls[0]).toMatchObject({
      caller: { family: ws2.AF_INET, address: '127.0.0.1', port: client.localPort },
      callee: { family: ws2.AF_INET, address: '127.0.0.1', port: l.port },
      callerData: null, // TCP carries no connect data
      data: 0x5eed,
    });
    expect(peer).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: client.localPort });
    expect(await w.send(rc, text('wsaaccept'), 9, 0)).toBe(9);
    expect(untext(await recvExactly(w, rc, 9))).toBe('wsaaccept');
  });

  it('CF_REJECT by address: WSAECONNREFUSED, the client from 127.0.0.2 sees a reset; the next one (127.0.0.1) is accepted', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const banned = await control.client(l.port, { mode: 'sink', localAddress: '127.0.0.2' });
    expect(banned.connectError).toBeNull();
    const cond = condition((caller) => (caller.address === '127.0.0.2' ? CF_REJECT : CF_ACCEPT));
    const first = await wsaAccept(w, l.s, cond.fn, 0);
    expect(first.rc).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
    expect(cond.calls[0]!.caller).toEqual({ family: ws2.AF_INET, address: '127.0.0.2', port: banned.localPort });
    const st = await control.clientState(banned.id, 'gone', 5000);
    expect(st.last!.error ?? (st.last!.ended ? 'FIN' : 'still open'), 'the rejected client').toBe('ECONNRESET');

    const welcome = await control.client(l.port, { mode: 'sink' });
    const second = await wsaAccept(w, l.s, cond.fn, 0);
    expect(second.rc, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(second.peer).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: welcome.localPort });
    expect(cond.calls.map((c) => c.caller.address)).toEqual(['127.0.0.2', '127.0.0.1']);
  });

  it('CF_DEFER: WSATRY_AGAIN, the connection stays queued (the client is not reset); the next WSAAccept gets the same one', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'echo' });
    const defer = condition(() => CF_DEFER);
    const first = await wsaAccept(w, l.s, defer.fn, 0);
    expect(first.rc).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSATRY_AGAIN');
    await relayRoundTrip(w); // a wrongly sent reject would have reached the relay, and its reset the client
    const st = await control.clientState(client.id);
    expect(st.last!.error, 'a deferred connection must not be reset').toBeNull();
    expect(st.last!.closed).toBe(false);
    // Still pending: the listener stays readable.
    const readfds = { fd_count: 1, fd_array: [l.s] };
    expect(await w.select(0, readfds, null, null, { tv_sec: 0, tv_usec: 0 })).toBe(1);

    const accept = condition(() => CF_ACCEPT);
    const second = await wsaAccept(w, l.s, accept.fn, 0);
    expect(second.rc, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(defer.calls[0]!.caller.port).toBe(client.localPort);
    expect(accept.calls[0]!.caller.port, 'the same connection, asked again').toBe(client.localPort);
    expect(await w.send(second.rc, text('deferred'), 8, 0)).toBe(8);
    expect(untext(await recvExactly(w, second.rc, 8))).toBe('deferred');
  });

  it('WSAAccept with a null condition function accepts like accept', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const client = await control.client(l.port, { mode: 'sink' });
    const name = new Uint8Array(16);
    const s = await settledWithin(w.WSAAccept(l.s, name, { value: 16 }, null, 0), 5000);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(ws2.parseSockaddr(name).port).toBe(client.localPort);
  });
});

/** Windows' sizing: each address block is the sockaddr size + 16. */
const V4_BLOCK = 16 + 16;
const V6_BLOCK = 28 + 16;

interface Completion {
  ok: boolean;
  bytes: number;
  error: string;
}

/** Waits for an overlapped AcceptEx to complete (its event), then reads the result. */
async function completion(w: Winsock, ls: number, ov: WSAOVERLAPPED, ms = 5000): Promise<Completion> {
  expect(
    await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, ms, false),
    "AcceptEx's event was not signalled",
  ).toBe(WSA_WAIT_EVENT_0);
  const bytes = { value: -1 };
  const ok = await w.WSAGetOverlappedResult(ls, ov, bytes, false, { value: 0 });
  return { ok, bytes: bytes.value, error: ok ? '0' : lastError(w) };
}

function sockaddrs(
  get: Winsock['GetAcceptExSockaddrs'],
  buf: Uint8Array,
  recvLen: number,
  localLen: number,
  remoteLen: number,
) {
  const local = { value: null as Uint8Array | null };
  const localLength = { value: -1 };
  const remote = { value: null as Uint8Array | null };
  const remoteLength = { value: -1 };
  get(buf, recvLen, localLen, remoteLen, local, localLength, remote, remoteLength);
  expect(local.value, 'GetAcceptExSockaddrs: LocalSockaddr').toBeInstanceOf(Uint8Array);
  expect(remote.value, 'GetAcceptExSockaddrs: RemoteSockaddr').toBeInstanceOf(Uint8Array);
  return {
    local: ws2.parseSockaddr(local.value!),
    localLength: localLength.value,
    remote: ws2.parseSockaddr(remote.value!),
    remoteLength: remoteLength.value,
  };
}

/** errName, plus WSA_OPERATION_ABORTED (995), which sits below the WSAE range errName knows. */
function errName995(code: number): string {
  return code === 995 ? 'WSA_OPERATION_ABORTED' : errName(code);
}

describe('AcceptEx and GetAcceptExSockaddrs', () => {
  it("through WSAIoctl pointers: pending until the client's first bytes arrive, then both addresses and the data", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const AcceptEx = extensionFunction(w, l.s, ws2.WSAID_ACCEPTEX, 'AcceptEx');
    const GetAcceptExSockaddrs = extensionFunction(w, l.s, ws2.WSAID_GETACCEPTEXSOCKADDRS, 'GetAcceptExSockaddrs');
    const sAccept = tcpSocket(w);
    const RECV = 64;
    const buf = new Uint8Array(RECV + 2 * V4_BLOCK);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    const received = { value: -1 };
    expect(await AcceptEx(l.s, sAccept, buf, RECV, V4_BLOCK, V4_BLOCK, received, ov)).toBe(false);
    expect(w.WSAGetLastError(), lastError(w)).toBe(WSA_IO_PENDING);

    // Connected but silent: AcceptEx with a receive buffer keeps waiting for data.
    const client = await control.client(l.port, { mode: 'sink' });
    expect(client.connectError).toBeNull();
    await relayRoundTrip(w); // the client's INCOMING has reached the page
    expect(
      await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, 0, false),
      'completed before any data',
    ).toBe(WSA_WAIT_TIMEOUT);
    expect(await w.WSAGetOverlappedResult(l.s, ov, { value: 0 }, false, { value: 0 })).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_INCOMPLETE);

    await control.peerWrite(client.id, 'first bytes!');
    const done = await completion(w, l.s, ov);
    expect(done, done.error).toMatchObject({ ok: true, bytes: 12 });
    expect(untext(buf.subarray(0, 12))).toBe('first bytes!');
    const addrs = sockaddrs(GetAcceptExSockaddrs, buf, RECV, V4_BLOCK, V4_BLOCK);
    expect(addrs.local).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: l.port });
    expect(addrs.remote).toEqual({ family: ws2.AF_INET, address: '127.0.0.1', port: client.localPort });
    expect(addrs.localLength).toBe(16);
    expect(addrs.remoteLength).toBe(16);

    // What Windows code does next, then the socket is an ordinary connected one.
    const listenHandle = new Uint8Array(4);
    new DataView(listenHandle.buffer).setUint32(0, l.s, true);
    expect(w.setsockopt(sAccept, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listenHandle, 4), lastError(w)).toBe(0);
    expect(await w.send(sAccept, text('welcome'), 7, 0)).toBe(7);
    expect((await control.clientState(client.id, 'bytes:7')).last!.bytes).toBe(7);
    const peer = new Uint8Array(16);
    expect(w.getpeername(sAccept, peer, { value: 16 })).toBe(0);
    expect(ws2.parseSockaddr(peer).port).toBe(client.localPort);
  });

  it('direct call with dwReceiveDataLength 0: completes on the connection alone, 0 bytes', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const sAccept = tcpSocket(w);
    const buf = new Uint8Array(2 * V4_BLOCK);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await w.AcceptEx(l.s, sAccept, buf, 0, V4_BLOCK, V4_BLOCK, null, ov)).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const client = await control.client(l.port, { mode: 'echo' });
    const done = await completion(w, l.s, ov);
    expect(done, done.error).toMatchObject({ ok: true, bytes: 0 });
    const addrs = sockaddrs(w.GetAcceptExSockaddrs, buf, 0, V4_BLOCK, V4_BLOCK);
    expect(addrs.remote.port).toBe(client.localPort);
    expect(addrs.local.port).toBe(l.port);
    expect(await w.send(sAccept, text('echo me'), 7, 0)).toBe(7);
    expect(untext(await recvExactly(w, sAccept, 7))).toBe('echo me');
  });

  it('IPv6: AcceptEx on a ::1 listener fills 28-byte sockaddr_in6 blocks', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w, { host: '::1' });
    const sAccept = tcpSocket(w, ws2.AF_INET6);
    const RECV = 16;
    const buf = new Uint8Array(RECV + 2 * V6_BLOCK);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await w.AcceptEx(l.s, sAccept, buf, RECV, V6_BLOCK, V6_BLOCK, null, ov)).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const client = await control.client(l.port, { host: '::1', mode: 'sink' });
    await control.peerWrite(client.id, 'v6');
    const done = await completion(w, l.s, ov);
    expect(done, done.error).toMatchObject({ ok: true, bytes: 2 });
    const addrs = sockaddrs(w.GetAcceptExSockaddrs, buf, RECV, V6_BLOCK, V6_BLOCK);
    expect(addrs.localLength).toBe(28);
    expect(addrs.local).toMatchObject({ family: ws2.AF_INET6, address: '::1', port: l.port });
    expect(addrs.remote).toMatchObject({ family: ws2.AF_INET6, address: '::1', port: client.localPort });
  });

  it('two AcceptEx posted at once take two clients, in order, each into its own socket', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const posts = [0, 1].map(() => ({
      s: tcpSocket(w),
      buf: new Uint8Array(2 * V4_BLOCK),
      ov: { hEvent: w.WSACreateEvent() } as WSAOVERLAPPED,
    }));
    for (const p of posts) {
      expect(await w.AcceptEx(l.s, p.s, p.buf, 0, V4_BLOCK, V4_BLOCK, null, p.ov)).toBe(false);
      expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    }
    const c1 = await control.client(l.port, { mode: 'sink' });
    const c2 = await control.client(l.port, { mode: 'sink' });
    const ports = [];
    for (const p of posts) {
      const done = await completion(w, l.s, p.ov);
      expect(done, done.error).toMatchObject({ ok: true, bytes: 0 });
      ports.push(sockaddrs(w.GetAcceptExSockaddrs, p.buf, 0, V4_BLOCK, V4_BLOCK).remote.port);
    }
    expect(ports.sort()).toEqual([c1.localPort, c2.localPort].sort());
    expect(new Set(posts.map((p) => p.s)).size).toBe(2);
  });

  it('an accept socket that is already bound → false + WSAEINVAL, nothing posted', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const bound = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(bound, name, 16)).toBe(0);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await w.AcceptEx(l.s, bound, new Uint8Array(2 * V4_BLOCK), 0, V4_BLOCK, V4_BLOCK, null, ov)).toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');
    // Nothing was posted: a client that arrives stays pending for accept.
    const client = await control.client(l.port, { mode: 'sink' });
    await relayRoundTrip(w); // the client's INCOMING has reached the page
    expect(await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, 0, false)).toBe(WSA_WAIT_TIMEOUT);
    const nameOut = new Uint8Array(16);
    const s = await settledWithin(w.accept(l.s, nameOut, { value: 16 }), 5000);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(ws2.parseSockaddr(nameOut).port).toBe(client.localPort);
  });

  it('AcceptEx on the default relay completes with WSAEACCES (the refusal, through the overlapped result)', async () => {
    const w = winsock(inject('denyRelayUrl'));
    const s = tcpSocket(w);
    const name = ws2.sockaddrIn('127.0.0.1', 0);
    expect(w.bind(s, name, 16)).toBe(0);
    expect(w.listen(s, 5)).toBe(0);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await w.AcceptEx(s, tcpSocket(w), new Uint8Array(2 * V4_BLOCK), 0, V4_BLOCK, V4_BLOCK, null, ov)).toBe(
      false,
    );
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const done = await completion(w, s, ov);
    expect(done).toEqual({ ok: false, bytes: 0, error: 'WSAEACCES' });
  });

  it('closesocket on the listener completes a posted AcceptEx with an error', async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    expect(await w.AcceptEx(l.s, tcpSocket(w), new Uint8Array(2 * V4_BLOCK), 0, V4_BLOCK, V4_BLOCK, null, ov)).toBe(
      false,
    );
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect(w.closesocket(l.s)).toBe(0);
    expect(
      await w.WSAWaitForMultipleEvents(1, [present(ov.hEvent, 'hEvent')], false, 2000, false),
      "the aborted AcceptEx's event",
    ).toBe(WSA_WAIT_EVENT_0);
    // Windows completes I/O cancelled by closesocket with WSA_OPERATION_ABORTED (995); asking about
    // it through the closed handle may instead fail with WSAENOTSOCK. Either way: not a success.
    const ok = await w.WSAGetOverlappedResult(l.s, ov, { value: 0 }, false, { value: 0 });
    expect(ok).toBe(false);
    expect(['WSA_OPERATION_ABORTED', 'WSAENOTSOCK', 'WSAEINTR']).toContain(errName995(w.WSAGetLastError()));
  });
});
