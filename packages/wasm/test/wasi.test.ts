/**
 * The WASI shim: argv, stdout decoding across calls (a UTF-8 character split between two
 * writes), stdin then end-of-file, console-like fdstat, proc_exit as ProgramExit.
 */
import { describe, expect, it } from 'vitest';
import { WasmMemory } from '../src/memory.js';
import { ProgramExit, createWasi } from '../src/wasi.js';

function setup(stdin = '') {
  const m = new WasmMemory(new WebAssembly.Memory({ initial: 1 }), { malloc: () => 0, free: () => {} });
  const out: string[] = [];
  const wasi = createWasi(
    {
      args: ['prog', 'a1', 'ü'],
      env: { K: 'v' },
      stdout: (t) => out.push(t),
      stderr: () => {},
      stdin: new TextEncoder().encode(stdin),
    },
    () => m,
  );
  const call = (name: string, ...args: (number | bigint)[]) =>
    (wasi[name] as (...a: (number | bigint)[]) => number)(...args);
  return { m, out, call };
}

describe('WASI shim', () => {
  it('passes argv as NUL-terminated strings with a pointer array', () => {
    const { m, call } = setup();
    expect(call('args_sizes_get', 100, 104)).toBe(0);
    expect([m.u32(100), m.u32(104)]).toEqual([3, 'prog\0a1\0ü\0'.length + 1]);
    expect(call('args_get', 200, 300)).toBe(0);
    expect([m.cString(m.u32(200)), m.cString(m.u32(204)), m.cString(m.u32(208))]).toEqual(['prog', 'a1', 'ü']);
  });

  it('decodes stdout as a stream: a character split across two fd_write calls arrives whole', () => {
    const { m, out, call } = setup();
    const bytes = new TextEncoder().encode('é!\n'); // c3 a9 21 0a
    m.write(1000, bytes);
    m.setU32(500, 1000);
    m.setU32(504, 1);
    expect(call('fd_write', 1, 500, 1, 600)).toBe(0);
    m.setU32(500, 1001);
    m.setU32(504, 3);
    expect(call('fd_write', 1, 500, 1, 600)).toBe(0);
    expect(m.u32(600)).toBe(3);
    expect(out.join('')).toBe('é!\n');
    expect(call('fd_write', 7, 500, 1, 600)).toBe(8); // EBADF
  });

  it('reads stdin then reports end-of-file', () => {
    const { m, call } = setup('line\n');
    m.setU32(500, 1000);
    m.setU32(504, 3);
    expect(call('fd_read', 0, 500, 1, 600)).toBe(0);
    expect([m.u32(600), m.cString(1000, 3)]).toEqual([3, 'lin']);
    m.setU32(504, 100);
    call('fd_read', 0, 500, 1, 600);
    expect(m.u32(600)).toBe(2);
    call('fd_read', 0, 500, 1, 600);
    expect(m.u32(600)).toBe(0);
  });

  it('reports the standard streams as character devices without seek/tell (what isatty() checks) and exits by throwing', () => {
    const { m, call } = setup();
    const rights = (at: number) => new DataView(m.copy(at, 8).buffer).getBigUint64(0, true);
    for (const fd of [0, 1, 2]) {
      expect(call('fd_fdstat_get', fd, 800)).toBe(0);
      expect(m.u8(800)).toBe(2); // __WASI_FILETYPE_CHARACTER_DEVICE
      // wasi-libc's isatty() is false if either FD_SEEK (bit 2) or FD_TELL (bit 5) is granted:
      // stdout would then be fully buffered after its first line.
      expect(rights(808) & ((1n << 2n) | (1n << 5n))).toBe(0n);
      expect(rights(808) & (1n << 6n)).toBe(1n << 6n); // FD_WRITE stays
    }
    expect(call('fd_fdstat_get', 3, 800)).toBe(8);
    expect(() => call('proc_exit', 7)).toThrow(ProgramExit);
    try {
      call('proc_exit', 7);
    } catch (e) {
      expect((e as ProgramExit).code).toBe(7);
    }
  });

  it('gives real clocks and random bytes', () => {
    const { m, call } = setup();
    expect(call('clock_time_get', 0, 1000n, 900)).toBe(0);
    const ns = new DataView(new ArrayBuffer(8));
    new Uint8Array(ns.buffer).set(m.copy(900, 8));
    const ms = Number(ns.getBigUint64(0, true) / 1_000_000n);
    expect(Math.abs(ms - Date.now())).toBeLessThan(5000);
    expect(call('random_get', 1200, 64)).toBe(0);
    expect(new Set(m.copy(1200, 64)).size).toBeGreaterThan(8);
  });
});
