import { describe, expect, it } from 'vitest';
import { FD_CLR, FD_ISSET, FD_SET, FD_ZERO, fdSet } from '../src/win/fd-set.js';
import { FD_SETSIZE } from '../src/win/constants.js';

describe('fd_set macros', () => {
  it('set, test, clear, zero with C argument order', () => {
    const set = fdSet();
    FD_SET(0x100, set);
    FD_SET(0x104, set);
    FD_SET(0x100, set); // no duplicate
    expect(set).toEqual({ fd_count: 2, fd_array: [0x100, 0x104] });
    expect(FD_ISSET(0x104, set)).toBe(1);
    FD_CLR(0x100, set);
    expect(set).toEqual({ fd_count: 1, fd_array: [0x104] });
    expect(FD_ISSET(0x100, set)).toBe(0);
    FD_ZERO(set);
    expect(set.fd_count).toBe(0);
  });

  it('holds at most FD_SETSIZE sockets', () => {
    const set = fdSet();
    for (let i = 0; i < FD_SETSIZE + 5; i++) FD_SET(i * 4, set);
    expect(set.fd_count).toBe(FD_SETSIZE);
  });
});
