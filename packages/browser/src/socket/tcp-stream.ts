/**
 * The bytes of one TCP connection: the page end of its relay stream (id, credit window,
 * receive buffer, FIN and shutdown flags) and the send / recv algorithms over it, blocking or
 * not. The socket that owns it (tcp.ts) keeps the connection's lifecycle and state machine and
 * tells it, through `TcpStreamOwner`, whether the state allows a transfer at all.
 */
import { FrameType, type Frame } from '@ws2web/protocol';
import {
  FD_READ,
  FD_WRITE,
  MSG_DONTROUTE,
  MSG_OOB,
  MSG_PARTIAL,
  MSG_PEEK,
  MSG_PUSH_IMMEDIATE,
  MSG_WAITALL,
  WSAECONNRESET,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '../win/constants.js';
import type { NetworkEvents } from '../win/network-events.js';
import type { RelayConnection } from '../transport/relay-connection.js';
import { fail, ok, type IoResult, type SocketOptions } from './base.js';
import type { BlockingWait } from './blocking-wait.js';
import { CreditWindow, endForOverrun } from './credit.js';
import { ReceiveBuffer } from './receive-buffer.js';

/**
 * Bytes the page lets the relay send ahead of what the application has read (per socket). The
 * relay → page throughput of one socket is at most this window per round trip of a CREDIT, so a
 * larger window keeps a browser's slower WebSocket busy (bench/: 256 KiB held bulk transfers to
 * about half of what 1 MiB allows). It costs memory only while the application does not read.
 */
export const RECEIVE_WINDOW = 1024 * 1024;

const SUPPORTED_SEND_FLAGS = MSG_DONTROUTE | MSG_OOB | MSG_PUSH_IMMEDIATE;
const SUPPORTED_RECV_FLAGS = MSG_PEEK | MSG_WAITALL | MSG_OOB | MSG_PUSH_IMMEDIATE | MSG_PARTIAL;

/** What the stream needs from the socket that owns it. */
export interface TcpStreamOwner {
  readonly events: NetworkEvents;
  readonly options: SocketOptions;
  isNonBlocking(): boolean;
  /** 0, or the error the socket's state gives send/recv now (closed: WSAEINTR; torn down: why). */
  transferError(): number;
  /** Wakes everything waiting on the socket. */
  changed(): void;
  /** One blocking call's wait against `timeoutMs` (SO_SNDTIMEO / SO_RCVTIMEO). */
  wait(timeoutMs: number): BlockingWait;
  log(message: string): void;
}

export class TcpStream {
  conn: RelayConnection | null = null;
  /** The relay stream id; 0 once the relay released the stream (or before it exists). */
  id = 0;
  readonly credit = new CreditWindow(RECEIVE_WINDOW);
  readonly #received = new ReceiveBuffer();
  /** recv calls waiting for data: what arrives goes to them, not to FD_READ (as on Windows). */
  #readersWaiting = 0;
  /** The peer finished sending (FIN, or CLOSE OK). */
  peerFin = false;
  sendShut = false;
  recvShut = false;

  constructor(private readonly owner: TcpStreamOwner) {}

  get open(): boolean {
    return this.id !== 0;
  }
  /** FIONREAD: bytes buffered. */
  get available(): number {
    return this.#received.available;
  }

  /** Sends a frame on this stream while it exists. */
  send(frame: Frame): void {
    if (this.id !== 0) this.conn?.send(frame);
  }

  /** Ends the stream from this side (CLOSE with `reason`); no frame for it is delivered after. */
  end(reason: number): void {
    if (this.id === 0) return;
    this.send({ type: FrameType.CLOSE, stream: this.id, reason });
    this.conn?.forget(this.id);
    this.id = 0;
  }

  /** Unread bytes are gone (reset, closesocket), as on Windows. */
  discardReceived(): void {
    this.#received.clear();
  }

  // Frames from the relay ------------------------------------------------------------------------

  /** DATA arrived: false when it broke the credit window (the stream is ended; the socket aborts). */
  onData(data: Uint8Array): boolean {
    const granted = this.credit.granted;
    if (!this.credit.receive(data.length)) {
      endForOverrun(this.conn, this.id, data.length, granted, this.owner.log);
      this.id = 0;
      return false;
    }
    if (this.recvShut && this.#readersWaiting === 0) {
      // SD_RECEIVE: Windows discards what arrives (but a receive already waiting at the shutdown
      // still gets it); give the credit straight back so the relay never stalls.
      this.credit.consume(data.length);
      this.#returnCredit(true);
      return true;
    }
    this.#received.push(data);
    if (this.#readersWaiting === 0) this.owner.events.record(FD_READ, 0);
    this.owner.changed();
    return true;
  }

  onCredit(bytes: number): void {
    this.credit.credit(bytes);
    if (this.credit.sendable > 0) this.owner.events.spaceFreed();
    this.owner.changed();
  }

  // shutdown ---------------------------------------------------------------------------------------

  /** shutdown SD_SEND: a real FIN through the relay, once. */
  shutdownSend(): void {
    if (this.sendShut) return;
    this.sendShut = true;
    this.send({ type: FrameType.FIN, stream: this.id });
  }

  /** shutdown SD_RECEIVE: what is buffered and what arrives later is discarded, its credit returned. */
  shutdownReceive(): void {
    if (this.recvShut) return;
    this.recvShut = true;
    this.credit.consume(this.#received.clear());
    this.#returnCredit(true);
  }

  // send / recv ------------------------------------------------------------------------------------

  /** send/WSASend: `data` is already cut to the caller's length. */
  async sendBytes(data: Uint8Array, flags: number, forceWait: boolean): Promise<IoResult> {
    if (flags & ~SUPPORTED_SEND_FLAGS) return fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB) return fail(WSAEOPNOTSUPP); // urgent data is not relayed
    const pre = this.#sendError();
    if (pre) return fail(pre);
    if (data.length === 0) return ok(0);
    if (this.owner.isNonBlocking() && !forceWait) {
      if (this.credit.sendable === 0) {
        this.owner.events.reenable(FD_WRITE); // FD_WRITE is recorded again once credit returns
        return fail(WSAEWOULDBLOCK);
      }
      const n = Math.min(data.length, this.credit.sendable);
      this.#emitData(data.subarray(0, n));
      return ok(n);
    }
    let sent = 0;
    // SO_SNDTIMEO bounds blocking sends only; an overlapped one waits on, as its receives do.
    const wait = this.owner.wait(forceWait ? 0 : this.owner.options.sndTimeoMs);
    while (sent < data.length) {
      // Credit at hand (the usual case): no wait, no extra microtask.
      const ready = this.credit.sendable > 0 || this.#sendError() !== 0;
      if (!ready && !(await wait.until(() => this.credit.sendable > 0 || this.#sendError() !== 0)))
        return fail(WSAETIMEDOUT);
      const err = this.#sendError();
      if (err) return fail(err);
      const n = Math.min(data.length - sent, this.credit.sendable);
      this.#emitData(data.subarray(sent, sent + n));
      sent += n;
    }
    return ok(sent);
  }

  #sendError(): number {
    const error = this.owner.transferError();
    if (error) return error;
    if (this.sendShut) return WSAESHUTDOWN;
    if (this.id === 0) return WSAECONNRESET; // the relay already released the connection
    return 0;
  }

  #emitData(bytes: Uint8Array): void {
    const max = this.conn?.maxFrameBody ?? bytes.length;
    for (let at = 0; at < bytes.length; at += max) {
      this.send({ type: FrameType.DATA, stream: this.id, data: bytes.subarray(at, Math.min(bytes.length, at + max)) });
    }
    this.credit.spend(bytes.length);
  }

  /**
   * recv/WSARecv into `dest[0..len)`. Graceful close → 0 after every byte; reset →
   * WSAECONNRESET; relay lost → WSAECONNABORTED (the owner's transferError says which).
   */
  async recvBytes(dest: Uint8Array, len: number, flags: number, forceWait: boolean): Promise<IoResult> {
    if (flags & ~SUPPORTED_RECV_FLAGS) return fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB) return fail(WSAEOPNOTSUPP); // urgent data is not relayed (SIOCATMARK is always TRUE)
    const peek = (flags & MSG_PEEK) !== 0;
    const waitAll = (flags & MSG_WAITALL) !== 0;
    const blocking = forceWait || !this.owner.isNonBlocking();
    if (waitAll && (peek || !blocking)) return fail(WSAEOPNOTSUPP); // as Windows documents
    const pre = this.#recvError();
    if (pre) return fail(pre);
    this.owner.events.reenable(FD_READ);
    // An overlapped zero-byte receive completes when data (or FIN) is there, taking none, as
    // Windows (test_empty_recv); a plain one returns 0 at once.
    if (len === 0 && (!forceWait || this.#received.available > 0 || this.peerFin)) return ok(0);
    if (!blocking) {
      if (this.#received.available > 0) return ok(this.#take(dest, 0, len, peek));
      if (this.peerFin) return ok(0);
      return fail(WSAEWOULDBLOCK);
    }
    // Bytes already buffered (the usual case under load): taken at once, no wait and no extra microtask.
    if (this.#received.available > 0 && (!waitAll || this.#received.available >= len))
      return ok(this.#take(dest, 0, len, peek));
    // SO_RCVTIMEO bounds blocking receives only; an overlapped one waits on, as Windows (test_timeout).
    const wait = this.owner.wait(forceWait ? 0 : this.owner.options.rcvTimeoMs);
    let total = 0;
    for (;;) {
      this.#readersWaiting++;
      // A receive already waiting when SD_RECEIVE comes still completes with what arrives, as on Windows.
      const arrived = await wait.until(
        () => this.#received.available > 0 || this.peerFin || this.owner.transferError() !== 0,
      );
      this.#readersWaiting--;
      if (!arrived) return fail(WSAETIMEDOUT);
      const err = this.owner.transferError();
      if (err) return fail(err);
      if (this.#received.available === 0) return ok(total); // FIN: 0, or what MSG_WAITALL gathered
      total += this.#take(dest, total, len - total, peek);
      if (!waitAll || total === len) return ok(total);
    }
  }

  #recvError(): number {
    const error = this.owner.transferError();
    if (error) return error;
    if (this.recvShut) return WSAESHUTDOWN;
    return 0;
  }

  /** Copies buffered bytes out, returns credit to the relay, re-records FD_READ if bytes remain. */
  #take(dest: Uint8Array, offset: number, max: number, peek: boolean): number {
    const n = this.#received.read(dest, offset, max, peek);
    if (!peek) {
      this.credit.consume(n);
      this.#returnCredit(false);
    }
    if (this.#received.available > 0) this.owner.events.record(FD_READ, 0);
    return n;
  }

  /** Sends the consumed bytes back as CREDIT when the window says so (see CreditWindow.takeGrant). */
  #returnCredit(force: boolean): void {
    if (this.id === 0) return;
    const bytes = this.credit.takeGrant(force);
    if (bytes > 0) this.send({ type: FrameType.CREDIT, stream: this.id, bytes });
  }

  /** The first CREDIT of an accepted stream: the whole window, which tells the relay to start reading. */
  grantWindow(): void {
    this.credit.grantWindow();
    this.send({ type: FrameType.CREDIT, stream: this.id, bytes: RECEIVE_WINDOW });
  }
}
