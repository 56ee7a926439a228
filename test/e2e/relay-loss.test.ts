/**
 * Losing the relay after it was reached: every open socket fails with WSAECONNABORTED (pending
 * calls, later calls, FD_CLOSE), the relay's TCP connections are released, and nothing hangs.
 * Each test has its own disposable relay (behind a proxy the control server can cut).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control, text } from '../fixtures/control.js';
import {
  addr,
  collectEvents,
  connectedSocket,
  errName,
  lastError,
  releaseWinsocks,
  stillPendingAfterRoundTrip,
  tcpSocket,
  winsock,
  ws2,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, FD_READ, FD_CLOSE, FD_CLOSE_BIT, FD_SET, FD_ISSET } = ws2;
const control = new Control();

afterEach(async () => {
  releaseWinsocks();
  await control.releaseAll();
});
afterAll(() => control.releaseAll());

const TEST_TIMEOUT = 15_000;

describe.each(['abrupt', 'graceful'] as const)('relay loss (%s)', (mode) => {
  it(
    'a pending recv fails with WSAECONNABORTED; later calls on the socket too',
    async () => {
      const relay = await control.spawnRelay();
      const sink = await control.sink();
      const w = winsock(relay.url);
      const s = await connectedSocket(w, sink.port);
      await control.peer(sink.id, 'connected');

      const pending = w.recv(s, new Uint8Array(16), 16, 0);
      expect(await stillPendingAfterRoundTrip(w, pending)).toBe('pending');
      await control.killRelay(relay.id, mode);
      expect(await pending).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');

      expect(await w.send(s, text('x'), 1, 0)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      expect(await w.recv(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
      expect(w.closesocket(s), lastError(w)).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    'FD_CLOSE carries WSAECONNABORTED',
    async () => {
      const relay = await control.spawnRelay();
      const sink = await control.sink();
      const w = winsock(relay.url);
      const s = await connectedSocket(w, sink.port);
      const ev = w.WSACreateEvent();
      expect(w.WSAEventSelect(s, ev, FD_READ | FD_CLOSE), lastError(w)).toBe(0);
      await control.killRelay(relay.id, mode);
      const got = await collectEvents(w, s, ev, FD_CLOSE);
      expect(got.lNetworkEvents & FD_CLOSE).toBe(FD_CLOSE);
      expect(errName(got.iErrorCode[FD_CLOSE_BIT]!)).toBe('WSAECONNABORTED');
    },
    TEST_TIMEOUT,
  );

  it(
    'a pending select wakes up with the socket readable (so the failure can be read)',
    async () => {
      const relay = await control.spawnRelay();
      const sink = await control.sink();
      const w = winsock(relay.url);
      const s = await connectedSocket(w, sink.port);
      const readfds = { fd_count: 0, fd_array: [] as number[] };
      FD_SET(s, readfds);
      const selecting = w.select(0, readfds, null, null, null);
      expect(await stillPendingAfterRoundTrip(w, selecting)).toBe('pending');
      await control.killRelay(relay.id, mode);
      expect(await selecting).toBe(1);
      expect(FD_ISSET(s, readfds)).toBeTruthy();
      expect(await w.recv(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAECONNABORTED');
    },
    TEST_TIMEOUT,
  );

  it(
    'every socket on the lost WebSocket fails, and the relay releases their TCP connections',
    async () => {
      const relay = await control.spawnRelay();
      const sinks = await Promise.all([control.sink(), control.sink(), control.sink()]);
      const w = winsock(relay.url);
      const sockets = await Promise.all(sinks.map((k) => connectedSocket(w, k.port)));
      await control.killRelay(relay.id, mode);
      for (const s of sockets) {
        expect(await w.recv(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
        expect(lastError(w)).toBe('WSAECONNABORTED');
      }
      for (const k of sinks) {
        // The relay ended (FIN) or reset its side; the sink keeps its own side open, so not 'closed'.
        const st = await control.peer(k.id, 'gone', 5000);
        expect(st.last!.ended || st.last!.error !== null, `sink ${k.port} still connected after relay loss`).toBe(true);
      }
    },
    TEST_TIMEOUT,
  );

  it(
    'a new connect after the loss reports WSAENETDOWN (the relay is gone), without hanging',
    async () => {
      const relay = await control.spawnRelay();
      const sink = await control.sink();
      const w = winsock(relay.url);
      await connectedSocket(w, sink.port);
      await control.killRelay(relay.id, mode);
      const s2 = tcpSocket(w);
      const name = addr(sink.port);
      expect(await w.connect(s2, name, name.length)).toBe(SOCKET_ERROR);
      expect(lastError(w)).toBe('WSAENETDOWN');
    },
    TEST_TIMEOUT,
  );
});
