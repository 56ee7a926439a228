/**
 * Overlapped I/O (WSAOVERLAPPED): an operation starts, the call returns WSA_IO_PENDING, and the
 * outcome lands later in the WSAOVERLAPPED (Internal = status, InternalHigh = bytes), its hEvent
 * is set, and an optional completion routine runs (queued, like an APC).
 */
import { STATUS_PENDING } from './constants.js';
import type { WsaEvent } from './event.js';
import { isWsaEvent } from './event.js';

export interface WSAOVERLAPPED {
  hEvent: WsaEvent | null;
  Internal?: number;
  InternalHigh?: number;
  Offset?: number;
  OffsetHigh?: number;
}

export type CompletionRoutine = (
  dwError: number,
  cbTransferred: number,
  lpOverlapped: WSAOVERLAPPED,
  dwFlags: number,
) => void;

export interface OverlappedResult {
  error: number;
  bytes: number;
  flags: number;
}

interface Operation {
  socket: number;
  result: OverlappedResult | null;
  done: Promise<OverlappedResult>;
}

export function isOverlapped(v: unknown): v is WSAOVERLAPPED {
  return (
    typeof v === 'object' &&
    v !== null &&
    'hEvent' in v &&
    ((v as WSAOVERLAPPED).hEvent === null || isWsaEvent((v as WSAOVERLAPPED).hEvent))
  );
}

export class OverlappedOperations {
  readonly #ops = new WeakMap<WSAOVERLAPPED, Operation>();

  constructor(private readonly post: (deliver: () => void) => void) {}

  /**
   * Starts `run` as the operation of `ov` on `socket`. The event is reset now and set on
   * completion, as Windows does; with a completion routine the event is not touched (Windows
   * leaves hEvent to the application then, test_WSARecv) and the routine is queued instead.
   */
  start(
    socket: number,
    ov: WSAOVERLAPPED,
    run: () => Promise<OverlappedResult>,
    routine: CompletionRoutine | null,
  ): void {
    ov.Internal = STATUS_PENDING;
    ov.InternalHigh = 0;
    if (!routine) ov.hEvent?.reset();
    const done = run().then((result) => {
      op.result = result;
      ov.Internal = result.error;
      ov.InternalHigh = result.bytes;
      if (routine) this.post(() => routine(result.error, result.bytes, ov, result.flags));
      else ov.hEvent?.set();
      return result;
    });
    const op: Operation = { socket, result: null, done };
    this.#ops.set(ov, op);
  }

  /** The operation last started with `ov`, if it belongs to `socket`. */
  get(socket: number, ov: WSAOVERLAPPED): Operation | undefined {
    const op = this.#ops.get(ov);
    return op && op.socket === socket ? op : undefined;
  }
}
