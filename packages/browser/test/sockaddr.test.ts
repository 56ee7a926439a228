import { describe, expect, it } from 'vitest';
import { parseSockaddr, readSockaddr, sockaddrIn, sockaddrIn6, copySockaddrOut } from '../src/win/sockaddr.js';
import { AF_INET, AF_INET6, WSAEAFNOSUPPORT, WSAEFAULT } from '../src/win/constants.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sockaddr layouts', () => {
  it('sockaddr_in is family LE, port BE, address, 8 zero bytes', () => {
    expect(hex(sockaddrIn('127.0.0.1', 8080))).toBe('0200' + '1f90' + '7f000001' + '0000000000000000');
  });

  it('sockaddr_in6 is family 23 LE, port BE, flowinfo, address, scope LE', () => {
    expect(hex(sockaddrIn6('::1', 443, 5))).toBe(
      '1700' + '01bb' + '00000000' + '00000000000000000000000000000001' + '05000000',
    );
    expect(parseSockaddr(sockaddrIn6('fe80::1%3', 1))).toEqual({
      family: AF_INET6,
      address: 'fe80::1',
      port: 1,
      flowinfo: 0,
      scopeId: 3,
    });
  });

  it('parses back to RFC 5952 text', () => {
    expect(parseSockaddr(sockaddrIn6('2001:DB8:0:0:0:0:0:1', 7))).toMatchObject({ address: '2001:db8::1', port: 7 });
    expect(parseSockaddr(sockaddrIn6('::ffff:127.0.0.1', 7)).address).toBe('::ffff:127.0.0.1');
    expect(parseSockaddr(sockaddrIn('10.1.2.3', 65535))).toEqual({ family: AF_INET, address: '10.1.2.3', port: 65535 });
  });

  it('validates like Winsock: short namelen → WSAEFAULT, unknown family → WSAEAFNOSUPPORT', () => {
    expect(readSockaddr(sockaddrIn('1.2.3.4', 1), 15)).toBe(WSAEFAULT);
    expect(readSockaddr(sockaddrIn6('::1', 1), 16)).toBe(WSAEFAULT);
    const odd = sockaddrIn('1.2.3.4', 1);
    odd[0] = 99;
    expect(readSockaddr(odd, 16)).toBe(WSAEAFNOSUPPORT);
    expect(readSockaddr(null, 16)).toBe(WSAEFAULT);
  });

  it('rejects malformed helper input with RangeError', () => {
    expect(() => sockaddrIn('1.2.3', 1)).toThrow(RangeError);
    expect(() => sockaddrIn('1.2.3.4', 70000)).toThrow(RangeError);
    expect(() => sockaddrIn6('1::2::3', 1)).toThrow(RangeError);
  });

  it('copies out with the namelen rules of getsockname', () => {
    const a = { family: AF_INET, address: '127.0.0.1', port: 9, flowinfo: 0, scopeId: 0 } as const;
    const buf = new Uint8Array(28);
    const len = { value: 8 };
    expect(copySockaddrOut(a, buf, len)).toBe(WSAEFAULT);
    len.value = 28;
    expect(copySockaddrOut(a, buf, len)).toBe(0);
    expect(len.value).toBe(16);
  });
});
