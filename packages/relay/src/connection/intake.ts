/**
 * Whether the relay reads a page's WebSocket. A page can make the relay burn CPU (a flood of
 * tiny frames or messages) or hold memory (requests whose answers it never reads: PEER → VERDICT,
 * OPEN → OPEN_FAILED) without breaking any rule of the protocol, so neither is refused: the
 * relay stops reading the WebSocket (`ws.pause()`; TCP pushes back on the page) while
 *  - the page is over its budget of frames, messages or requests per second, or
 *  - the bytes the relay holds unsent for it are over the bound (Connection.backlogged).
 * Both are counters; nothing is done per byte. A page whose backlog stays over the bound for
 * `stalledPageMs` is not reading at all: it is cut. Refusals (OPEN_FAILED(LIMIT)) are counted
 * per second; past `maxRefusalsPerSecond` the page is told to go.
 */
import type { WebSocket } from 'ws';
import type { ResolvedOptions } from '../config/options.js';
import { ByteThrottle } from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';

/** How often a paused WebSocket looks again at its backlog. */
const RECHECK_MS = 10;

export interface IntakeEvents {
  /** True while the page holds more unsent bytes than allowed. */
  backlogged(): boolean;
  /** The backlog did not drain for stalledPageMs. */
  stalled(): void;
  /** Too many refusals in one second. */
  refusing(): void;
}

export class Intake {
  readonly #ws: WebSocket;
  readonly #options: ResolvedOptions;
  readonly #metrics: Metrics;
  readonly #events: IntakeEvents;
  readonly #frames: ByteThrottle;
  readonly #messages: ByteThrottle;
  readonly #requests: ByteThrottle;
  #timer: NodeJS.Timeout | null = null;
  /** When the backlog was first seen over the bound (0: it is not). */
  #backlogSince = 0;
  #refusals = 0;
  #refusalSecond = 0;
  #stopped = false;
  #busy = false;

  constructor(ws: WebSocket, options: ResolvedOptions, metrics: Metrics, events: IntakeEvents) {
    this.#ws = ws;
    this.#options = options;
    this.#metrics = metrics;
    this.#events = events;
    this.#frames = new ByteThrottle(options.framesPerSecond);
    this.#messages = new ByteThrottle(options.messagesPerSecond);
    this.#requests = new ByteThrottle(options.requestsPerSecond);
  }

  /** A message arrived (messagesPerSecond). */
  arrived(): void {
    if (this.#messages.spend(1) > 0 && this.#timer === null) {
      this.#metrics.countLimit('frame_rate');
      this.#reconsider();
    }
  }

  /** `frames` frames were handled, `requests` of them asking for an answer. */
  handled(frames: number, requests: number): void {
    const framesWait = this.#frames.spend(frames);
    const requestsWait = requests > 0 ? this.#requests.spend(requests) : 0;
    if (framesWait > 0 || requestsWait > 0) this.#metrics.countLimit(requestsWait > 0 ? 'request_rate' : 'frame_rate');
    if (framesWait > 0 || requestsWait > 0 || this.#events.backlogged()) this.#reconsider();
  }

  /** While messages already read wait to be handled (a long one is handled over several turns), nothing more is read. */
  busy(on: boolean): void {
    if (this.#busy === on) return;
    this.#busy = on;
    this.#reconsider();
  }

  /** The page's backlog is over the bound: stop reading it until it drains; start the stall clock. */
  backlogged(): void {
    if (this.#backlogSince === 0) this.#backlogSince = performance.now();
    if (this.#timer === null) this.#reconsider();
  }

  /** One refusal; past maxRefusalsPerSecond in one second the page is told to go (once). */
  refused(): void {
    const max = this.#options.maxRefusalsPerSecond;
    if (max === 0) return;
    const second = Math.floor(performance.now() / 1000);
    if (second !== this.#refusalSecond) {
      this.#refusalSecond = second;
      this.#refusals = 0;
    }
    if (++this.#refusals === max + 1) {
      this.#metrics.countLimit('refusals');
      this.#events.refusing();
    }
  }

  /** The WebSocket closed: the timer goes. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Reads the WebSocket, or not (and looks again when a budget refills or RECHECK_MS passed). */
  #reconsider(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const wait = Math.max(this.#messages.wait(), this.#frames.wait(), this.#requests.wait());
    let recheck = wait;
    if (this.#events.backlogged()) {
      const now = performance.now();
      if (this.#backlogSince === 0) this.#backlogSince = now;
      const stalledMs = this.#options.stalledPageMs;
      if (stalledMs > 0 && now - this.#backlogSince >= stalledMs) {
        this.#metrics.countLimit('stalled_page');
        this.#stopped = true; // once: the WebSocket's 'close' follows
        this.#events.stalled();
        return;
      }
      recheck = Math.max(wait, RECHECK_MS);
    } else {
      this.#backlogSince = 0;
    }
    if (recheck > 0) this.#timer = setTimeout(this.#onTimer, recheck);
    if (recheck > 0 || this.#busy) this.#ws.pause();
    else this.#ws.resume();
  }

  #onTimer = (): void => {
    this.#timer = null;
    this.#reconsider();
  };
}
