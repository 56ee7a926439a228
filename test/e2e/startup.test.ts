/**
 * WSAStartup / WSACleanup reference counting, socket() argument checks, and the last-error
 * rules of the contract. Nothing here needs a TCP peer; socket() must not touch the network.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import { errName, lastError, releaseWinsocks, winsock, ws2 } from '../fixtures/winsock.js';

const { AF_INET, AF_INET6, SOCK_STREAM, IPPROTO_TCP, IPPROTO_UDP, INVALID_SOCKET, SOCKET_ERROR } = ws2;

afterEach(releaseWinsocks);

describe('WSAStartup / WSACleanup', () => {
  it('WSANOTINITIALISED: socket() before WSAStartup fails', () => {
    const w = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    expect(w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSANOTINITIALISED');
  });

  it('WSAStartup(2.2) returns 0 and fills WSADATA with version 2.2', () => {
    const w = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    const data: Record<string, unknown> = {};
    expect(w.WSAStartup(0x0202, data)).toBe(0);
    expect(data.wVersion).toBe(0x0202);
    expect(data.wHighVersion).toBe(0x0202);
    expect(w.WSACleanup()).toBe(0);
  });

  it('WSANOTINITIALISED after the last WSACleanup (startup is reference counted)', () => {
    const w = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    expect(w.WSACleanup()).toBe(0);
    // One startup still outstanding: the library is usable.
    const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(w.WSACleanup()).toBe(0);
    expect(w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSANOTINITIALISED');
    // A cleanup too many fails the same way.
    expect(w.WSACleanup()).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSANOTINITIALISED');
  });

  it('WSACleanup closes the sockets of the object: a later call on them fails after a new WSAStartup', () => {
    const w = ws2.createWinsock({ relay: 'ws://127.0.0.1:9/' });
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(w.WSACleanup()).toBe(0);
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    expect(w.closesocket(s)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(w.WSACleanup()).toBe(0);
  });
});

describe('socket()', () => {
  it('a TCP socket is created without touching the network (the relay here does not exist)', async () => {
    const control = new Control();
    const deadPort = await control.refusedPort();
    const w = winsock(`ws://127.0.0.1:${deadPort}/`);
    const a = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const b = w.socket(AF_INET, SOCK_STREAM, 0);
    const c = w.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    for (const s of [a, b, c]) expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(w.WSAGetLastError()).toBe(0);
  });

  it('WSAEAFNOSUPPORT: unknown address family', () => {
    const w = winsock();
    expect(w.socket(99, SOCK_STREAM, 0)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEAFNOSUPPORT');
  });

  it('WSAESOCKTNOSUPPORT: unknown socket type', () => {
    const w = winsock();
    expect(w.socket(AF_INET, 99, 0)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAESOCKTNOSUPPORT');
  });

  it('WSAEPROTONOSUPPORT: SOCK_STREAM with IPPROTO_UDP', () => {
    const w = winsock();
    expect(w.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)).toBe(INVALID_SOCKET);
    expect(lastError(w)).toBe('WSAEPROTONOSUPPORT');
  });

  it('WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0) creates a socket like socket()', () => {
    const w = winsock();
    const s = w.WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, 0);
    expect(s, lastError(w)).not.toBe(INVALID_SOCKET);
    expect(w.closesocket(s)).toBe(0);
  });

  it('WSAENOTSOCK: closesocket twice, and on a number that was never a socket', () => {
    const w = winsock();
    const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(w.closesocket(s)).toBe(0);
    expect(w.closesocket(s)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
    expect(w.closesocket(0x7654)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAENOTSOCK');
  });
});

describe('last error', () => {
  it('WSASetLastError / WSAGetLastError round-trip', () => {
    const w = winsock();
    w.WSASetLastError(ws2.WSAEWOULDBLOCK);
    expect(errName(w.WSAGetLastError())).toBe('WSAEWOULDBLOCK');
    w.WSASetLastError(0);
    expect(w.WSAGetLastError()).toBe(0);
  });

  it("objects share nothing: an error on one does not change the other's last error", () => {
    const a = winsock();
    const b = winsock();
    b.WSASetLastError(0);
    expect(a.socket(99, SOCK_STREAM, 0)).toBe(INVALID_SOCKET);
    expect(lastError(a)).toBe('WSAEAFNOSUPPORT');
    expect(b.WSAGetLastError()).toBe(0);
    // And socket numbers of one object mean nothing to the other.
    const s = a.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(b.closesocket(s)).toBe(SOCKET_ERROR);
    expect(lastError(b)).toBe('WSAENOTSOCK');
  });

  it('constants have the Windows values', () => {
    expect(INVALID_SOCKET).toBe(0xffffffff);
    expect(SOCKET_ERROR).toBe(-1);
    expect([ws2.AF_INET, ws2.AF_INET6, ws2.SOCK_STREAM, ws2.IPPROTO_TCP]).toEqual([2, 23, 1, 6]);
    expect([ws2.FIONBIO, ws2.FIONREAD, ws2.SO_CONNECT_TIME]).toEqual([0x8004667e, 0x4004667f, 0x700c]);
    expect([ws2.WSAECONNREFUSED, ws2.WSAETIMEDOUT, ws2.WSAEACCES, ws2.WSAENETDOWN, ws2.WSAECONNABORTED]).toEqual([
      10061, 10060, 10013, 10050, 10053,
    ]);
    expect([ws2.WSA_WAIT_TIMEOUT, ws2.WSA_WAIT_FAILED, ws2.FD_MAX_EVENTS]).toEqual([258, 0xffffffff, 10]);
  });
});
