/**
 * I/O completion ports: CreateIoCompletionPort (a new port, or a socket associated with one and
 * a completion key), GetQueuedCompletionStatus(Ex), PostQueuedCompletionStatus, and CloseHandle
 * of a port. Packets come from overlapped operations on associated sockets (ws2-overlapped-state.ts)
 * and from PostQueuedCompletionStatus, and are dequeued first in, first out.
 *
 * A wait is a Promise of a packet (CompletionPort.dequeue), so the import that suspends the C code
 * while it waits is the only part that knows how a program blocks; with several threads the
 * same Promise is what a thread blocks on. Waiters are served last in, first out, as Windows
 * wakes the most recent thread first.
 */
import type { GlueContext, ImportGroup, SyncImport } from './context.js';
import { overlappedIo } from './ws2-overlapped-state.js';
import { win32ErrorOf } from './ws2-overlapped-status.js';

const INVALID_HANDLE_VALUE = 0xffffffff;
const INFINITE = 0xffffffff;
const ERROR_INVALID_HANDLE = 6;
const ERROR_INVALID_PARAMETER = 87;
const WAIT_TIMEOUT = 258;
const ERROR_ABANDONED_WAIT_0 = 735;
/** Port handles: their own range, away from the event handles (0x1000…) and socket numbers. */
const FIRST_PORT_HANDLE = 0x00c00000;
/** sizeof(OVERLAPPED_ENTRY) on wasm32: lpCompletionKey, lpOverlapped, Internal, dwNumberOfBytesTransferred. */
const ENTRY_SIZE = 16;

export interface Packet {
  key: number;
  overlapped: number;
  bytes: number;
  /** The NTSTATUS of the operation (0 for success and for posted packets). */
  status: number;
}

interface Waiter {
  resolve(packet: Packet | null): void;
  timer: ReturnType<typeof setTimeout> | null;
}

export class CompletionPort {
  readonly #queue: Packet[] = [];
  readonly #waiters: Waiter[] = [];
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  post(packet: Packet): void {
    const waiter = this.#waiters.pop();
    if (waiter) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(packet);
    } else {
      this.#queue.push(packet);
    }
  }

  /** Up to `max` queued packets at once, without waiting. */
  take(max: number): Packet[] {
    return this.#queue.splice(0, max);
  }

  /**
   * The next packet; null after `ms` (0: at once, INFINITE: never) or when the port is closed
   * under the wait (Windows' ERROR_ABANDONED_WAIT_0).
   */
  dequeue(ms: number): Packet | null | Promise<Packet | null> {
    const ready = this.#queue.shift();
    if (ready) return ready;
    if (ms === 0 || this.#closed) return null;
    return new Promise<Packet | null>((resolve) => {
      const waiter: Waiter = { resolve, timer: null };
      if (ms !== INFINITE) {
        waiter.timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          resolve(null);
        }, ms);
      }
      this.#waiters.push(waiter);
    });
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
  }
}

export interface IocpImports {
  group: ImportGroup;
  /** CloseHandle for ports, handing every other handle to `next`. */
  closeHandle(next: SyncImport): SyncImport;
}

