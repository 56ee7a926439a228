/**
 * include/ws2web/constants.h is generated from @ws2web/browser's constants: it must be current
 * (same text the generator makes now) and carry every Winsock value the contract names, with C
 * spellings that keep Windows' types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errorCodes from '../../browser/src/win/error-codes.js';
import * as constants from '../../browser/src/win/constants.js';
import { cLiteral, renderConstantsHeader } from '../tools/constants-header.mjs';

const header = readFileSync(new URL('../include/ws2web/constants.h', import.meta.url), 'utf8');

describe('constants.h', () => {
  it('is exactly what the generator makes from the browser library today', () => {
    expect(header, 'stale: run `pnpm --filter @ws2web/wasm gen:header`').toBe(renderConstantsHeader({ ...constants }));
  });

  it('defines every numeric export of constants.ts and error-codes.ts, overridable like FD_SETSIZE', () => {
    for (const [name, value] of Object.entries({ ...constants, ...errorCodes })) {
      if (typeof value !== 'number') continue;
      expect(header, name).toContain(`#ifndef ${name}\n#define ${name} `);
    }
  });

  it('writes the values the contract pins, with Windows spellings', () => {
    const define = (name: string) => header.match(new RegExp(`#define ${name} (.+)`))?.[1];
    expect(define('INVALID_SOCKET')).toBe('(SOCKET)(~0)');
    expect(define('SOCKET_ERROR')).toBe('(-1)');
    expect(define('FIONBIO')).toBe('0x8004667e');
    expect(define('SOL_SOCKET')).toBe('0xffff');
    expect(define('WSAEWOULDBLOCK')).toBe('10035');
    expect(define('WSAECONNREFUSED')).toBe('10061');
    expect(define('WSAHOST_NOT_FOUND')).toBe('11001');
    expect(define('WSA_WAIT_TIMEOUT')).toBe('258');
    expect(define('WSA_WAIT_FAILED')).toBe('((DWORD)0xFFFFFFFF)');
    expect(define('FD_CLOSE')).toBe('32');
    expect(define('FD_SETSIZE')).toBe('64');
    expect(define('SO_DONTLINGER')).toBe('(-129)');
    expect(define('AF_INET6')).toBe('23');
  });

  it("spells large values in hex so they keep C's unsigned int type, negatives in parentheses", () => {
    expect(cLiteral(0x8004667e)).toBe('0x8004667e');
    expect(cLiteral(10061)).toBe('10061');
    expect(cLiteral(-1)).toBe('(-1)');
    expect(cLiteral(0x7fffffff)).toBe('0x7fffffff');
    expect(() => cLiteral(1.5)).toThrow(RangeError);
  });
});
