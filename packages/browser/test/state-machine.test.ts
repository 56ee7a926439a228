import { describe, expect, it } from 'vitest';
import { StateMachine } from '../src/socket/state-machine.js';
import {
  ListenerState,
  UdpState,
  check,
  listenerStateMachine,
  TcpState,
  udpStateMachine,
} from '../src/socket/state.js';
import { WSAEINVAL } from '../src/win/constants.js';

describe('StateMachine', () => {
  const lamp = { off: ['on'], on: ['off', 'broken'], broken: [] } as const;

  it('moves along its table, stays put for free, and names the subject in the invariant error', () => {
    const sm = new StateMachine<'off' | 'on' | 'broken'>('lamp', lamp, 'off');
    expect(sm.state).toBe('off');
    sm.to('off');
    sm.to('on');
    expect(sm.is('on')).toBe(true);
    expect(sm.is('off', 'broken')).toBe(false);
    sm.to('broken');
    expect(() => sm.to('on')).toThrow('ws2web invariant: lamp cannot go from broken to on');
    expect(sm.state).toBe('broken');
  });

  it('drives a datagram socket: unbound → opening → open → broken → closed, never back', () => {
    const sm = udpStateMachine();
    expect(sm.state).toBe(UdpState.UNBOUND);
    sm.to(UdpState.OPENING);
    sm.to(UdpState.OPEN);
    expect(() => sm.to(UdpState.OPENING)).toThrow(/datagram socket cannot go from open to opening/);
    sm.to(UdpState.BROKEN);
    sm.to(UdpState.CLOSED);
    expect(() => sm.to(UdpState.OPEN)).toThrow(/cannot go from closed to open/);
  });

  it('drives the relay side of a listening socket', () => {
    const sm = listenerStateMachine();
    expect(sm.state).toBe(ListenerState.STARTING);
    sm.to(ListenerState.LISTENING);
    expect(() => sm.to(ListenerState.STARTING)).toThrow(/listener cannot go from listening to starting/);
    sm.to(ListenerState.FAILED);
    sm.to(ListenerState.CLOSED);
  });

  it('accepts into a TCP socket only while it is unbound (AcceptEx)', () => {
    expect(check('adopt', TcpState.UNBOUND)).toBe(0);
    for (const s of [
      TcpState.BOUND,
      TcpState.CONNECTING,
      TcpState.CONNECTED,
      TcpState.LISTENING,
      TcpState.DISCONNECTED,
    ]) {
      expect(check('adopt', s), s).toBe(WSAEINVAL);
    }
  });
});
