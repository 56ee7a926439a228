/**
 * Cooperative Win32 threads on one JavaScript thread (no SharedArrayBuffer, no Workers).
 *
 * Each thread is one JSPI stack: a `WebAssembly.promising` call of its start routine (the main
 * thread's is `_start`). Only one stack runs at a time, and a thread gives up the CPU only where
 * it blocks: a blocking import that returns a Promise. The scheduler then
 *  - saves the thread's shadow-stack pointer (the module's `__stack_pointer` global, which every
 *    C function with a frame moves) and its last error (one value in the Winsock object, one per
 *    thread on Windows);
 *  - waits for the Promise; when it settles the thread is queued as ready (FIFO);
 *  - lets the next ready thread run, after restoring *its* stack pointer and last error.
 * Exactly one thread is "current" from its dispatch until it blocks or ends, so two threads can
 * never resume into the same microtask turn with the wrong stack pointer: a settled Promise only
 * queues its thread; resuming it is the scheduler's decision.
 *
 * Threads other than main get a shadow stack of their own from the program's malloc, freed when
 * they end. The limit of the model: a thread that loops without a blocking call keeps the CPU
 * (and the page) to itself.
 */
import type { WSAEVENT } from '@ws2web/browser';

/** GetExitCodeThread's value while the thread runs (STATUS_PENDING). */
export const STILL_ACTIVE = 259;
/** Stack size for a thread created with dwStackSize 0 (Windows reserves 1 MiB; wasm-ld's main stack is 64 KiB). */
export const DEFAULT_THREAD_STACK = 256 * 1024;
const MAX_THREAD_STACK = 16 * 1024 * 1024;
/** After this long on microtasks only, the next switch goes through a macrotask so the page can run. */
const PAGE_SLICE_MS = 8;

/** Thrown through a thread's wasm frames by ExitThread/_endthreadex: ends that stack only. */
export class ThreadExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`thread exited with code ${code}`);
    this.code = code;
  }
}

type ThreadState = 'new' | 'ready' | 'running' | 'blocked' | 'exited';

type Settled = { ok: true; value: unknown; lastError: number } | { ok: false; error: unknown };

export class WasmThread {
  readonly id: number;
  /** Signalled (manual reset) when the thread ends: what waits on its handle wait for. */
  readonly exitEvent: WSAEVENT;
  state: ThreadState = 'new';
  exitCode = STILL_ACTIVE;
  /** The saved `__stack_pointer` while the thread is not running. */
  sp = 0;
  lastError = 0;
  /** TlsSetValue slots (TlsGetValue of an unset slot is 0). */
  readonly tls = new Map<number, number>();
  /** CREATE_SUSPENDED count (ResumeThread). */
  suspendCount = 0;
  /** The malloc'ed shadow stack (0 for the main thread, which keeps the module's own). */
  readonly stackBase: number;
  readonly #start: () => Promise<unknown>;
  #resume: { resolve(v: unknown): void; reject(e: unknown): void } | null = null;
  #settled: Settled | null = null;

  constructor(id: number, exitEvent: WSAEVENT, stackBase: number, stackTop: number, start: () => Promise<unknown>) {
    this.id = id;
    this.exitEvent = exitEvent;
    this.stackBase = stackBase;
    this.sp = stackTop;
    this.#start = start;
  }

  /** @internal the scheduler's: calls the start routine; resolves when it returns. */
  start(): Promise<unknown> {
    return this.#start();
  }

  /** @internal the scheduler's: resumes the suspended stack with what its blocking call ended with. */
  resume(): void {
    const settled = this.#settled!;
    const resume = this.#resume!;
    this.#settled = null;
    this.#resume = null;
    if (settled.ok) resume.resolve(settled.value);
    else resume.reject(settled.error);
  }

  /** @internal the Promise the suspended wasm stack waits on, resolved by resume(). */
  suspend(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#resume = { resolve, reject };
    });
  }

  /** @internal what the blocking call ended with, kept until the thread runs again. */
  settle(s: Settled): void {
    this.#settled = s;
    if (s.ok) this.lastError = s.lastError;
  }
}

/** What the scheduler needs from the instance, bound once it exists. */
export interface SchedulerHost {
  stackPointer: WebAssembly.Global;
  /** Function pointer → the wasm function (the exported `__indirect_function_table`). */
  table: WebAssembly.Table;
  malloc(size: number): number;
  free(ptr: number): void;
  promising(fn: (...args: never[]) => unknown): (...args: unknown[]) => Promise<unknown>;
  getLastError(): number;
  setLastError(code: number): void;
  createEvent(): WSAEVENT;
}

