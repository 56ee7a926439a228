/**
 * Overlapped WSASend / WSARecv with event objects, as code that uses ConnectEx writes them:
 * the call returns SOCKET_ERROR with WSA_IO_PENDING (or 0 when it completed at once, which
 * Windows also allows and still signals the event), and the outcome is collected with
 * WSAGetOverlappedResult.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WSAOVERLAPPED } from '../../packages/browser/src/index.js';
import { Control, randomBytes, sha256, text, untext } from '../fixtures/control.js';
import {
  connectedSocket,
  lastError,
  relayRoundTrip,
  releaseWinsocks,
  settledWithin,
  stillPendingAfterRoundTrip,
  u32,
  winsock,
  ws2,
} from '../fixtures/winsock.js';

const { SOCKET_ERROR, SOL_SOCKET, SO_SNDTIMEO, WSA_WAIT_EVENT_0, WSA_WAIT_TIMEOUT, WSA_IO_INCOMPLETE, WSA_IO_PENDING } =
  ws2;
const control = new Control();

afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

describe('overlapped WSARecv / WSASend with events', () => {
  it('WSARecv with nothing to read: SOCKET_ERROR + WSA_IO_PENDING; completes with the data once it arrives', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const rev = w.WSACreateEvent();
    const rov: WSAOVERLAPPED = { hEvent: rev };
    const buf = new Uint8Array(32);
    const recvd = { value: -1 };
    const rflags = { value: 0 };
    expect(await w.WSARecv(s, [{ len: buf.length, buf }], 1, recvd, rflags, rov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    await relayRoundTrip(w);
    expect(await w.WSAWaitForMultipleEvents(1, [rev], false, 0, false), 'signalled with nothing received').toBe(
      WSA_WAIT_TIMEOUT,
    );
    expect(await w.WSAGetOverlappedResult(s, rov, { value: 0 }, false, { value: 0 })).toBe(false);
    expect(w.WSAGetLastError()).toBe(WSA_IO_INCOMPLETE);

    const sev = w.WSACreateEvent();
    const sov: WSAOVERLAPPED = { hEvent: sev };
    const sent = { value: -1 };
    const src = await w.WSASend(
      s,
      [
        { len: 5, buf: text('over ') },
        { len: 6, buf: text('lapped') },
      ],
      2,
      sent,
      0,
      sov,
      null,
    );
    if (src === SOCKET_ERROR) expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    else expect(src).toBe(0);
    expect(await w.WSAWaitForMultipleEvents(1, [sev], false, 5000, false), "WSASend's event").toBe(WSA_WAIT_EVENT_0);
    const sentBytes = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, sov, sentBytes, false, { value: 0 }), lastError(w)).toBe(true);
    expect(sentBytes.value).toBe(11);

    expect(await w.WSAWaitForMultipleEvents(1, [rev], false, 5000, false), "WSARecv's event").toBe(WSA_WAIT_EVENT_0);
    const got = { value: -1 };
    const flags = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, rov, got, true, flags), lastError(w)).toBe(true);
    // The echo may come back in pieces; the first completion carries at least the first byte.
    expect(got.value).toBeGreaterThan(0);
    expect(untext(buf.subarray(0, got.value))).toBe('over lapped'.slice(0, got.value));
    expect(flags.value).toBe(0);
  });

  it('WSAGetOverlappedResult with fWait waits for the completion', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    const buf = new Uint8Array(16);
    expect(await w.WSARecv(s, [{ len: 16, buf }], 1, null, { value: 0 }, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const waiting = Promise.resolve(w.WSAGetOverlappedResult(s, ov, { value: 0 }, true, { value: 0 }));
    expect(await stillPendingAfterRoundTrip(w, waiting), 'fWait = TRUE returned before anything arrived').toBe(
      'pending',
    );
    expect(await w.send(s, text('late'), 4, 0)).toBe(4);
    expect(await settledWithin(waiting, 5000)).toBe(true);
    expect(untext(buf.subarray(0, 4))).toBe('late');
  });

  it('an overlapped WSARecv fails through WSAGetOverlappedResult when the peer resets (WSAECONNRESET)', async () => {
    const peer = await control.reset({ resetOn: 300 });
    const w = winsock();
    const s = await connectedSocket(w, peer.port);
    const ov: WSAOVERLAPPED = { hEvent: w.WSACreateEvent() };
    const buf = new Uint8Array(16);
    expect(await w.WSARecv(s, [{ len: 16, buf }], 1, null, { value: 0 }, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    const done = await settledWithin(
      Promise.resolve(w.WSAGetOverlappedResult(s, ov, { value: 0 }, true, { value: 0 })),
      5000,
    );
    expect(done).toBe(false);
    expect(lastError(w)).toBe('WSAECONNRESET');
  });

  it('SO_SNDTIMEO bounds a blocking send (WSAETIMEDOUT), not an overlapped WSASend, which completes once the peer reads', async () => {
    const SIZE = 8 * 1024 * 1024;
    const TIMEOUT_MS = 200;
    const data = randomBytes(SIZE);
    const w = winsock();

    const blockedPeer = await control.stall();
    const blocking = await connectedSocket(w, blockedPeer.port);
    expect(w.setsockopt(blocking, SOL_SOCKET, SO_SNDTIMEO, u32(TIMEOUT_MS), 4), lastError(w)).toBe(0);
    expect(await w.send(blocking, data, SIZE, 0), 'a blocking send the peer never drains').toBe(SOCKET_ERROR);
    expect(lastError(w)).toBe('WSAETIMEDOUT');

    const slowPeer = await control.stall();
    const s = await connectedSocket(w, slowPeer.port);
    expect(w.setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, u32(TIMEOUT_MS), 4), lastError(w)).toBe(0);
    const ev = w.WSACreateEvent();
    const ov: WSAOVERLAPPED = { hEvent: ev };
    expect(await w.WSASend(s, [{ len: SIZE, buf: data }], 1, { value: -1 }, 0, ov, null)).toBe(SOCKET_ERROR);
    expect(w.WSAGetLastError()).toBe(WSA_IO_PENDING);
    expect(
      await w.WSAWaitForMultipleEvents(1, [ev], false, 3 * TIMEOUT_MS, false),
      'still pending well past SO_SNDTIMEO',
    ).toBe(WSA_WAIT_TIMEOUT);
    await control.peerResume(slowPeer.id);
    const sent = { value: -1 };
    expect(await w.WSAGetOverlappedResult(s, ov, sent, true, { value: 0 }), lastError(w)).toBe(true);
    expect(sent.value).toBe(SIZE);
    const st = await control.peer(slowPeer.id, `bytes:${SIZE}`, 20_000);
    expect(st.last!.sha256).toBe(await sha256(data));
  }, 60_000);
});
