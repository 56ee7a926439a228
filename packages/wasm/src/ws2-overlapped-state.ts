/**
 * One program's overlapped I/O in flight: the operations by OVERLAPPED address, the completion
 * routines waiting for an alertable wait (APCs), and where completions go (the event in hEvent,
 * the APC queue, the completion port the socket is associated with).
 *
 * @note Completion order: when the library settles an operation, its bytes are copied into the C
 * buffers first, then OVERLAPPED.Internal/InternalHigh are written, then the event is set, the
 * routine queued and the port packet posted — so whatever the program wakes up on, the data is
 * already where Windows would have put it, and nothing was written into the C buffers before.
 */
import type { WSAEVENT } from '@ws2web/browser';
import type { GlueContext } from './context.js';
import { WSAEINVAL } from './values.js';
import { ntStatusOf, overlappedError, STATUS_PENDING } from './ws2-overlapped-status.js';

/** sizeof(OVERLAPPED) on wasm32: Internal, InternalHigh, Offset, OffsetHigh, hEvent. */
export const OVERLAPPED_SIZE = 20;
const INFINITE = 0xffffffff;

/** A completion routine call waiting for an alertable wait (the C side runs it: ws2web/overlapped.h). */
export interface Apc {
  routine: number;
  error: number;
  bytes: number;
  overlapped: number;
  flags: number;
}

/** What a completed operation hands to a completion port (iocp.ts). */
export interface CompletionSink {
  /** Queues a packet if `socket` is associated with a port; true when it did. */
  complete(socket: number, overlapped: number, bytes: number, status: number): boolean;
  /** Whether `socket` is associated with a port (completion routines are refused there). */
  associated(socket: number): boolean;
}

/** The library's own view of one operation: its WSAOVERLAPPED (an object, not C memory). */
interface LibraryOverlapped {
  hEvent: WSAEVENT | null;
  Internal?: number;
  InternalHigh?: number;
}

export interface Operation {
  readonly socket: number;
  readonly overlapped: number;
  /** Settles once the operation has completed (data copied, fields written, completion queued). */
  readonly done: Promise<void>;
  /** Completes it now with WSA_OPERATION_ABORTED (CancelIo/CancelIoEx). */
  cancel(): void;
}

export interface StartOptions {
  socket: number;
  overlapped: number;
  /** A C completion routine (function-table index), or 0. */
  routine: number;
  /**
   * Starts the library's operation on `ov`. Resolves true when it is pending (the library said
   * WSA_IO_PENDING), false when it failed at once (its last error says why).
   */
  begin(ov: LibraryOverlapped): Promise<boolean>;
  /** Copies what the operation produced into C memory; called only for a successful outcome. */
  deliver?(bytes: number): void;
}

export class OverlappedIo {
  readonly #ctx: GlueContext;
  readonly #ops = new Map<number, Operation>();
  readonly #apcs: Apc[] = [];
  #apcHandle = 0;
  sink: CompletionSink | null = null;

  constructor(ctx: GlueContext) {
    this.#ctx = ctx;
  }

  /** The operation last started with this OVERLAPPED and not yet completed. */
  pending(overlapped: number): Operation | undefined {
    return this.#ops.get(overlapped >>> 0);
  }

  /** Operations in flight on `socket` (optionally only the one with `overlapped`). */
  onSocket(socket: number, overlapped = 0): Operation[] {
    return [...this.#ops.values()].filter(
      (op) => op.socket === socket >>> 0 && (overlapped === 0 || op.overlapped === overlapped >>> 0),
    );
  }