export function iocpImports(ctx: GlueContext): IocpImports {
  const ports = new Map<number, CompletionPort>();
  /** socket → its port and completion key (a socket is associated once, for good). */
  const associations = new Map<number, { port: CompletionPort; key: number }>();
  let nextHandle = FIRST_PORT_HANDLE;

  overlappedIo(ctx).sink = {
    complete(socket, overlapped, bytes, status) {
      const a = associations.get(socket >>> 0);
      if (!a || a.port.closed) return false;
      a.port.post({ key: a.key, overlapped, bytes, status });
      return true;
    },
    associated(socket) {
      const a = associations.get(socket >>> 0);
      return !!a && !a.port.closed;
    },
  };

  function CreateIoCompletionPort(fileHandle: number, existingPort: number, key: number, _threads: number): number {
    const file = fileHandle >>> 0;
    let handle = existingPort >>> 0;
    if (handle !== 0 && !ports.has(handle)) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    if (file === INVALID_HANDLE_VALUE) {
      if (handle !== 0) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    } else if (file === 0 || associations.has(file)) {
      return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    }
    if (handle === 0) {
      handle = nextHandle;
      nextHandle += 4;
      ports.set(handle, new CompletionPort());
    }
    if (file !== INVALID_HANDLE_VALUE) associations.set(file, { port: ports.get(handle)!, key: key >>> 0 });
    return handle;
  }

  function PostQueuedCompletionStatus(port: number, bytes: number, key: number, overlapped: number): number {
    const p = ports.get(port >>> 0);
    if (!p) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    p.post({ key: key >>> 0, overlapped: overlapped >>> 0, bytes: bytes >>> 0, status: 0 });
    return 1;
  }

  /**
   * TRUE with the packet; FALSE with the packet and the operation's Win32 error when the I/O
   * failed (lpOverlapped is set: that is how a program tells the two FALSEs apart); FALSE with
   * *lpOverlapped = NULL and WAIT_TIMEOUT when nothing came.
   */
  async function GetQueuedCompletionStatus(
    port: number,
    lpBytes: number,
    lpKey: number,
    lpOverlapped: number,
    ms: number,
  ): Promise<number> {
    const p = ports.get(port >>> 0);
    if (!p) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    if (lpBytes === 0 || lpKey === 0 || lpOverlapped === 0) return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    const packet = await p.dequeue(ms >>> 0);
    const m = ctx.m;
    if (!packet) {
      m.setU32(lpOverlapped, 0);
      return ctx.fail(p.closed ? ERROR_ABANDONED_WAIT_0 : WAIT_TIMEOUT, 0);
    }
    m.setU32(lpBytes, packet.bytes);
    m.setU32(lpKey, packet.key);
    m.setU32(lpOverlapped, packet.overlapped);
    if (packet.status !== 0) return ctx.fail(win32ErrorOf(packet.status), 0);
    ctx.w.WSASetLastError(0);
    return 1;
  }

  /**
   * GetQueuedCompletionStatusEx: up to ulCount packets into OVERLAPPED_ENTRYs (each with its
   * NTSTATUS in Internal); waits only while none is queued. fAlertable is accepted: completion
   * routines run in the other alertable waits.
   */
  async function GetQueuedCompletionStatusEx(
    port: number,
    entries: number,
    count: number,
    lpRemoved: number,
    ms: number,
    _alertable: number,
  ): Promise<number> {
    const p = ports.get(port >>> 0);
    if (!p) return ctx.fail(ERROR_INVALID_HANDLE, 0);
    const n = count >>> 0;
    if (n === 0 || lpRemoved === 0 || !ctx.m.inBounds(entries, ENTRY_SIZE * n))
      return ctx.fail(ERROR_INVALID_PARAMETER, 0);
    const first = await p.dequeue(ms >>> 0);
    const m = ctx.m;
    if (!first) {
      m.setU32(lpRemoved, 0);
      return ctx.fail(p.closed ? ERROR_ABANDONED_WAIT_0 : WAIT_TIMEOUT, 0);
    }
    const packets = [first, ...p.take(n - 1)];
    packets.forEach((packet, i) => {
      const at = entries + ENTRY_SIZE * i;
      m.setU32(at, packet.key);
      m.setU32(at + 4, packet.overlapped);
      m.setU32(at + 8, packet.status);
      m.setU32(at + 12, packet.bytes);
    });
    m.setU32(lpRemoved, packets.length);
    return 1;
  }

  return {
    group: {
      sync: { CreateIoCompletionPort, PostQueuedCompletionStatus },
      blocking: { GetQueuedCompletionStatus, GetQueuedCompletionStatusEx },
    },
    closeHandle(next) {
      return (handle: number) => {
        const p = ports.get(handle >>> 0);
        if (!p) return (next as (h: number) => number)(handle);
        p.close();
        ports.delete(handle >>> 0);
        for (const [socket, a] of associations) if (a.port === p) associations.delete(socket);
        return 1;
      };
    },
  };
}
