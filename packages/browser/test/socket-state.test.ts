import { describe, expect, it } from 'vitest';
import { TcpState as SocketState, check, tcpStateMachine } from '../src/socket/state.js';
import { WSAEALREADY, WSAEINVAL, WSAEISCONN, WSAENOTCONN } from '../src/win/constants.js';

describe('socket state machine', () => {
  it('answers connect per the WSAConnect reference', () => {
    expect(check('connect', SocketState.UNBOUND)).toBe(0);
    expect(check('connect', SocketState.BOUND)).toBe(0);
    expect(check('connect', SocketState.CONNECTING)).toBe(WSAEALREADY);
    expect(check('connect', SocketState.CONNECTED)).toBe(WSAEISCONN);
    expect(check('connect', SocketState.HALF_CLOSED)).toBe(WSAEISCONN);
    expect(check('connect', SocketState.LISTENING)).toBe(WSAEINVAL);
  });

  it('refuses a second bind and listen on an unbound socket', () => {
    expect(check('bind', SocketState.UNBOUND)).toBe(0);
    expect(check('bind', SocketState.BOUND)).toBe(WSAEINVAL);
    expect(check('listen', SocketState.UNBOUND)).toBe(WSAEINVAL);
    expect(check('listen', SocketState.BOUND)).toBe(0);
    expect(check('listen', SocketState.CONNECTED)).toBe(WSAEISCONN);
  });

  it('allows data only on a connection, and a torn-down one reports its stored error', () => {
    for (const s of [SocketState.UNBOUND, SocketState.BOUND, SocketState.CONNECTING, SocketState.LISTENING]) {
      expect(check('transfer', s)).toBe(WSAENOTCONN);
    }
    expect(check('transfer', SocketState.CONNECTED)).toBe(0);
    expect(check('transfer', SocketState.HALF_CLOSED)).toBe(0);
    expect(check('transfer', SocketState.DISCONNECTED)).toBe('stored');
    expect(check('getpeername', SocketState.BOUND)).toBe(WSAENOTCONN);
  });

  it('follows legal transitions and throws on an illegal one (a library bug)', () => {
    const sm = tcpStateMachine();
    sm.to(SocketState.CONNECTING);
    sm.to(SocketState.BOUND); // failed connect: implicitly bound, may retry
    sm.to(SocketState.CONNECTING);
    sm.to(SocketState.CONNECTED);
    sm.to(SocketState.HALF_CLOSED);
    expect(() => sm.to(SocketState.LISTENING)).toThrow(/cannot go from half-closed to listening/);
    sm.to(SocketState.CLOSED);
    expect(sm.is(SocketState.CLOSED)).toBe(true);
  });
});
