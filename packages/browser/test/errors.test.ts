import { describe, expect, it } from 'vitest';
import { REASONS, Reason } from '@ws2web/protocol';
import * as C from '../src/win/constants.js';
import { errorName, wsaErrorForReason } from '../src/win/errors.js';

describe('error table', () => {
  it('every wire reason maps to a Winsock error this library exports', () => {
    const named = C as unknown as Record<string, number>;
    for (const row of REASONS) {
      expect(named[row.wsa], `${row.name} → ${row.wsa}`).toBeTypeOf('number');
      expect(wsaErrorForReason(row.code)).toBe(named[row.wsa]);
    }
  });

  it('follows the contract for the outcomes it names', () => {
    expect(wsaErrorForReason(Reason.REFUSED)).toBe(10061);
    expect(wsaErrorForReason(Reason.TIMED_OUT)).toBe(10060);
    expect(wsaErrorForReason(Reason.NET_UNREACH)).toBe(10051);
    expect(wsaErrorForReason(Reason.HOST_UNREACH)).toBe(10065);
    expect(wsaErrorForReason(Reason.POLICY_DENIED)).toBe(10013);
    expect(wsaErrorForReason(Reason.AUTH_FAILED)).toBe(10013);
    expect(wsaErrorForReason(Reason.RESET)).toBe(10054);
    expect(wsaErrorForReason(Reason.HOST_NOT_FOUND)).toBe(11001);
    expect(wsaErrorForReason(60000)).toBe(C.WSAENETDOWN); // unknown reason from a newer relay
  });

  it('has the contract constants with Windows values', () => {
    expect(C.INVALID_SOCKET).toBe(0xffffffff);
    expect(C.SOCKET_ERROR).toBe(-1);
    expect(C.AF_INET6).toBe(23);
    expect(C.SOL_SOCKET).toBe(0xffff);
    expect(C.SO_CONNECT_TIME).toBe(0x700c);
    expect(C.FIONBIO).toBe(0x8004667e);
    expect(C.FIONREAD).toBe(0x4004667f);
    expect(C.WSA_WAIT_TIMEOUT).toBe(258);
    expect(C.WSA_WAIT_FAILED).toBe(0xffffffff);
    expect(C.FD_CLOSE).toBe(32);
    expect(C.FD_MAX_EVENTS).toBe(10);
    expect(C.WSAEWOULDBLOCK).toBe(10035);
    expect(C.WSA_QOS_RESERVED_PETYPE).toBe(11031);
    expect(C.EAI_NONAME).toBe(11001);
    expect(C.SO_EXCLUSIVEADDRUSE).toBe(-5);
  });

  it('names errors', () => {
    expect(errorName(10061)).toBe('WSAECONNREFUSED');
    expect(errorName(11001)).toBe('WSAHOST_NOT_FOUND');
    expect(errorName(1)).toBe('error 1');
  });
});
