/**
 * The other TCP connect calls: WSAConnectByList, WSAConnectByName (IP literals,
 * and real names answered by the suite's dnsmasq through the relay), and ConnectEx — obtained as
 * ported code obtains it, through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX) —
 * completed through its WSAOVERLAPPED event and WSAGetOverlappedResult.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { SOCKET_ADDRESS_LIST, WSAOVERLAPPED } from '../../packages/browser/src/index.js';
import { Control, sha256, text, untext } from '../fixtures/control.js';
import { MULTI_ORDER, ZONE } from '../fixtures/dns-zone.js';
import { extensionFunction } from '../fixtures/inbound.js';
import {
  addr,
  lastError,
  recvExactly,
  releaseWinsocks,
  settledWithin,
  tcpSocket,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, WSA_IO_INCOMPLETE, WSA_IO_PENDING } = ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

const list = (...names: Uint8Array[]): SOCKET_ADDRESS_LIST => ({
  iAddressCount: names.length,
  Address: names.map((n) => ({ lpSockaddr: n, iSockaddrLength: n.length })),
});

describe('WSAConnectByList', () => {
  it('skips a refused candidate and connects to the next; fills the local and remote addresses', async () => {
    const refused = await control.refusedPort();
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const local = new Uint8Array(28);
    const remote = new Uint8Array(28);
    const localLen = { value: local.length };
    const remoteLen = { value: remote.length };
    const ok = await w.WSAConnectByList(
      s,
      list(addr(refused), addr(echo.port)),
      localLen,
      local,
      remoteLen,
      remote,
      null,
      null,
    );
    expect(ok, lastError(w)).toBe(true);
    expect(remoteLen.value).toBe(16);
    expect(ws2.parseSockaddr(remote.subarray(0, 16))).toMatchObject({ address: '127.0.0.1', port: echo.port });
    expect(localLen.value).toBe(16);
    const st = await control.peer(echo.id, 'connected');
    expect(ws2.parseSockaddr(local.subarray(0, 16)).port).toBe(st.last!.remotePort);
    expect(await w.send(s, text('list'), 4, 0)).toBe(4);
    expect(untext(await recvExactly(w, s, 4))).toBe('list');
  });

  it("every candidate refused → FALSE with the last attempt's error (WSAECONNREFUSED)", async () => {
    const a = await control.refusedPort();
    const b = await control.refusedPort();
    const w = winsock();
    const ok = await w.WSAConnectByList(tcpSocket(w), list(addr(a), addr(b)), null, null, null, null, null, null);
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });

  it('every candidate refused by relay policy → FALSE with WSAEACCES', async () => {
    const echo = await control.echo();
    const w = winsock(inject('denyRelayUrl'));
    const ok = await w.WSAConnectByList(
      tcpSocket(w),
      list(addr(echo.port), addr(echo.port, '127.0.0.2')),
      null,
      null,
      null,
      null,
      null,
      null,
    );
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAEACCES');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });
});

describe('WSAConnectByName (IP literal: no name lookup)', () => {
  it('connects to 127.0.0.1:<port> given as strings and reports the remote address', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const remote = new Uint8Array(28);
    const remoteLen = { value: remote.length };
    const ok = await w.WSAConnectByName(
      s,
      '127.0.0.1',
      String(echo.port),
      null,
      null,
      remoteLen,
      remote,
      { tv_sec: 5, tv_usec: 0 },
      null,
    );
    expect(ok, lastError(w)).toBe(true);
    expect(ws2.parseSockaddr(remote.subarray(0, remoteLen.value))).toMatchObject({
      address: '127.0.0.1',
      port: echo.port,
    });
    expect(await w.send(s, text('name'), 4, 0)).toBe(4);
    expect(untext(await recvExactly(w, s, 4))).toBe('name');
  });

  it('refused → FALSE with WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const ok = await w.WSAConnectByName(tcpSocket(w), '127.0.0.1', String(port), null, null, null, null, null, null);
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });

  it('refused by relay policy → FALSE with WSAEACCES', async () => {
    const echo = await control.echo();
    const w = winsock(inject('denyRelayUrl'));
    const ok = await w.WSAConnectByName(
      tcpSocket(w),
      '127.0.0.1',
      String(echo.port),
      null,
      null,
      null,
      null,
      null,
      null,
    );
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAEACCES');
  });
});

describe('ConnectEx', () => {
  it('on an unbound socket → WSAEINVAL (ConnectEx needs a bound socket)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const ev = w.WSACreateEvent();
    const name = addr(echo.port);
    expect(await w.ConnectEx(tcpSocket(w), name, name.length, null, 0, null, { hEvent: ev })).toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('bound socket: pending (WSA_IO_PENDING), then WSAGetOverlappedResult reports the bytes sent with the connect', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    const ev = w.WSACreateEvent();
    const ov = { hEvent: ev };
    const name = addr(echo.port);
    const first = text('first bytes');
    const ok = await w.ConnectEx(s, name, name.length, first, first.length, null, ov);
    if (!ok) expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const transferred = { value: -1 };
    const flags = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, ov, transferred, true, flags), lastError(w)).toBe(true);
    expect(transferred.value).toBe(first.length);
    expect(untext(await recvExactly(w, s, first.length))).toBe('first bytes');
  });

  it('refused: WSAGetOverlappedResult → FALSE with WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const s = tcpSocket(w);
    const local = addr(0);
    expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
    const ov = { hEvent: w.WSACreateEvent() };
    const name = addr(port);
    const ok = await w.ConnectEx(s, name, name.length, null, 0, null, ov);
    expect(ok).toBe(false);
    if (w.WSAGetLastError() === WSA_IO_PENDING) {
      expect(await w.WSAGetOverlappedResult(s, ov, { value: 0 }, true, { value: 0 })).toBe(false);
    }
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });
});

describe('the socket after a connect-by call', () => {
  it('is connected: a second connect → WSAEISCONN', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(await w.WSAConnectByList(s, list(addr(echo.port)), null, null, null, null, null, null), lastError(w)).toBe(
      true,
    );
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEISCONN');
  });
});

describe("WSAConnectByName with real names (resolved by the relay against the suite's dnsmasq)", () => {
  type ByName = (
    w: Winsock,
    s: number,
    node: string,
    service: string,
    out?: { localLen: { value: number }; local: Uint8Array; remoteLen: { value: number }; remote: Uint8Array },
    timeout?: { tv_sec: number; tv_usec: number } | null,
  ) => Promise<boolean>;
  const byName: ByName = (w, s, node, service, out, timeout = null) =>
    w.WSAConnectByName(
      s,
      node,
      service,
      out?.localLen ?? null,
      out?.local ?? null,
      out?.remoteLen ?? null,
      out?.remote ?? null,
      timeout,
      null,
    );
  const outputs = () => ({
    localLen: { value: 28 },
    local: new Uint8Array(28),
    remoteLen: { value: 28 },
    remote: new Uint8Array(28),
  });

  it('connects to a name and fills LocalAddress / RemoteAddress and their lengths', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const out = outputs();
    expect(await byName(w, s, ZONE.one, String(echo.port), out), lastError(w)).toBe(true);
    expect(out.remoteLen.value).toBe(16);
    expect(ws2.parseSockaddr(out.remote.subarray(0, 16))).toMatchObject({
      family: ws2.AF_INET,
      address: '127.0.0.1',
      port: echo.port,
    });
    expect(out.localLen.value).toBe(16);
    // Windows reports the local address with port 0 (Wine's test_WSAConnectByName); getsockname has the port.
    expect(ws2.parseSockaddr(out.local.subarray(0, 16))).toMatchObject({ address: '127.0.0.1', port: 0 });
    const st = await control.peer(echo.id, 'connected');
    const name = new Uint8Array(16);
    expect(w.getsockname(s, name, { value: 16 }), lastError(w)).toBe(0);
    expect(ws2.parseSockaddr(name).port).toBe(st.last!.remotePort);
    expect(await w.send(s, text('by name'), 7, 0)).toBe(7);
    expect(untext(await recvExactly(w, s, 7))).toBe('by name');
  });

  it('tries every resolved address in order: 127.0.0.2 refuses, 127.0.0.1 answers', async () => {
    const echo = await control.echo('127.0.0.1');
    const w = winsock();
    const s = tcpSocket(w);
    const out = outputs();
    expect(MULTI_ORDER[0]).toBe('127.0.0.2'); // nothing listens on 127.0.0.2:<port>
    expect(await byName(w, s, ZONE.multi, String(echo.port), out), lastError(w)).toBe(true);
    expect(ws2.parseSockaddr(out.remote.subarray(0, out.remoteLen.value))).toMatchObject({
      address: '127.0.0.1',
      port: echo.port,
    });
    expect((await control.peer(echo.id, 'connected')).connections).toBe(1);
  });

  it('takes the FIRST address that answers: with servers on both, 127.0.0.2 (first in DNS order) gets the connection', async () => {
    const second = await control.echo('127.0.0.1');
    const first = await control.echo('127.0.0.2', second.port);
    const w = winsock();
    const s = tcpSocket(w);
    expect(await byName(w, s, ZONE.multi, String(second.port)), lastError(w)).toBe(true);
    expect((await control.peer(first.id, 'connected')).connections).toBe(1);
    expect((await control.peer(second.id)).connections).toBe(0);
  });

  it("honours its timeout: a destination that never answers → FALSE with WSAETIMEDOUT before the relay's own 1.5 s timeout", async () => {
    const hole = await control.blackhole();
    const w = winsock();
    const s = tcpSocket(w);
    const started = Date.now();
    const ok = await byName(w, s, ZONE.one, String(hole.port), undefined, { tv_sec: 0, tv_usec: 400_000 });
    const elapsed = Date.now() - started;
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAETIMEDOUT');
    expect(elapsed, 'WSAConnectByName ignored its timeval').toBeLessThan(1300);
    expect(elapsed).toBeGreaterThanOrEqual(350);
  });

  it('NXDOMAIN → FALSE with WSAHOST_NOT_FOUND', async () => {
    const w = winsock();
    expect(await byName(w, tcpSocket(w), ZONE.missing, '80')).toBe(false);
    expect(lastError(w)).toBe('WSAHOST_NOT_FOUND');
  });

  it("a Reserved argument → FALSE with WSAEINVAL (Wine's test_WSAConnectByName)", async () => {
    const w = winsock();
    expect(await w.WSAConnectByName(tcpSocket(w), ZONE.one, '80', null, null, null, null, null, {})).toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('a datagram socket → FALSE with WSAEFAULT (Windows 10 1809 and later)', async () => {
    const w = winsock();
    const u = w.socket(ws2.AF_INET, ws2.SOCK_DGRAM, ws2.IPPROTO_UDP);
    expect(await byName(w, u, ZONE.one, '80')).toBe(false);
    expect(lastError(w)).toBe('WSAEFAULT');
  });

  it("an unknown service name → FALSE with WSATYPE_NOT_FOUND (Wine's test_WSAConnectByName)", async () => {
    const w = winsock();
    expect(await byName(w, tcpSocket(w), ZONE.one, 'nonexistentservice')).toBe(false);
    expect(lastError(w)).toBe('WSATYPE_NOT_FOUND');
  });

  it('a name whose every address is refused by relay policy → FALSE with WSAEACCES, nothing dialled', async () => {
    const echo = await control.echo('127.0.0.1');
    const w = winsock(inject('denyRelayUrl'));
    expect(await byName(w, tcpSocket(w), ZONE.refused, String(echo.port))).toBe(false);
    expect(lastError(w)).toBe('WSAEACCES');
    const w2 = winsock(inject('denyRelayUrl'));
    expect(await byName(w2, tcpSocket(w2), ZONE.multi, String(echo.port))).toBe(false);
    expect(lastError(w2)).toBe('WSAEACCES');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('the same name on the loopback-allowed relay connects (the refusal above is policy, not DNS)', async () => {
    const echo = await control.echo('127.0.0.1');
    const w = winsock();
    expect(await byName(w, tcpSocket(w), ZONE.refused, String(echo.port)), lastError(w)).toBe(true);
  });
});

/** {25a207b9-ddf3-4660-8ee9-76e58c74063e} in memory order (Data1..3 little-endian), as mswsock.h lays it out. */
const WSAID_CONNECTEX_BYTES = new Uint8Array([
  0xb9, 0x07, 0xa2, 0x25, 0xf3, 0xdd, 0x60, 0x46, 0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e,
]);

