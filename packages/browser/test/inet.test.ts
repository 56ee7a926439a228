import { describe, expect, it } from 'vitest';
import { htonl, htons, inet_addr, inet_ntoa, inetNtop, inetPton } from '../src/win/inet.js';
import { AF_INET, AF_INET6, INADDR_NONE, WSAEAFNOSUPPORT } from '../src/win/constants.js';

describe('byte order (Windows is little-endian)', () => {
  it('swaps', () => {
    expect(htons(80)).toBe(0x5000);
    expect(htons(0x1234)).toBe(0x3412);
    expect(htonl(0x7f000001)).toBe(0x0100007f);
    expect(htonl(htonl(0xdeadbeef))).toBe(0xdeadbeef);
  });
});

describe('inet_addr / inet_ntoa', () => {
  it('accepts the BSD forms and returns network order', () => {
    expect(inet_addr('127.0.0.1')).toBe(0x0100007f);
    expect(inet_addr('127.1')).toBe(0x0100007f);
    expect(inet_addr('0x7f.0.0.1')).toBe(0x0100007f);
    expect(inet_addr('2130706433')).toBe(0x0100007f);
    expect(inet_addr('255.255.255.255')).toBe(0xffffffff);
    expect(inet_addr('256.1.1.1')).toBe(INADDR_NONE);
    expect(inet_addr('a.b.c.d')).toBe(INADDR_NONE);
    expect(inet_ntoa(0x0100007f)).toBe('127.0.0.1');
  });
});

describe('inet_pton / inet_ntop', () => {
  it('round-trips and reports errors', () => {
    const codes: number[] = [];
    const sink = { set: (c: number) => codes.push(c) };
    const b4 = new Uint8Array(4);
    expect(inetPton(AF_INET, '192.0.2.33', b4, sink)).toBe(1);
    expect([...b4]).toEqual([192, 0, 2, 33]);
    expect(inetPton(AF_INET, '192.0.2', b4, sink)).toBe(0);
    const b6 = new Uint8Array(16);
    expect(inetPton(AF_INET6, '2001:db8::ff00:42:8329', b6, sink)).toBe(1);
    expect(inetNtop(AF_INET6, b6, sink)).toBe('2001:db8::ff00:42:8329');
    expect(inetPton(99, '1.2.3.4', b4, sink)).toBe(-1);
    expect(codes).toEqual([WSAEAFNOSUPPORT]);
  });
});
