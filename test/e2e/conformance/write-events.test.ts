/**
 * FD_WRITE as Windows reports it (Wine's ws2_32 test_write_events records it from real Windows):
 * once when the socket becomes writable, not again for a re-selection in event mode (window mode
 * posts it again), not cleared or repeated by a successful send, and again only after a send
 * failed with WSAEWOULDBLOCK and space came back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inboundWinsock } from '../../fixtures/inbound.js';
import { lastError, releaseWinsocks, ws2, type Winsock } from '../../fixtures/winsock.js';
import { MODES, eventMode, sendText, setNonBlocking, syncRecv, tcpSocketPair } from './event-modes.js';

const { FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE, SOCKET_ERROR } = ws2;
const ALL = FD_ACCEPT | FD_CLOSE | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE;

afterEach(releaseWinsocks);

/** Non-blocking sends of 1 MiB until WSAEWOULDBLOCK; returns the bytes the socket took. */
async function fillUntilWouldBlock(w: Winsock, s: number): Promise<number> {
  const chunk = new Uint8Array(1024 * 1024);
  let total = 0;
  for (let i = 0; i < 64; i++) {
    const rc = await w.send(s, chunk, chunk.length, 0);
    if (rc === SOCKET_ERROR) {
      expect(lastError(w)).toBe('WSAEWOULDBLOCK');
      return total;
    }
    expect(rc).toBeGreaterThan(0);
    total += rc;
  }
  return expect.fail(`64 MiB went without WSAEWOULDBLOCK`);
}

/** Reads `total` bytes on the non-blocking `s`, waiting with select between WSAEWOULDBLOCKs. */
async function drain(w: Winsock, s: number, total: number): Promise<void> {
  const buf = new Uint8Array(256 * 1024);
  for (let got = 0; got < total; ) got += await syncRecv(w, s, Math.min(buf.length, total - got));
}

describe.each(MODES)('write events, %s mode', (mode) => {
  it('FD_WRITE once; re-selection; a send neither repeats nor clears it; again after WSAEWOULDBLOCK', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client, server } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);

    m.select(server, ALL);
    await m.expectEvents(FD_WRITE, 0, 'selected on a connected socket');
    await m.expectEvents(0, 0, 'once');
    m.select(server, ALL);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again after the same mask');
    m.select(server, 0);
    m.select(server, ALL);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again after 0 then the mask');

    await sendText(w, server, 'data\0');
    await m.expectEvents(0, 0, 'a successful send');
    expect(await syncRecv(w, client, 1024 * 1024)).toBe(5);
    await m.expectEvents(0, 0, 'the peer read it');

    const sent = await fillUntilWouldBlock(w, server);
    await drain(w, client, sent);
    expect(await w.recv(client, new Uint8Array(16), 16, 0), 'drained').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAEWOULDBLOCK');
    await m.expectEvents(FD_WRITE, 0, 'space came back after WSAEWOULDBLOCK');
    await m.expectEvents(0, 0, 'once');
    m.select(server, 0);
    m.select(server, ALL);
    if (mode === 'message') await m.expectEvents(FD_WRITE, 0, 'window mode: re-posted');
    await m.expectEvents(0, 0, 'event mode: not again');
  });

  it('a mask without FD_WRITE first (event mode: the earlier FD_CONNECT), FD_WRITE added later', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { client } = await tcpSocketPair(w);
    setNonBlocking(w, client, true);
    await sendText(w, client, 'data\0');

    m.select(client, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ);
    if (mode === 'event') await m.expectEvents(FD_CONNECT, 0, 'event mode: the blocking connect made before');
    await m.expectEvents(0, 0, 'no FD_WRITE unselected');
    m.select(client, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    await m.expectEvents(FD_WRITE, 0, 'FD_WRITE selected now');
    await m.expectEvents(0, 0, 'nothing more');
  });

  it('a send right after selecting does not clear FD_WRITE', async () => {
    const w = inboundWinsock();
    const m = eventMode(w, mode);
    const { server } = await tcpSocketPair(w);
    m.select(server, FD_ACCEPT | FD_CONNECT | FD_OOB | FD_READ | FD_WRITE);
    await sendText(w, server, 'data\0');
    await m.expectEvents(FD_WRITE, 0, 'after select and send');
  });
});
