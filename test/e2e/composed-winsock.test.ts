/**
 * A Winsock object made of features (createWinsockWith): a TCP client with withTcp, withConnect
 * and withData has exactly the core calls and theirs, talks through the relay like createWinsock's
 * object, and answers as Windows does for what it was made without (no UDP provider, no name
 * resolution for WSAConnectByName, no ConnectEx to hand out, no relay listener for listen).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Control, text, untext } from '../fixtures/control.js';
import { errName, eventually, ws2 } from '../fixtures/winsock.js';

const { AF_INET, SOCK_STREAM, SOCK_DGRAM, IPPROTO_TCP, IPPROTO_UDP, INVALID_SOCKET, SOCKET_ERROR } = ws2;
const control = new Control();
afterAll(() => control.releaseAll());

/** The TCP client of the README's "smaller bundles" section. */
function tcpClient() {
  return ws2.createWinsockWith({ relay: inject('relayUrl') }, [ws2.withTcp, ws2.withConnect, ws2.withData]);
}

const CORE_CALLS = [
  'WSAStartup',
  'WSACleanup',
  'WSAGetLastError',
  'WSASetLastError',
  'socket',
  'WSASocket',
  'closesocket',
  'bind',
  'bindAsync',
  'listen',
  'shutdown',
  'getsockname',
  'getpeername',
];

