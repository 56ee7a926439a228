/**
 * Network-event bookkeeping for WSAEventSelect and WSAAsyncSelect, with Windows' re-enabling
 * rules: once an event is recorded, it is not recorded again until its re-enabling call
 * (FD_READ: recv; FD_WRITE: a send that failed with WSAEWOULDBLOCK; FD_ACCEPT: accept;
 * FD_OOB: recv MSG_OOB). FD_CONNECT and FD_CLOSE are recorded once per connection.
 *
 * @note For WSAEventSelect the events accumulate in a record that WSAEnumNetworkEvents reads
 * and clears; for WSAAsyncSelect each recorded event becomes one window message, queued and
 * delivered after the current call returns, in order.
 */
import { FD_ALL_EVENTS, FD_MAX_EVENTS } from './constants.js';
import type { WsaEvent } from './event.js';

export type WindowProc = (uMsg: number, wParam: number, lParam: number) => void;

export type EventTarget =
  | { kind: 'event'; event: WsaEvent }
  | { kind: 'window'; hWnd: WindowProc; wMsg: number };

/** WSAMAKESELECTREPLY(event, error). */
export function WSAMAKESELECTREPLY(event: number, error: number): number {
  return ((error & 0xffff) << 16) | (event & 0xffff);
}
export function WSAGETSELECTEVENT(lParam: number): number { return lParam & 0xffff; }
export function WSAGETSELECTERROR(lParam: number): number { return (lParam >>> 16) & 0xffff; }

function bitOf(event: number): number {
  return 31 - Math.clz32(event);
}

export class NetworkEvents {
  #mask = 0;
  #target: EventTarget | null = null;
  #enabled = FD_ALL_EVENTS;
  #recorded = 0;
  #errors: number[] = new Array<number>(FD_MAX_EVENTS).fill(0);

  constructor(
    readonly socket: number,
    /** Queues a window message for delivery after the current call (see createWinsock). */
    private readonly post: (deliver: () => void) => void,
  ) {}

  get mask(): number { return this.#mask; }
  get target(): EventTarget | null { return this.#target; }

  /** WSAEventSelect / WSAAsyncSelect: replaces any earlier selection and clears the record. */
  select(target: EventTarget | null, mask: number): void {
    this.#target = mask === 0 ? null : target;
    this.#mask = this.#target ? mask : 0;
    this.#enabled = FD_ALL_EVENTS;
    this.#recorded = 0;
    this.#errors.fill(0);
  }

  /** A network condition happened. Records it if selected and enabled, then disables it. */
  record(event: number, error = 0): void {
    if (!this.#target || !(this.#mask & event) || !(this.#enabled & event)) return;
    this.#enabled &= ~event;
    const target = this.#target;
    if (target.kind === 'event') {
      this.#recorded |= event;
      this.#errors[bitOf(event)] = error;
      target.event.set();
    } else {
      const lParam = WSAMAKESELECTREPLY(event, error);
      this.post(() => target.hWnd(target.wMsg, this.socket, lParam));
    }
  }

  /** The re-enabling call for `event` happened (recv for FD_READ, etc.). */
  reenable(event: number): void {
    this.#enabled |= event;
  }

  isEnabled(event: number): boolean {
    return (this.#enabled & event) !== 0;
  }

  /** WSAEnumNetworkEvents: copies the record into `out` (in place) and clears it. */
  enumerate(out: { lNetworkEvents: number; iErrorCode: number[] }): void {
    out.lNetworkEvents = this.#recorded;
    for (let i = 0; i < FD_MAX_EVENTS; i++) out.iErrorCode[i] = this.#errors[i]!;
    this.#recorded = 0;
    this.#errors.fill(0);
  }
}
