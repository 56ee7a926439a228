/**
 * What the import groups (ws2-*.ts, kernel32.ts) share for one running program: the Winsock
 * object, the program's memory, its event handles and the per-program static buffers.
 */
import type { Winsock, WSAEVENT } from '@ws2web/browser';
import { HandleTable } from './handles.js';
import type { WasmMemory } from './memory.js';
import { Scheduler, type WasmThread } from './scheduler.js';

/** An import as the module sees it: numbers in (i32/i64), a number, bigint or nothing out. */
// biome-ignore lint/suspicious/noConfusingVoidType: an import may return nothing (C void), and TS infers void for it
export type SyncImport = (...args: never[]) => number | bigint | void;
/**
 * An import that may wait: a Promise suspends the calling thread until it settles (JSPI: other
 * threads run meanwhile; Asyncify: the stack unwinds); a plain value returns at once, no switch.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: as SyncImport
export type BlockingImport = (...args: never[]) => number | void | Promise<number | void>;

/** One group of imports; `blocking` ones suspend the C program while their Promise settles. */
export interface ImportGroup {
  sync: Record<string, SyncImport>;
  blocking: Record<string, BlockingImport>;
}

/**
 * Buffers that Windows returns from "static" storage (hostent, servent, inet_ntoa,
 * gai_strerror): one per kind, freed and replaced by the next call of that kind.
 */
export class StaticBuffers {
  readonly #memory: () => WasmMemory;
  readonly #owned = new Map<string, number>();

  constructor(memory: () => WasmMemory) {
    this.#memory = memory;
  }

  /** A fresh block of `size` bytes for `kind`, or 0 when malloc failed. */
  replace(kind: string, size: number): number {
    const m = this.#memory();
    const old = this.#owned.get(kind);
    if (old) m.free(old);
    const p = m.malloc(size);
    if (p) this.#owned.set(kind, p);
    else this.#owned.delete(kind);
    return p;
  }
}

export class GlueContext {
  readonly w: Winsock;
  readonly #memory: () => WasmMemory;
  readonly events = new HandleTable<WSAEVENT>();
  readonly statics: StaticBuffers;
  /** The program's threads (scheduler.ts): who is running, and the one way an import blocks. */
  readonly scheduler = new Scheduler();
  /** Handles of auto-reset events (CreateEvent with bManualReset FALSE); waits consume them. */
  readonly autoReset = new Set<number>();
  /** Thread handles; each is also in `events`, as the thread's exit event (what waits see). */
  readonly threads = new Map<number, WasmThread>();

  constructor(w: Winsock, memory: () => WasmMemory) {
    this.w = w;
    this.#memory = memory;
    this.statics = new StaticBuffers(memory);
  }

  get m(): WasmMemory {
    return this.#memory();
  }

  /** Winsock's way of failing: record the code, return SOCKET_ERROR (or `result`). */
  fail<T extends number>(code: number, result: T): T {
    this.w.WSASetLastError(code);
    return result;
  }

  /**
   * A WSAEVENT handle from C as the library's object: null for NULL; for a handle that was never
   * issued (or was closed), an object that is not an event, so the library answers
   * WSA_INVALID_HANDLE exactly as it would for any bad handle.
   */
  event(handle: number): WSAEVENT | null {
    if (handle === 0) return null;
    return this.events.get(handle) ?? (NOT_AN_EVENT as unknown as WSAEVENT);
  }
}

const NOT_AN_EVENT = Object.freeze({ invalidHandle: true });