/** How the program ended: main returned (0), exit()/ExitProcess, or the last thread's ExitThread. */
export type ProgramEnd = { ok: true; exitCode: number; mainReturned: boolean } | { ok: false; error: unknown };

export class Scheduler {
  #host: SchedulerHost | null = null;
  #current: WasmThread | null = null;
  readonly #ready: WasmThread[] = [];
  readonly #threads = new Set<WasmThread>();
  #main: WasmThread | null = null;
  #nextId = 8;
  #dispatchQueued = false;
  #sliceStart = 0;
  #ended = false;
  /** True once runMain started: blocking calls switch threads (JSPI). */
  #switching = false;
  #channel: MessageChannel | null = null;
  /** Promises blockCurrentThread returned: handing one back (a wrapped import) does not block twice. */
  readonly #suspensions = new WeakSet<Promise<unknown>>();
  #onEnd: ((end: ProgramEnd) => void) | null = null;
  /** Counters for docs and tests. */
  readonly stats = { switches: 0, threadsCreated: 0 };

  /**
   * Binds the instance (after instantiation: imports are made before it exists). The main
   * thread exists from here on and is current, so static constructors run as main.
   */
  attach(host: SchedulerHost): void {
    this.#host = host;
    const main = new WasmThread(this.#nextId, host.createEvent(), 0, host.stackPointer.value as number, () =>
      Promise.reject(new Error('ws2web invariant: main started before runMain')),
    );
    this.#nextId += 4;
    main.state = 'running';
    this.#main = main;
    this.#threads.add(main);
    this.#current = main;
  }