  /**
   * Starts an overlapped operation the Windows way: Internal = STATUS_PENDING, InternalHigh = 0,
   * the event reset; then SOCKET_ERROR with WSA_IO_PENDING (or the immediate error). Always
   * pending, even when data is already buffered: Windows may complete at once (returning 0),
   * and a program has to handle both, since a completion is queued either way.
   */
  async start(o: StartOptions): Promise<boolean> {
    const { w } = this.#ctx;
    const m = this.#ctx.m;
    // A completion routine on a socket associated with a completion port: WSAEINVAL, the
    // routine never called, as Windows (Wine's test_WSARecv).
    if (o.routine && this.sink?.associated(o.socket >>> 0)) {
      this.#ctx.fail(WSAEINVAL, 0);
      return false;
    }
    const ovPtr = o.overlapped >>> 0;
    const hEventRaw = m.u32(ovPtr + 16);
    // The low bit of hEvent asks Windows not to queue the completion to a port.
    const hEvent = hEventRaw & ~1;
    m.setU32(ovPtr, STATUS_PENDING);
    m.setU32(ovPtr + 4, 0);
    // Only a live event is touched: a failing call would set the program's last error. With a
    // completion routine hEvent is the program's own, as Windows: neither reset nor set.
    const cEvent = hEvent && !o.routine ? this.#ctx.events.get(hEvent) : undefined;
    if (cEvent) w.WSAResetEvent(cEvent);
    const ownEvent = w.WSACreateEvent();
    const ov: LibraryOverlapped = { hEvent: ownEvent };
    if (!(await o.begin(ov))) {
      w.WSACloseEvent(ownEvent);
      return false;
    }
    let finished = false;
    let settled!: () => void;
    const done = new Promise<void>((resolve) => {
      settled = resolve;
    });
    const finish = (wsaError: number, bytes: number): void => {
      if (finished) return;
      finished = true;
      this.#ops.delete(ovPtr);
      const error = overlappedError(wsaError);
      // Windows reports bytes for a truncated datagram too (WSAEMSGSIZE).
      const delivered = error === 0 || error === 10040 ? bytes : 0;
      if (delivered > 0 || error === 0) o.deliver?.(delivered);
      const after = this.#ctx.m;
      const status = ntStatusOf(wsaError);
      after.setU32(ovPtr, status);
      after.setU32(ovPtr + 4, delivered);
      if (cEvent && this.#ctx.events.get(hEvent) === cEvent) w.WSASetEvent(cEvent);
      if (o.routine) this.#queueApc({ routine: o.routine, error, bytes: delivered, overlapped: ovPtr, flags: 0 });
      if (!(hEventRaw & 1)) this.sink?.complete(o.socket, ovPtr, delivered, status);
      settled();
    };
    void w.WSAWaitForMultipleEvents(1, [ownEvent], false, INFINITE, false).then(() => {
      finish(ov.Internal ?? 0, ov.InternalHigh ?? 0);
      // Closed only now: a cancelled operation is still the library's until it settles.
      w.WSACloseEvent(ownEvent);
    });
    this.#ops.set(ovPtr, {
      socket: o.socket >>> 0,
      overlapped: ovPtr,
      done,
      cancel: () => finish(995, 0),
    });
    return true;
  }

  /** A completion that happened at once (DisconnectEx): queued exactly like a late one. */
  completeNow(socket: number, overlapped: number, routine: number): void {
    const m = this.#ctx.m;
    const ovPtr = overlapped >>> 0;
    const hEventRaw = m.u32(ovPtr + 16);
    m.setU32(ovPtr, 0);
    m.setU32(ovPtr + 4, 0);
    const cEvent = routine ? undefined : this.#ctx.events.get(hEventRaw & ~1);
    if (cEvent) this.#ctx.w.WSASetEvent(cEvent);
    if (routine) this.#queueApc({ routine, error: 0, bytes: 0, overlapped: ovPtr, flags: 0 });
    if (!(hEventRaw & 1)) this.sink?.complete(socket, ovPtr, 0, 0);
  }

  /** The event alertable waits add to what they wait on: set while APCs are queued. */
  apcEvent(): number {
    if (!this.#apcHandle) this.#apcHandle = this.#ctx.events.add(this.#ctx.w.WSACreateEvent());
    return this.#apcHandle;
  }

  /** The oldest queued APC (and the event reset once none is left), or null. */
  nextApc(): Apc | null {
    const apc = this.#apcs.shift() ?? null;
    if (this.#apcs.length === 0 && this.#apcHandle) this.#ctx.w.WSAResetEvent(this.#ctx.event(this.#apcHandle)!);
    return apc;
  }

  #queueApc(apc: Apc): void {
    this.#apcs.push(apc);
    this.#ctx.w.WSASetEvent(this.#ctx.event(this.apcEvent())!);
  }
}

const STATES = new WeakMap<GlueContext, OverlappedIo>();

/** The program's OverlappedIo (one per GlueContext, shared by the overlapped and IOCP imports). */
export function overlappedIo(ctx: GlueContext): OverlappedIo {
  let io = STATES.get(ctx);
  if (!io) {
    io = new OverlappedIo(ctx);
    STATES.set(ctx, io);
  }
  return io;
}
