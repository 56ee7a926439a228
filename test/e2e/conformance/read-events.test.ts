/**
 * FD_READ as Windows reports it (Wine's ws2_32 test_read_events records it from real Windows):
 * once until recv; recorded again at once by a recv that leaves data; re-selection posts it
 * again in window mode but not in event mode, where the next new data records it; data that
 * arrived while nothing was selected is reported at selection unless a recv consumed it first;
 * WSAEnumNetworkEvents leaves alone what is not selected; data taken by a pending overlapped
 * WSARecv is no FD_READ.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import {
  EXPECT_MS,
  MODES,
  eventMode,
  sendText,
  setNonBlocking,
  syncRecv,
  tcpSocketPair,
  untilReadable,
} from './event-modes.js';

const { FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE, SOCKET_ERROR, WSA_IO_PENDING, WSA_WAIT_EVENT_0 } =
  ws2;
const MASK = FD_ACCEPT | FD_CLOSE | FD_CONNECT | FD_OOB | FD_READ;

afterEach(releaseWinsocks);

describe.each(MODES)('read events, %s mode', (mode) => {
  it('FD_READ once until recv; re-selection; new data; recv leaving data records it again', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    m.select(server, MASK);
    await m.expectEvents(0, 0, 'selected, no data');

    await sendText(w, client, 'data\0');
    await m.expectEvents(FD_READ, 0, 'data arrived');
    await m.expectEvents(0, 0, 'once');
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(FD_READ, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
    m.select(server, 0);
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(FD_READ, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');

    await sendText(w, client, 'data\0');
    if (mode === 'event') await m.expectEvents(FD_READ, 0, 'event mode: new data after a re-selection');
    await m.expectEvents(0, 0, 'window mode: nothing until recv');

    // Both sends (10 bytes) are buffered now: select until the second one is readable too.
    expect(await w.recv(server, new Uint8Array(2), 2, 0), lastError(w)).toBe(2);
    await m.expectEvents(FD_READ, 0, 'recv left data');
    await m.expectEvents(0, 0, 'once');

    expect(await w.recv(server, new Uint8Array(8), -1, 0)).toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEFAULT');
    if (mode === 'message')
      await m.expectEvents(FD_READ, 0, 'window mode: a refused recv re-enables FD_READ, data waits');
    await m.expectEvents(0, 0, 'event mode: nothing');

    for (let i = 0; i < 8; i++) {
      expect(await syncRecv(w, server, 1), `byte ${i}`).toBe(1);
      if (i < 7) await m.expectEvents(FD_READ, 0, `after byte ${i}, more left`);
      await m.expectEvents(0, 0, `after byte ${i}`);
    }
  });

  it('data sent while nothing is selected is reported at selection, unless a recv took it first', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    m.select(server, MASK);
    m.select(server, 0);
    await sendText(w, client, 'data\0');
    await untilReadable(w, server);
    m.select(server, MASK);
    await m.expectEvents(FD_READ, 0, 'data that arrived unselected');
    expect(await w.recv(server, new Uint8Array(5), 5, 0), lastError(w)).toBe(5);

    m.select(server, 0);
    await sendText(w, client, 'data\0');
    expect(await syncRecv(w, server, 5)).toBe(5);
    m.select(server, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ);
    await m.expectEvents(0, 0, 'the data was consumed before the selection');

    // WSAEnumNetworkEvents does not clear events that are not selected.
    m.select(server, 0);
    await sendText(w, client, 'data\0');
    await untilReadable(w, server);
    await m.expectEvents(0, 0, 'nothing selected');
    m.select(server, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    await m.expectEvents(FD_READ, FD_WRITE, 'selected again, FD_WRITE for the first time');
    await m.expectEvents(0, 0, 'nothing more');
  });

  it('data taken by a pending overlapped WSARecv is no FD_READ; the next data is', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    m.select(server, MASK);

    const ov = { hEvent: w.WSACreateEvent() };
    const buf = new Uint8Array(1);
    expect(await w.WSARecv(server, [{ len: 1, buf }], 1, null, { value: 0 }, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    await sendText(w, client, 'a');
    expect(await w.WSAWaitForMultipleEvents(1, [ov.hEvent], false, EXPECT_MS, false)).toBe(WSA_WAIT_EVENT_0);
    const got = { value: 0 };
    expect(await w.WSAGetOverlappedResult(server, ov, got, false, { value: 0 }), lastError(w)).toBe(true);
    expect(got.value).toBe(1);
    await m.expectEvents(0, 0, 'the pending WSARecv took the byte');

    await sendText(w, client, 'a');
    await m.expectEvents(FD_READ, 0, 'no receive pending');
    await m.expectEvents(0, 0, 'once');
  });
});
