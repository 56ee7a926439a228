/**
 * Network-event bookkeeping for WSAEventSelect and WSAAsyncSelect, in the model Windows has
 * (as its conformance tests record it):
 *
 * - An event is recorded once, then not again until its re-enabling call (FD_READ: recv;
 *   FD_WRITE: a send that failed with WSAEWOULDBLOCK; FD_ACCEPT: accept; FD_OOB: recv MSG_OOB).
 *   FD_CONNECT and FD_CLOSE happen once per connection.
 * - Event-object mode (WSAEventSelect): what happens is recorded whatever the mask, even with no
 *   selection at all, so a connect that completed before WSAEventSelect still reports FD_CONNECT
 *   and FD_WRITE, and an event selected later is reported then. WSAEnumNetworkEvents returns and
 *   clears only the selected part of the record. Re-selecting keeps the record and re-enables
 *   every event, but does not look at current conditions again: an FD_WRITE already read is not
 *   reported a second time, while the next new connection or data is.
 * - Window-message mode (WSAAsyncSelect): each recorded, selected event is posted as one message
 *   (queued, delivered after the current call returns, in order); events not selected are
 *   dropped. Selecting re-enables everything and the caller then posts the current conditions
 *   (readable, writable, closed, connection pending), never FD_CONNECT.
 */
import { FD_CONNECT, FD_MAX_EVENTS, FD_READ, FD_WRITE } from './constants.js';
import type { WsaEvent } from './event.js';

export type WindowProc = (uMsg: number, wParam: number, lParam: number) => void;

export type EventTarget = { kind: 'event'; event: WsaEvent } | { kind: 'window'; hWnd: WindowProc; wMsg: number };

/** WSAMAKESELECTREPLY(event, error). */
export function WSAMAKESELECTREPLY(event: number, error: number): number {
  return ((error & 0xffff) << 16) | (event & 0xffff);
}
export function WSAGETSELECTEVENT(lParam: number): number {
  return lParam & 0xffff;
}
export function WSAGETSELECTERROR(lParam: number): number {
  return (lParam >>> 16) & 0xffff;
}

function bitOf(event: number): number {
  return 31 - Math.clz32(event);
}

export class NetworkEvents {
  #mask = 0;
  #target: EventTarget | null = null;
  /** Recorded and not re-enabled since: not recorded again. */
  #reported = 0;
  /** Event-object mode: recorded and not yet returned by WSAEnumNetworkEvents. */
  #pending = 0;
  #errors: number[] = new Array<number>(FD_MAX_EVENTS).fill(0);
  /** A send failed with WSAEWOULDBLOCK: the next send space that frees up is an FD_WRITE. */
  #sendBlocked = false;

  constructor(
    readonly socket: number,
    /** Queues a window message for delivery after the current call (see createWinsock). */
    private readonly post: (deliver: () => void) => void,
  ) {}

  get mask(): number {
    return this.#mask;
  }
  get target(): EventTarget | null {
    return this.#target;
  }

  /**
   * WSAEventSelect / WSAAsyncSelect (mask 0 cancels): replaces any earlier selection and
   * re-enables every event. Event-object mode keeps the record and signals the event if a
   * selected event is in it; window-message mode starts empty (the caller posts current
   * conditions next).
   */
  select(target: EventTarget | null, mask: number): void {
    this.#target = mask === 0 ? null : target;
    this.#mask = this.#target ? mask : 0;
    this.#reported = 0;
    if (this.#target?.kind === 'window') {
      this.#pending = 0;
      this.#errors.fill(0);
    }
    this.#signal();
  }

  /** A network condition happened: recorded (or posted) unless recorded and not re-enabled since. */
  record(event: number, error = 0): void {
    if (this.#reported & event) return;
    const target = this.#target;
    if (target?.kind === 'window') {
      if (!(this.#mask & event)) return;
      this.#reported |= event;
      const lParam = WSAMAKESELECTREPLY(event, error);
      this.post(() => target.hWnd(target.wMsg, this.socket, lParam));
      return;
    }
    this.#reported |= event;
    this.#pending |= event;
    this.#errors[bitOf(event)] = error;
    this.#signal();
  }

  /**
   * The re-enabling call for `event` happened (recv for FD_READ, accept for FD_ACCEPT, a send
   * that would block for FD_WRITE): the event may be recorded again, and a record of it that
   * nobody read yet is void (the condition it reported was consumed).
   */
  reenable(event: number): void {
    this.#reported &= ~event;
    this.#pending &= ~event;
    if (event & FD_WRITE) this.#sendBlocked = true;
  }

  /** Send space came back (relay credit): FD_WRITE, if a send had found none. */
  spaceFreed(): void {
    if (!this.#sendBlocked) return;
    this.#sendBlocked = false;
    this.record(FD_WRITE, 0);
  }

  /**
   * connect on a datagram socket: Windows records FD_CONNECT and FD_WRITE again in event-object
   * mode, and posts FD_WRITE again (but no FD_CONNECT) in window-message mode.
   */
  datagramConnected(): void {
    this.#reported &= ~(FD_CONNECT | FD_WRITE);
    this.#pending &= ~(FD_CONNECT | FD_WRITE);
    if (this.#target?.kind !== 'window') this.record(FD_CONNECT, 0);
    this.record(FD_WRITE, 0);
  }

  /**
   * A recv that failed its argument check (WSAEFAULT): Windows' window-message mode still
   * re-enables FD_READ and posts it again while data waits; event-object mode records nothing.
   */
  recvRefused(dataWaiting: boolean): void {
    if (this.#target?.kind !== 'window') return;
    this.#reported &= ~FD_READ;
    if (dataWaiting) this.record(FD_READ, 0);
  }

  /** WSAEnumNetworkEvents: copies the selected part of the record into `out` (in place) and clears it. */
  enumerate(out: { lNetworkEvents: number; iErrorCode: number[] }): void {
    const events = this.#pending & this.#mask;
    out.lNetworkEvents = events;
    // Windows writes only the slots of the events it reports; the others keep what they held.
    for (let i = 0; i < FD_MAX_EVENTS; i++) if (events & (1 << i)) out.iErrorCode[i] = this.#errors[i]!;
    this.#pending &= ~events;
  }

  #signal(): void {
    if (this.#target?.kind === 'event' && this.#pending & this.#mask) this.#target.event.set();
  }
}
