/**
 * The other TCP connect calls of the contract: WSAConnectByList, WSAConnectByName (IP literals
 * only, so no DNS query), and ConnectEx completed through WSAGetOverlappedResult.
 * Signatures are the contract's (shared/design/api.md), typed here so the suite compiles even
 * while the library lacks a call: a missing call fails its test, it does not break the file.
 */
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Control, text, untext } from '../fixtures/control.js';
import { addr, lastError, recvExactly, releaseWinsocks, tcpSocket, winsock, ws2, type Winsock } from '../fixtures/winsock.js';

const { SOCKET_ERROR } = ws2;
/** ERROR_IO_PENDING: outside the 10004–11031 range, so not necessarily exported. */
const WSA_IO_PENDING = 997;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

type Ref = { value: number };
type SocketAddressList = { iAddressCount: number; Address: { lpSockaddr: Uint8Array; iSockaddrLength: number }[] };
interface ConnectByApi {
  WSAConnectByList(s: number, list: SocketAddressList, localLen: Ref | null, local: Uint8Array | null,
    remoteLen: Ref | null, remote: Uint8Array | null, timeout: { tv_sec: number; tv_usec: number } | null, reserved: null): Promise<boolean>;
  WSAConnectByName(s: number, nodename: string, servicename: string, localLen: Ref | null, local: Uint8Array | null,
    remoteLen: Ref | null, remote: Uint8Array | null, timeout: { tv_sec: number; tv_usec: number } | null, reserved: null): Promise<boolean>;
  ConnectEx(s: number, name: Uint8Array, namelen: number, sendBuf: Uint8Array | null, sendLen: number,
    bytesSent: Ref | null, overlapped: { hEvent: unknown }): Promise<boolean>;
  WSAGetOverlappedResult(s: number, overlapped: { hEvent: unknown }, transfer: Ref, wait: boolean, flags: Ref): Promise<boolean> | boolean;
}

/** The object as the contract types it, after checking it has the calls this test needs. */
function api(w: Winsock, ...needs: (keyof ConnectByApi)[]): ConnectByApi {
  for (const name of needs) {
    expect(typeof (w as unknown as Record<string, unknown>)[name], `the contract requires ${name}`).toBe('function');
  }
  return w as unknown as ConnectByApi;
}

const list = (...names: Uint8Array[]): SocketAddressList =>
  ({ iAddressCount: names.length, Address: names.map((n) => ({ lpSockaddr: n, iSockaddrLength: n.length })) });

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
    const ok = await api(w, 'WSAConnectByList').WSAConnectByList(s, list(addr(refused), addr(echo.port)), localLen, local, remoteLen, remote, null, null);
    expect(ok, lastError(w)).toBe(true);
    expect(remoteLen.value).toBe(16);
    expect(ws2.parseSockaddr(remote.subarray(0, 16))).toMatchObject({ address: '127.0.0.1', port: echo.port });
    expect(localLen.value).toBe(16);
    const st = await control.peer(echo.id, 'connected');
    expect(ws2.parseSockaddr(local.subarray(0, 16)).port).toBe(st.last!.remotePort);
    expect(await w.send(s, text('list'), 4, 0)).toBe(4);
    expect(untext(await recvExactly(w, s, 4))).toBe('list');
  });

  it('every candidate refused → FALSE with the last attempt\'s error (WSAECONNREFUSED)', async () => {
    const a = await control.refusedPort();
    const b = await control.refusedPort();
    const w = winsock();
    const ok = await api(w, 'WSAConnectByList').WSAConnectByList(tcpSocket(w), list(addr(a), addr(b)), null, null, null, null, null, null);
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });

  it('every candidate refused by relay policy → FALSE with WSAEACCES', async () => {
    const echo = await control.echo();
    const w = winsock(inject('denyRelayUrl'));
    const ok = await api(w, 'WSAConnectByList').WSAConnectByList(tcpSocket(w), list(addr(echo.port), addr(echo.port, '127.0.0.2')), null, null, null, null, null, null);
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
    const ok = await api(w, 'WSAConnectByName').WSAConnectByName(s, '127.0.0.1', String(echo.port), null, null, remoteLen, remote, { tv_sec: 5, tv_usec: 0 }, null);
    expect(ok, lastError(w)).toBe(true);
    expect(ws2.parseSockaddr(remote.subarray(0, remoteLen.value))).toMatchObject({ address: '127.0.0.1', port: echo.port });
    expect(await w.send(s, text('name'), 4, 0)).toBe(4);
    expect(untext(await recvExactly(w, s, 4))).toBe('name');
  });

  it('refused → FALSE with WSAECONNREFUSED', async () => {
    const port = await control.refusedPort();
    const w = winsock();
    const ok = await api(w, 'WSAConnectByName').WSAConnectByName(tcpSocket(w), '127.0.0.1', String(port), null, null, null, null, null, null);
    expect(ok).toBe(false);
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });

  it('refused by relay policy → FALSE with WSAEACCES', async () => {
    const echo = await control.echo();
    const w = winsock(inject('denyRelayUrl'));
    const ok = await api(w, 'WSAConnectByName').WSAConnectByName(tcpSocket(w), '127.0.0.1', String(echo.port), null, null, null, null, null, null);
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
    expect(await api(w, 'ConnectEx').ConnectEx(tcpSocket(w), name, name.length, null, 0, null, { hEvent: ev })).toBe(false);
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
    const ok = await api(w, 'ConnectEx').ConnectEx(s, name, name.length, first, first.length, null, ov);
    if (!ok) expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const transferred = { value: -1 };
    const flags = { value: -1 };
    expect(await api(w, 'WSAGetOverlappedResult').WSAGetOverlappedResult(s, ov, transferred, true, flags), lastError(w)).toBe(true);
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
    const ok = await api(w, 'ConnectEx').ConnectEx(s, name, name.length, null, 0, null, ov);
    expect(ok).toBe(false);
    if (w.WSAGetLastError() === WSA_IO_PENDING) {
      expect(await api(w, 'WSAGetOverlappedResult').WSAGetOverlappedResult(s, ov, { value: 0 }, true, { value: 0 })).toBe(false);
    }
    expect(lastError(w)).toBe('WSAECONNREFUSED');
  });
});

describe('the socket after a connect-by call', () => {
  it('is connected: a second connect → WSAEISCONN', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(await api(w, 'WSAConnectByList').WSAConnectByList(s, list(addr(echo.port)), null, null, null, null, null, null), lastError(w)).toBe(true);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEISCONN');
  });
});
