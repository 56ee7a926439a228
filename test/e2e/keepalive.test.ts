/**
 * TCP keep-alive reaches the relay's real socket: SIO_KEEPALIVE_VALS, SO_KEEPALIVE and
 * TCP_KEEPALIVE from the page, checked in the kernel (the relay socket's timer in /proc/net/tcp,
 * read through the control server): armed as keep-alive, with the idle time asked for, raised to
 * the relay's minKeepAliveMs (10 s by default) when shorter, and disarmed by onoff 0; and on an
 * accepted socket, which inherits them from its listener.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import { acceptWithin, inboundWinsock, listeningSocket } from '../fixtures/inbound.js';
import type { TcpTimer } from '../fixtures/tcp-timers.js';
import {
  addr,
  connectedSocket,
  eventually,
  lastError,
  releaseWinsocks,
  tcpSocket,
  u32,
  winsock,
  ws2,
  type Winsock,
} from '../fixtures/winsock.js';

const { SOL_SOCKET, SO_KEEPALIVE, IPPROTO_TCP, TCP_KEEPALIVE, SIO_KEEPALIVE_VALS } = ws2;
const KEEPALIVE_TIMER = 2;

const control = new Control();
afterEach(releaseWinsocks);
afterAll(() => control.releaseAll());

function keepAliveVals(w: Winsock, s: number, onoff: number, timeMs: number, intervalMs: number): void {
  const vals = new Uint8Array(12);
  const v = new DataView(vals.buffer);
  v.setUint32(0, onoff, true);
  v.setUint32(4, timeMs, true);
  v.setUint32(8, intervalMs, true);
  const returned = { value: 0xdeadbeef };
  expect(w.WSAIoctl(s, SIO_KEEPALIVE_VALS, vals, 12, null, 0, returned, null, null), lastError(w)).toBe(0);
  expect(returned.value).toBe(0);
}

/** The relay's port for this connection: getsockname reports the relay socket's real address. */
function relayPort(w: Winsock, s: number): number {
  const name = new Uint8Array(16);
  expect(w.getsockname(s, name, { value: 16 }), lastError(w)).toBe(0);
  return ws2.parseSockaddr(name).port;
}

/** Waits until the relay socket's timer satisfies `ok` (SETOPT travels on its own); returns the last seen. */
async function timerUntil(local: number, remote: number, ok: (t: TcpTimer) => boolean): Promise<TcpTimer | null> {
  let last: TcpTimer | null = null;
  await eventually(async () => {
    last = await control.tcpTimer(local, remote);
    return last !== null && ok(last);
  }, 5000);
  return last;
}

const keepAliveWithin = (min: number, max: number) => (t: TcpTimer) =>
  t.timer === KEEPALIVE_TIMER && t.seconds > min && t.seconds <= max;

describe('keep-alive on the relay socket', () => {
  it('SIO_KEEPALIVE_VALS sets it with its time, raises a short time to the minimum, onoff 0 clears it', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    const local = relayPort(w, s);
    expect(await control.tcpTimer(local, echo.port), 'no keep-alive before it is asked for').toEqual({
      timer: 0,
      seconds: 0,
    });

    keepAliveVals(w, s, 1, 30_000, 2000);
    const asked = await timerUntil(local, echo.port, keepAliveWithin(20, 30));
    expect(asked, 'a keep-alive timer of at most 30 s').toMatchObject({ timer: KEEPALIVE_TIMER });
    expect(asked!.seconds).toBeGreaterThan(20);
    expect(asked!.seconds).toBeLessThanOrEqual(30);

    keepAliveVals(w, s, 1, 3000, 1000); // below the relay's 10 s minimum
    const raised = await timerUntil(local, echo.port, keepAliveWithin(3, 10));
    expect(raised!.timer).toBe(KEEPALIVE_TIMER);
    expect(raised!.seconds, 'raised to minKeepAliveMs, not 3 s').toBeGreaterThan(3);
    expect(raised!.seconds).toBeLessThanOrEqual(10);

    keepAliveVals(w, s, 0, 30_000, 1000);
    expect(await timerUntil(local, echo.port, (t) => t.timer === 0), 'onoff 0 disarms it').toEqual({
      timer: 0,
      seconds: 0,
    });
    const on = new Uint8Array(4);
    expect(w.getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, on, { value: 4 })).toBe(0);
    expect(on[0]).toBe(0);
  });

  it('TCP_KEEPALIVE and SO_KEEPALIVE set before connect apply once the relay has the socket', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = tcpSocket(w);
    expect(w.setsockopt(s, IPPROTO_TCP, TCP_KEEPALIVE, u32(40), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, u32(1), 4), lastError(w)).toBe(0);
    const name = addr(echo.port);
    expect(await w.connect(s, name, name.length), lastError(w)).toBe(0);
    const t = await timerUntil(relayPort(w, s), echo.port, keepAliveWithin(30, 40));
    expect(t!.timer).toBe(KEEPALIVE_TIMER);
    expect(t!.seconds).toBeGreaterThan(30);
    expect(t!.seconds).toBeLessThanOrEqual(40);
  });

  it('SO_KEEPALIVE alone keeps the OS idle time (2 hours, as Windows)', async () => {
    const echo = await control.echo();
    const w = winsock();
    const s = await connectedSocket(w, echo.port);
    expect(w.setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, u32(1), 4), lastError(w)).toBe(0);
    const t = await timerUntil(relayPort(w, s), echo.port, keepAliveWithin(7000, 7200));
    expect(t!.timer).toBe(KEEPALIVE_TIMER);
    expect(t!.seconds).toBeGreaterThan(7000);
  });

  it("an accepted socket's keep-alive, inherited from its listener, reaches the relay's accepted socket", async () => {
    const w = inboundWinsock();
    const l = await listeningSocket(w);
    expect(w.setsockopt(l.s, IPPROTO_TCP, TCP_KEEPALIVE, u32(50), 4), lastError(w)).toBe(0);
    expect(w.setsockopt(l.s, SOL_SOCKET, SO_KEEPALIVE, u32(1), 4), lastError(w)).toBe(0);
    const client = await control.client(l.port, { mode: 'sink' });
    expect(client.connectError).toBeNull();
    const a = await acceptWithin(w, l.s);
    const on = new Uint8Array(4);
    expect(w.getsockopt(a.s, SOL_SOCKET, SO_KEEPALIVE, on, { value: 4 }), lastError(w)).toBe(0);
    expect(on[0], 'accept inherits SO_KEEPALIVE').toBe(1);
    // The relay's accepted socket: local = the listening port, remote = the Node client.
    const t = await timerUntil(l.port, client.localPort, keepAliveWithin(40, 50));
    expect(t, "the listener's 50 s keep-alive on the relay's accepted socket").toMatchObject({
      timer: KEEPALIVE_TIMER,
    });
    expect(t!.seconds).toBeGreaterThan(40);
    expect(t!.seconds).toBeLessThanOrEqual(50);
  });
});
