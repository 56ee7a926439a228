/**
 * FD_CLOSE as Windows reports it (Wine's ws2_32 test_close_events records it from real Windows):
 * on the peer's closesocket or shutdown(SD_SEND), not on any other shutdown; after the data's
 * FD_READ; re-posted in window mode at re-selection, not in event mode; reported at selection if
 * the peer closed before; a reset is FD_CLOSE with WSAECONNABORTED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, ws2 } from '../../fixtures/winsock.js';
import { MODES, closeWithReset, eventMode, sendText, tcpSocketPair, untilReadable } from './event-modes.js';

const {
  FD_ACCEPT,
  FD_CLOSE,
  FD_CONNECT,
  FD_OOB,
  FD_READ,
  SD_SEND,
  SD_RECEIVE,
  SD_BOTH,
  WSAECONNABORTED,
  WSAMAKESELECTREPLY,
} = ws2;
const MASK = FD_ACCEPT | FD_CLOSE | FD_CONNECT | FD_OOB | FD_READ;

afterEach(releaseWinsocks);

describe.each(MODES)('close events, %s mode', (mode) => {
  it("the peer's closesocket: FD_CLOSE once; re-selection; recv returns 0 and records nothing", async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    m.select(server, MASK);
    expect(w.closesocket(client)).toBe(0);
    await m.expectEvents(FD_CLOSE, 0, 'the peer closed');
    await m.expectEvents(0, 0, 'once');
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(FD_CLOSE, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
    m.select(server, 0);
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(FD_CLOSE, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
    expect(await w.recv(server, new Uint8Array(5), 5, 0), lastError(w)).toBe(0);
    await m.expectEvents(0, 0, 'recv of the end');
  });

  it("the peer's shutdown(SD_SEND) is FD_CLOSE; its closesocket after that adds nothing", async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    m.select(server, MASK);
    expect(w.shutdown(client, SD_SEND), lastError(w)).toBe(0);
    await m.expectEvents(FD_CLOSE, 0, 'the peer shut down sending');
    await m.expectEvents(0, 0, 'once');
    expect(w.closesocket(client)).toBe(0);
    await m.expectEvents(0, 0, 'the peer closed after');
  });

  it('no other shutdown is an event: the peer SD_RECEIVE and our SD_BOTH; then the peer SD_SEND is', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    m.select(server, MASK);
    expect(w.shutdown(client, SD_RECEIVE), lastError(w)).toBe(0);
    expect(w.shutdown(server, SD_BOTH), lastError(w)).toBe(0);
    await untilReadable(w, client); // our FIN reached the peer
    await m.expectEvents(0, 0, 'SD_RECEIVE at the peer, SD_BOTH here');
    expect(w.shutdown(client, SD_SEND), lastError(w)).toBe(0);
    await m.expectEvents(FD_CLOSE, 0, 'the peer shut down sending');
    await m.expectEvents(0, 0, 'once');
  });

  it('data, then the close: FD_READ, FD_CLOSE, then FD_READ again for what recv left, nothing after the last byte', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    m.select(server, MASK);
    await sendText(w, client, 'data\0');
    await m.expectEvents(FD_READ, 0, 'the data');
    expect(w.closesocket(client)).toBe(0);
    await m.expectEvents(FD_CLOSE, 0, 'the close');
    expect(await w.recv(server, new Uint8Array(3), 3, 0), lastError(w)).toBe(3);
    await m.expectEvents(FD_READ, 0, 'recv left 2 bytes');
    expect(await w.recv(server, new Uint8Array(5), 5, 0), lastError(w)).toBe(2);
    await m.expectEvents(0, 0, 'the last bytes read');
  });

  it('closed before the selection: FD_CLOSE at selection; also when FD_CLOSE was left out at first', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const first = await tcpSocketPair(w);
    expect(w.closesocket(first.client)).toBe(0);
    m.select(first.server, MASK);
    await m.expectEvents(FD_CLOSE, 0, 'the peer had closed');

    const second = await tcpSocketPair(w);
    m.select(second.server, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ);
    expect(w.closesocket(second.client)).toBe(0);
    await untilReadable(w, second.server); // the FIN arrived
    await m.expectEvents(0, 0, 'FD_CLOSE not selected');
    m.select(second.server, MASK);
    await m.expectEvents(FD_CLOSE, 0, 'FD_CLOSE selected now');
  });

  it('a reset: FD_CLOSE with WSAECONNABORTED; re-selection', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    m.select(server, MASK);
    closeWithReset(w, client);
    const aborted = WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNABORTED);
    await m.expectEvents(aborted, 0, 'the peer reset');
    await m.expectEvents(0, 0, 'once');
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(aborted, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
    m.select(server, 0);
    m.select(server, MASK);
    if (mode === 'message') await m.expectEvents(aborted, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
  });
});
