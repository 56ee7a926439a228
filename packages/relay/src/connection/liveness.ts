/**
 * A connection's timers: HELLO must come within handshakeTimeoutMs; once READY, a page with no
 * stream and no frame for idleTimeoutMs is closed; the relay's heartbeat pings and drops a page
 * that did not answer the previous ping; after our close frame the page gets CLOSE_GRACE_MS to
 * answer before the TCP connection is cut.
 */
import type { WebSocket } from 'ws';
import type { ResolvedOptions } from '../config/options.js';

/** After close(1001/1002/1008), how long the page gets to answer the close frame. */
const CLOSE_GRACE_MS = 2000;

/** What the connection does when a timer runs out. */
export interface LivenessEvents {
  /** No HELLO in time. */
  handshakeTimedOut(): void;
  /** Idle time is over: close the page, or answer false when streams are still open (activity). */
  idle(): boolean;
  /** No pong since the last ping: about to be cut. */
  unresponsive(): void;
}

export class Liveness {
  readonly #options: ResolvedOptions;
  readonly #ws: WebSocket;
  readonly #events: LivenessEvents;
  #handshakeTimer: NodeJS.Timeout | null;
  #idleTimer: NodeJS.Timeout | null = null;
  #closeTimer: NodeJS.Timeout | null = null;
  #alive = true;
  /** Our pings are numbered; only a pong echoing the last one counts (an unsolicited one does not). */
  #pingNumber = 0;
  readonly #pingData = Buffer.alloc(4);

  /** Starts the handshake timer. */
  constructor(options: ResolvedOptions, ws: WebSocket, events: LivenessEvents) {
    this.#options = options;
    this.#ws = ws;
    this.#events = events;
    this.#handshakeTimer = setTimeout(this.#onHandshakeTimeout, options.handshakeTimeoutMs);
  }

  /** HELLO accepted: the handshake timer stops, the idle timer starts. */
  ready(): void {
    this.#clearHandshake();
    if (this.#options.idleTimeoutMs > 0) {
      this.#idleTimer = setTimeout(this.#onIdleTimeout, this.#options.idleTimeoutMs);
      this.#idleTimer.unref();
    }
  }

  /** A message arrived. */
  activity(): void {
    this.#idleTimer?.refresh();
  }

  /** A pong arrived: the page is alive only if it answers our last ping. */
  pong(data: Buffer): void {
    if (data.length === 4 && data.equals(this.#pingData)) this.#alive = true;
  }

  /** Heartbeat tick: ping, or cut a page that did not answer the previous ping. */
  heartbeat(): void {
    if (!this.#alive) {
      this.#events.unresponsive();
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#pingData.writeUInt32BE(++this.#pingNumber >>> 0);
    this.#ws.ping(this.#pingData);
  }

  /** Our close frame went: no more handshake or idle; cut the page if it does not answer. */
  closing(): void {
    this.#clearHandshake();
    this.#clearIdle();
    this.#closeTimer = setTimeout(this.#onCloseGraceOver, CLOSE_GRACE_MS);
  }

  /** The WebSocket closed: every timer stops. */
  stop(): void {
    this.#clearHandshake();
    this.#clearIdle();
    if (this.#closeTimer) {
      clearTimeout(this.#closeTimer);
      this.#closeTimer = null;
    }
  }

  #onHandshakeTimeout = (): void => {
    this.#handshakeTimer = null;
    this.#events.handshakeTimedOut();
  };

  #onIdleTimeout = (): void => {
    if (this.#events.idle()) this.#idleTimer = null;
    else this.#idleTimer?.refresh(); // streams are activity even when no frame moves
  };

  #onCloseGraceOver = (): void => {
    this.#closeTimer = null;
    this.#ws.terminate();
  };

  #clearHandshake(): void {
    if (this.#handshakeTimer) {
      clearTimeout(this.#handshakeTimer);
      this.#handshakeTimer = null;
    }
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
