/**
 * A minimal WASI preview1 (wasi_snapshot_preview1) for Winsock console programs in a page:
 * stdout/stderr go to callbacks, stdin comes from a string, argv/environ are given, clocks and
 * random are the page's. There is no file system: every other call answers ENOSYS/EBADF.
 * No Node.js import: it runs in browsers and Workers as it is.
 */
import type { WasmMemory } from './memory.js';

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;
const ESPIPE = 70;

const FILETYPE_CHARACTER_DEVICE = 2;
/** WASI rights bits that make a descriptor a file rather than a terminal. */
const RIGHT_FD_SEEK = 1n << 2n;
const RIGHT_FD_TELL = 1n << 5n;
/** Every right except seek and tell: what a console stream has. */
const CONSOLE_RIGHTS = 0xffffffffffffffffn & ~(RIGHT_FD_SEEK | RIGHT_FD_TELL);
const CLOCK_REALTIME = 0;

/** Thrown by proc_exit to leave the program; carries its exit code. */
export class ProgramExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`program exited with code ${code}`);
    this.name = 'ProgramExit';
    this.code = code;
  }
}

export interface WasiOptions {
  /** argv, including argv[0]. */
  args: string[];
  env: Record<string, string>;
  /** Bytes the program writes to fd 1 / fd 2, decoded as UTF-8 (split across calls safely). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** What fd 0 reads: the whole of it, then end-of-file. */
  stdin: Uint8Array;
}

// biome-ignore lint/suspicious/noConfusingVoidType: WASI calls such as proc_exit return nothing
export type WasiImports = Record<string, (...args: never[]) => number | void>;

/**
 * @param memory resolved lazily: the instance (and so its memory) exists only after the
 * imports were handed to WebAssembly.instantiate.
 */
export function createWasi(options: WasiOptions, memory: () => WasmMemory): WasiImports {
  const decoders = [new TextDecoder(), new TextDecoder()];
  const sinks = [options.stdout, options.stderr];
  const encoder = new TextEncoder();
  const argv = options.args.map((a) => encoder.encode(`${a}\0`));
  const environ = Object.entries(options.env).map(([k, v]) => encoder.encode(`${k}=${v}\0`));
  let stdinAt = 0;

  function writeStrings(list: Uint8Array[], ptrs: number, buf: number): number {
    const m = memory();
    let at = buf;
    list.forEach((bytes, i) => {
      m.setU32(ptrs + 4 * i, at);
      m.write(at, bytes);
      at += bytes.length;
    });
    return ESUCCESS;
  }

  function writeSizes(list: Uint8Array[], countPtr: number, sizePtr: number): number {
    const m = memory();
    m.setU32(countPtr, list.length);
    m.setU32(
      sizePtr,
      list.reduce((n, b) => n + b.length, 0),
    );
    return ESUCCESS;
  }

  function fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
    if (fd !== 1 && fd !== 2) return EBADF;
    const m = memory();
    let total = 0;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < iovsLen; i++) {
      const ptr = m.u32(iovs + 8 * i);
      const len = m.u32(iovs + 8 * i + 4);
      parts.push(m.copy(ptr, len));
      total += len;
    }
    const joined = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    const text = decoders[fd - 1]!.decode(joined, { stream: true });
    if (text) sinks[fd - 1]!(text);
    m.setU32(nwritten, total);
    return ESUCCESS;
  }

  function fd_read(fd: number, iovs: number, iovsLen: number, nread: number): number {
    if (fd !== 0) return EBADF;
    const m = memory();
    let total = 0;
    for (let i = 0; i < iovsLen && stdinAt < options.stdin.length; i++) {
      const ptr = m.u32(iovs + 8 * i);
      const len = m.u32(iovs + 8 * i + 4);
      const chunk = options.stdin.subarray(stdinAt, stdinAt + len);
      m.write(ptr, chunk);
      stdinAt += chunk.length;
      total += chunk.length;
    }
    m.setU32(nread, total);
    return ESUCCESS;
  }

  /**
   * fds 0–2 are consoles. wasi-libc's isatty() wants a character device that can neither seek
   * nor tell; only then does stdout stay line-buffered (as on a Windows console) instead of
   * becoming fully buffered after its first write, which would hold a server's output back
   * until it exits.
   */
  function fd_fdstat_get(fd: number, stat: number): number {
    if (fd > 2) return EBADF;
    const m = memory();
    m.fill(stat, 24);
    m.setU8(stat, FILETYPE_CHARACTER_DEVICE);
    m.setU64(stat + 8, CONSOLE_RIGHTS);
    m.setU64(stat + 16, CONSOLE_RIGHTS);
    return ESUCCESS;
  }

  function clock_time_get(id: number, _precision: bigint, time: number): number {
    const ms = id === CLOCK_REALTIME ? Date.now() : performance.now();
    memory().setU64(time, BigInt(Math.round(ms * 1e6)));
    return ESUCCESS;
  }

  function clock_res_get(_id: number, resolution: number): number {
    memory().setU64(resolution, 1000n);
    return ESUCCESS;
  }

  function random_get(buf: number, len: number): number {
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(len, i + 65536)));
    memory().write(buf, bytes);
    return ESUCCESS;
  }

  function proc_exit(code: number): never {
    throw new ProgramExit(code);
  }

  const unsupported = (): number => ENOSYS;
  return {
    args_get: (ptrs: number, buf: number) => writeStrings(argv, ptrs, buf),
    args_sizes_get: (count: number, size: number) => writeSizes(argv, count, size),
    environ_get: (ptrs: number, buf: number) => writeStrings(environ, ptrs, buf),
    environ_sizes_get: (count: number, size: number) => writeSizes(environ, count, size),
    fd_write,
    fd_read,
    fd_fdstat_get,
    fd_close: (fd: number) => (fd <= 2 ? ESUCCESS : EBADF),
    fd_seek: (fd: number) => (fd <= 2 ? ESPIPE : EBADF),
    fd_fdstat_set_flags: (fd: number) => (fd <= 2 ? ESUCCESS : EBADF),
    fd_prestat_get: () => EBADF,
    fd_prestat_dir_name: () => EINVAL,
    clock_time_get,
    clock_res_get,
    random_get,
    proc_exit,
    sched_yield: () => ESUCCESS,
    poll_oneoff: unsupported,
    path_open: unsupported,
    fd_filestat_get: unsupported,
    path_filestat_get: unsupported,
    fd_readdir: unsupported,
    fd_sync: unsupported,
    fd_tell: unsupported,
  };
}