describe('createWinsockWith', () => {
  it('a TCP client (withTcp, withConnect, withData) has the core calls and its features’ calls only', () => {
    const w = tcpClient();
    expect(Object.keys(w).sort()).toEqual(
      [
        ...CORE_CALLS,
        ...['connect', 'WSAConnect', 'ConnectEx', 'DisconnectEx'],
        ...['send', 'recv', 'sendto', 'recvfrom', 'WSASend', 'WSARecv', 'WSASendTo', 'WSARecvFrom'],
      ].sort(),
    );
    // @ts-expect-error the object was made without withSelect
    expect(w.select).toBeUndefined();
    // @ts-expect-error nor withOptions
    expect(w.setsockopt).toBeUndefined();
  });

  it('with every feature it has the same calls as createWinsock', () => {
    const all = ws2.createWinsockWith({ relay: inject('relayUrl') }, ws2.allFeatures);
    expect(Object.keys(all).sort()).toEqual(Object.keys(ws2.createWinsock({ relay: inject('relayUrl') })).sort());
  });

  it('the TCP client connects through the relay, sends, receives the echo and closes', async () => {
    const echo = await control.echo();
    const w = tcpClient();
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    try {
      const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      expect(s).not.toBe(INVALID_SOCKET);
      const to = ws2.sockaddrIn('127.0.0.1', echo.port);
      expect(await w.connect(s, to, to.length), errName(w.WSAGetLastError())).toBe(0);
      const line = text('composed\n');
      expect(await w.send(s, line, line.length, 0)).toBe(line.length);
      const buf = new Uint8Array(64);
      let reply = '';
      while (!reply.endsWith('\n')) {
        const n = await w.recv(s, buf, buf.length, 0);
        expect(n, errName(w.WSAGetLastError())).toBeGreaterThan(0);
        reply += untext(buf.subarray(0, n));
      }
      expect(reply).toBe('composed\n');
      expect(w.closesocket(s)).toBe(0);
    } finally {
      w.WSACleanup();
    }
  });

  it('without withUdp, socket(SOCK_DGRAM) fails with WSAESOCKTNOSUPPORT (no provider for the type)', () => {
    const w = tcpClient();
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    try {
      expect(w.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)).toBe(INVALID_SOCKET);
      expect(errName(w.WSAGetLastError())).toBe('WSAESOCKTNOSUPPORT');
      expect(w.socket(AF_INET, 0, IPPROTO_UDP)).toBe(INVALID_SOCKET);
      expect(errName(w.WSAGetLastError())).toBe('WSAESOCKTNOSUPPORT');
      // The argument checks still come first, as with every provider installed.
      expect(w.socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)).toBe(INVALID_SOCKET);
      expect(errName(w.WSAGetLastError())).toBe('WSAEPROTONOSUPPORT');
    } finally {
      w.WSACleanup();
    }
  });

  it('without withNames, WSAConnectByName fails with WSAEOPNOTSUPP before any lookup', async () => {
    const w = ws2.createWinsockWith({ relay: inject('relayUrl') }, [ws2.withTcp, ws2.withConnectByName]);
    expect(w.WSAStartup(0x0202, {})).toBe(0);
    try {
      const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      expect(await w.WSAConnectByName(s, 'localhost', '7', null, null, null, null, null, null)).toBe(false);
      expect(errName(w.WSAGetLastError())).toBe('WSAEOPNOTSUPP');
    } finally {
      w.WSACleanup();
    }
  });

  it('without withConnect, WSAIoctl has no ConnectEx to hand out (WSAEINVAL, as for an unknown GUID)', () => {
    const w = ws2.createWinsockWith({ relay: inject('relayUrl') }, [ws2.withTcp, ws2.withIoctl]);
    const withIt = ws2.createWinsockWith({ relay: inject('relayUrl') }, [ws2.withTcp, ws2.withIoctl, ws2.withConnect]);
    for (const x of [w, withIt]) expect(x.WSAStartup(0x0202, {})).toBe(0);
    try {
      const ask = (x: typeof w) => {
        const s = x.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        const out = { value: null as unknown };
        const rc = x.WSAIoctl(
          s,
          ws2.SIO_GET_EXTENSION_FUNCTION_POINTER,
          ws2.WSAID_CONNECTEX,
          16,
          out,
          8,
          { value: 0 },
          null,
          null,
        );
        return { rc, error: errName(x.WSAGetLastError()), fn: typeof out.value };
      };
      expect(ask(w)).toEqual({ rc: SOCKET_ERROR, error: 'WSAEINVAL', fn: 'object' });
      expect(ask(withIt)).toEqual({ rc: 0, error: '0', fn: 'function' });
    } finally {
      for (const x of [w, withIt]) x.WSACleanup();
    }
  });

  it('without withAccept, listen fails with WSAEOPNOTSUPP; withAccept brings the relay listener', async () => {
    const relay = inject('inboundRelayUrl');
    const without = ws2.createWinsockWith({ relay }, [ws2.withTcp]);
    const withIt = ws2.createWinsockWith({ relay }, [ws2.withTcp, ws2.withAccept]);
    for (const x of [without, withIt]) expect(x.WSAStartup(0x0202, {})).toBe(0);
    try {
      const listenOn = (x: typeof without) => {
        const s = x.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        const name = ws2.sockaddrIn('127.0.0.1', 0);
        expect(x.bind(s, name, name.length)).toBe(0);
        const rc = x.listen(s, 4);
        return { s, rc, error: errName(x.WSAGetLastError()) };
      };
      // No call of an object without withAccept could take a connection off a listener.
      expect(listenOn(without)).toMatchObject({ rc: SOCKET_ERROR, error: 'WSAEOPNOTSUPP' });
      const l = listenOn(withIt);
      expect(l.rc, l.error).toBe(0);
      let port = 0;
      const known = await eventually(() => {
        const name = new Uint8Array(16);
        if (withIt.getsockname(l.s, name, { value: name.length }) === 0) port = ws2.parseSockaddr(name).port;
        return port !== 0;
      }, 5000);
      expect(known, "getsockname reports the relay listener's port").toBe(true);
      const client = await control.client(port, { mode: 'sink' });
      expect(client.connectError).toBeNull();
      const accepted = await withIt.accept(l.s, null, null);
      expect(accepted, errName(withIt.WSAGetLastError())).not.toBe(INVALID_SOCKET);
    } finally {
      for (const x of [without, withIt]) x.WSACleanup();
    }
  });
});