  /** The running thread (the caller of any import). */
  get current(): WasmThread {
    if (!this.#current) throw new Error('ws2web invariant: an import ran with no current thread');
    return this.#current;
  }

  /** Threads that have not ended. */
  get liveThreads(): number {
    let n = 0;
    for (const t of this.#threads) if (t.state !== 'exited') n++;
    return n;
  }

  /** Every thread created so far (ended ones too), main first. */
  get threads(): Iterable<WasmThread> {
    return this.#threads;
  }

  /** Whether any thread other than the current one is ready to run (SwitchToThread's answer). */
  get othersReady(): boolean {
    return this.#ready.length > 0;
  }

  /**
   * Runs the program: `entry` (the JSPI-wrapped `_start`) becomes the main thread, dispatched at
   * once. Resolves when the process ends: main returns or calls exit(), any thread calls exit(),
   * or the last thread ends (main left through ExitThread). Other threads are discarded then,
   * as ExitProcess does.
   */
  runMain(entry: () => Promise<unknown>): Promise<ProgramEnd> {
    const host = this.#host!;
    const main = new WasmThread(this.#main!.id, this.#main!.exitEvent, 0, host.stackPointer.value as number, entry);
    this.#threads.delete(this.#main!);
    this.#main = main;
    this.#threads.add(main);
    this.#current = null;
    this.#switching = true;
    return new Promise((resolve) => {
      this.#onEnd = resolve;
      this.#makeReady(main);
    });
  }

  /**
   * CreateThread: a thread that will call the function pointer `start(arg)` on a stack of its
   * own, queued behind the ready threads (or held until ResumeThread when `suspended`). Returns
   * null when there is no memory for the stack.
   */
  createThread(start: number, arg: number, stackSize: number, suspended: boolean): WasmThread | null {
    const host = this.#host!;
    const size = Math.min(MAX_THREAD_STACK, Math.max(DEFAULT_THREAD_STACK, (stackSize + 15) & ~15));
    const fn = host.table.get(start) as ((...args: never[]) => unknown) | null;
    if (typeof fn !== 'function') return null;
    const base = host.malloc(size);
    if (base === 0) return null;
    const entry = host.promising(fn);
    const thread = new WasmThread(this.#nextId, host.createEvent(), base, (base + size) & ~15, () => entry(arg));
    this.#nextId += 4;
    this.#threads.add(thread);
    this.stats.threadsCreated++;
    if (suspended) thread.suspendCount = 1;
    else this.#makeReady(thread);
    return thread;
  }

  /** ResumeThread: the previous suspend count; the thread becomes ready when it reaches 0. */
  resume(thread: WasmThread): number {
    const previous = thread.suspendCount;
    if (previous > 0 && --thread.suspendCount === 0 && thread.state === 'new') this.#makeReady(thread);
    return previous;
  }

  /**
   * blockCurrentThread: the one way an import waits. Given a plain value, returns it (the call
   * did not need to wait; no switch). Given a Promise, suspends the calling thread — its wasm
   * stack waits on the returned Promise — lets other ready threads run, and resumes the caller
   * with the Promise's value (or rejection) once it has settled and its turn comes.
   *
   * `setsLastError` (default true): the Promise is a Winsock call that records its error in the
   * Winsock object as it settles, so the thread's last error is taken from there at that moment.
   * false for waits that never fail late (events, critical sections): the thread keeps its own.
   *
   * Every blocking import goes through this (program.ts wraps them); an import group that needs
   * to wait (GetQueuedCompletionStatus, GetMessage) returns its Promise and is listed as blocking.
   */
  blockCurrentThread<T>(result: T | Promise<T>, setsLastError = true): T | Promise<T> {
    if (!(result instanceof Promise) || this.#suspensions.has(result)) return result;
    const host = this.#host;
    const thread = this.#current;
    if (!this.#switching || !host || !thread) return result; // single-stack mode: the driver waits
    thread.sp = host.stackPointer.value as number;
    thread.lastError = host.getLastError();
    thread.state = 'blocked';
    this.#current = null;
    const resumed = thread.suspend() as Promise<T>;
    this.#suspensions.add(resumed);
    result.then(
      (value) => {
        thread.settle({ ok: true, value, lastError: setsLastError ? host.getLastError() : thread.lastError });
        this.#makeReady(thread);
      },
      (error: unknown) => {
        thread.settle({ ok: false, error });
        this.#makeReady(thread);
      },
    );
    this.#queueDispatch();
    return resumed;
  }

  #makeReady(thread: WasmThread): void {
    if (this.#ended) return;
    if (thread.state !== 'new') thread.state = 'ready';
    this.#ready.push(thread);
    this.#queueDispatch();
  }

  #queueDispatch(): void {
    if (this.#dispatchQueued || this.#current || this.#ready.length === 0) return;
    this.#dispatchQueued = true;
    if (performance.now() - this.#sliceStart < PAGE_SLICE_MS) {
      queueMicrotask(this.#dispatch);
    } else {
      // A macrotask: timers, input and network events of the page run before the next thread.
      this.#channel ??= this.#openChannel();
      this.#channel.port2.postMessage(null);
    }
  }

  #openChannel(): MessageChannel {
    const channel = new MessageChannel();
    channel.port1.onmessage = this.#onPageTurn;
    return channel;
  }

  readonly #onPageTurn = (): void => {
    this.#sliceStart = performance.now();
    this.#dispatch();
  };

  readonly #dispatch = (): void => {
    this.#dispatchQueued = false;
    if (this.#ended || this.#current) return;
    const thread = this.#ready.shift();
    if (!thread) return;
    const host = this.#host!;
    this.#current = thread;
    this.stats.switches++;
    host.stackPointer.value = thread.sp;
    const fresh = thread.state === 'new';
    thread.state = 'running';
    if (fresh) {
      host.setLastError(0);
      const done = thread.start();
      done.then(
        (value) => this.#threadEnded(thread, typeof value === 'number' ? value >>> 0 : 0, true),
        (error: unknown) => this.#threadFailed(thread, error),
      );
    } else {
      host.setLastError(thread.lastError);
      thread.resume();
    }
  };

  #threadFailed(thread: WasmThread, error: unknown): void {
    if (error instanceof ThreadExit) this.#threadEnded(thread, error.code >>> 0, false);
    else this.#end({ ok: false, error });
  }

  #threadEnded(thread: WasmThread, code: number, returned: boolean): void {
    if (this.#ended) return;
    thread.state = 'exited';
    thread.exitCode = code;
    if (this.#current === thread) this.#current = null;
    if (thread === this.#main && returned) {
      // main() returned: the C runtime would call exit(), which ends every thread.
      this.#end({ ok: true, exitCode: code, mainReturned: true });
      return;
    }
    thread.exitEvent.set();
    const host = this.#host!;
    if (thread.stackBase !== 0) {
      // Calls the glue makes into wasm between turns use the global stack pointer: point it at
      // a stack that stays allocated (main's, suspended) before this one is freed.
      host.stackPointer.value = this.#main!.sp;
      host.free(thread.stackBase);
    }
    if (this.liveThreads === 0) this.#end({ ok: true, exitCode: code, mainReturned: false });
    else this.#queueDispatch();
  }

  #end(end: ProgramEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ready.length = 0;
    this.#current = null;
    this.#channel?.port1.close();
    this.#channel = null;
    this.#onEnd?.(end);
  }
}