/** ConnectEx as ported code gets it: WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, &WSAID_CONNECTEX, …, &pConnectEx, …). */
function getConnectEx(w: Winsock, s: number): Winsock['ConnectEx'] {
  return extensionFunction(w, s, WSAID_CONNECTEX_BYTES, 'ConnectEx');
}

function boundSocket(w: Winsock): number {
  const s = tcpSocket(w);
  const local = addr(0);
  expect(w.bind(s, local, local.length), lastError(w)).toBe(0);
  return s;
}

describe('ConnectEx through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_CONNECTEX)', () => {
  it("the library exports WSAID_CONNECTEX with the GUID's bytes", () => {
    expect(ws2.WSAID_CONNECTEX, 'WSAID_CONNECTEX must be exported').toBeInstanceOf(Uint8Array);
    expect([...ws2.WSAID_CONNECTEX]).toEqual([...WSAID_CONNECTEX_BYTES]);
  });

  it('an unknown GUID → WSAEINVAL', () => {
    const w = winsock();
    const s = tcpSocket(w);
    const out = { value: null };
    const rc = w.WSAIoctl(
      s,
      ws2.SIO_GET_EXTENSION_FUNCTION_POINTER,
      new Uint8Array(16).fill(0x42),
      16,
      out,
      8,
      { value: 0 },
      null,
      null,
    );
    expect(rc).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEINVAL');
  });

  it('on an unbound socket → FALSE with WSAEINVAL', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    const ConnectEx = getConnectEx(w, s);
    const name = addr(echo.port);
    expect(await ConnectEx(s, name, name.length, null, 0, null, { hEvent: w.WSACreateEvent() })).toBe(false);
    expect(lastError(w)).toBe('WSAEINVAL');
    expect((await control.peer(echo.id)).connections).toBe(0);
  });

  it('signals the WSAOVERLAPPED event on completion and sends the optional buffer after the connect', async () => {
    const sink = await control.sink();
    const w = winsock();
    const s = boundSocket(w);
    const ConnectEx = getConnectEx(w, s);
    const ev = w.WSACreateEvent();
    const ov: WSAOVERLAPPED = { hEvent: ev };
    const name = addr(sink.port);
    const first = text('sent with the connect');
    const sent = { value: -1 };
    const ok = await ConnectEx(s, name, name.length, first, first.length, sent, ov);
    if (!ok) expect(w.WSAGetLastError(), 'ConnectEx failed at once').toBe(WSA_IO_PENDING); // the connect goes on
    expect(await w.WSAWaitForMultipleEvents(1, [ev], false, 5000, false), 'the event was never signalled').toBe(
      ws2.WSA_WAIT_EVENT_0,
    );
    const transferred = { value: -1 };
    const flags = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, ov, transferred, false, flags), lastError(w)).toBe(true);
    expect(transferred.value).toBe(first.length);
    const st = await control.peer(sink.id, `bytes:${first.length}`);
    expect(st.last!.bytes).toBe(first.length);
    expect(st.last!.sha256).toBe(await sha256(first));
  });

  it('WSAGetOverlappedResult: no-wait while pending → FALSE with WSA_IO_INCOMPLETE; wait → the outcome (WSAETIMEDOUT)', async () => {
    const hole = await control.blackhole();
    const w = winsock();
    const s = boundSocket(w);
    const ConnectEx = getConnectEx(w, s);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    const name = addr(hole.port);
    expect(await ConnectEx(s, name, name.length, null, 0, null, ov)).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect(await w.WSAGetOverlappedResult(s, ov, { value: 0 }, false, { value: 0 })).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_INCOMPLETE);
    const waited = await settledWithin(
      Promise.resolve(w.WSAGetOverlappedResult(s, ov, { value: 0 }, true, { value: 0 })),
      5000,
    );
    expect(waited, 'WSAGetOverlappedResult(fWait) never returned').toBe(false);
    expect(lastError(w)).toBe('WSAETIMEDOUT');
  });
});
