import { describe, expect, it } from 'vitest';
import { NetworkEvents, WSAGETSELECTERROR, WSAGETSELECTEVENT, WSAMAKESELECTREPLY } from '../src/win/network-events.js';
import { WsaEvent } from '../src/win/event.js';
import { FD_CLOSE, FD_CLOSE_BIT, FD_CONNECT, FD_CONNECT_BIT, FD_MAX_EVENTS, FD_READ, FD_WRITE, WSAECONNREFUSED } from '../src/win/constants.js';

const blank = () => ({ lNetworkEvents: 0, iErrorCode: new Array<number>(FD_MAX_EVENTS).fill(-1) });

describe('network events (WSAEventSelect record)', () => {
  it('records selected events once until re-enabled, and signals the event', () => {
    const event = new WsaEvent();
    const ne = new NetworkEvents(0x100, () => {});
    ne.select({ kind: 'event', event }, FD_READ | FD_CONNECT);
    ne.record(FD_WRITE); // not selected
    expect(event.signalled).toBe(false);
    ne.record(FD_CONNECT, WSAECONNREFUSED);
    ne.record(FD_READ);
    expect(event.signalled).toBe(true);
    const out = blank();
    ne.enumerate(out);
    expect(out.lNetworkEvents).toBe(FD_READ | FD_CONNECT);
    expect(out.iErrorCode[FD_CONNECT_BIT]).toBe(WSAECONNREFUSED);
    // FD_READ is disabled until recv re-enables it
    ne.record(FD_READ);
    ne.enumerate(out);
    expect(out.lNetworkEvents).toBe(0);
    ne.reenable(FD_READ);
    ne.record(FD_READ);
    ne.enumerate(out);
    expect(out.lNetworkEvents).toBe(FD_READ);
  });

  it('a new selection clears the record', () => {
    const event = new WsaEvent();
    const ne = new NetworkEvents(4, () => {});
    ne.select({ kind: 'event', event }, FD_CLOSE);
    ne.record(FD_CLOSE, 10053);
    ne.select({ kind: 'event', event }, FD_CLOSE);
    const out = blank();
    ne.enumerate(out);
    expect(out.lNetworkEvents).toBe(0);
    expect(out.iErrorCode[FD_CLOSE_BIT]).toBe(0);
  });

  it('posts window messages through the queue, not inline', () => {
    const posted: (() => void)[] = [];
    const got: number[][] = [];
    const ne = new NetworkEvents(0x104, (d) => posted.push(d));
    ne.select({ kind: 'window', hWnd: (m, w, l) => got.push([m, w, l]), wMsg: 0x401 }, FD_CONNECT);
    ne.record(FD_CONNECT, WSAECONNREFUSED);
    expect(got).toEqual([]);
    posted.forEach((d) => d());
    expect(got).toEqual([[0x401, 0x104, WSAMAKESELECTREPLY(FD_CONNECT, WSAECONNREFUSED)]]);
    expect(WSAGETSELECTEVENT(got[0]![2]!)).toBe(FD_CONNECT);
    expect(WSAGETSELECTERROR(got[0]![2]!)).toBe(WSAECONNREFUSED);
  });
});
