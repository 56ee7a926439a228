/**
 * CREDIT back to the page, once per flush, paced by the bandwidth cap (page → relay). Streams
 * whose writes completed this turn are marked; just before the outbox flushes, each sends one
 * CREDIT for everything the kernel took — unless that CREDIT would be the flush's only frame and
 * the stream prefers to wait (HostedStream.takeCreditOwed): then it stays marked and rides with
 * the next flush that sends something. With a cap the page may only send within its credit, so
 * holding CREDIT back is what slows it down; nothing extra is buffered here.
 */
import { FrameType } from '@ws2web/protocol';
import type { Throttle } from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';
import type { HostedStream } from '../streams/stream-host.js';
import type { Outbox } from './outbox.js';

export class CreditPacer {
  readonly #throttle: Throttle;
  readonly #metrics: Metrics;
  readonly #outbox: Outbox;
  readonly #holds: (stream: HostedStream) => boolean;
  /** Streams with bytes to give back at the next flush. */
  readonly #owing = new Set<HostedStream>();
  /** CREDIT held back by the cap, per stream, until #timer fires. */
  readonly #delayed = new Map<HostedStream, number>();
  #timer: NodeJS.Timeout | null = null;

  /**
   * `outbox` calls `flush` first at each of its flushes; `holds(stream)` says whether the stream
   * still has its id, so a delayed CREDIT may still go out.
   */
  constructor(throttle: Throttle, metrics: Metrics, outbox: Outbox, holds: (stream: HostedStream) => boolean) {
    this.#throttle = throttle;
    this.#metrics = metrics;
    this.#outbox = outbox;
    this.#holds = holds;
  }

  /** `stream` has credit to give back (StreamHost.creditOwed). */
  owed(stream: HostedStream): void {
    this.#owing.add(stream);
    this.#outbox.schedule();
  }

  /** The stream is gone: nothing more goes out for it. */
  forget(stream: HostedStream): void {
    this.#owing.delete(stream);
    this.#delayed.delete(stream);
  }

  /** GOAWAY: nothing owed goes out any more. */
  drop(): void {
    this.#owing.clear();
  }

  /** The connection closed: the timer and what it held go too. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#delayed.clear();
  }

  /** beforeFlush hook of the outbox: one CREDIT per stream whose writes completed (and that is not waiting). */
  flush(): void {
    const outbox = this.#outbox;
    const waiting: HostedStream[] = [];
    for (const stream of this.#owing) {
      const bytes = stream.takeCreditOwed(outbox.queuedBytes === 0);
      if (bytes > 0) this.#give(stream, bytes);
      else if (stream.owesCredit) waiting.push(stream);
    }
    this.#owing.clear();
    if (waiting.length > 0) {
      // Something leaves after all (another stream's CREDIT): the waiting ones ride along.
      if (outbox.queuedBytes > 0) for (const stream of waiting) this.#give(stream, stream.takeCreditOwed(false));
      else for (const stream of waiting) this.#owing.add(stream);
    }
    if (this.#delayed.size > 0 && this.#timer === null) {
      this.#metrics.countLimit('bandwidth');
      this.#timer = setTimeout(this.#onDelayOver, Math.max(1, this.#throttle.wait()));
    }
  }

  /** One CREDIT now, or held back by the cap until #timer fires. */
  #give(stream: HostedStream, bytes: number): void {
    if (bytes <= 0) return;
    const throttle = this.#throttle;
    if (throttle.limited && (throttle.spend(bytes) > 0 || this.#timer !== null)) {
      this.#delayed.set(stream, (this.#delayed.get(stream) ?? 0) + bytes);
      return;
    }
    this.#outbox.frame({ type: FrameType.CREDIT, stream: stream.id, bytes });
  }

  #onDelayOver = (): void => {
    this.#timer = null;
    const wait = this.#throttle.wait();
    if (wait > 0) {
      this.#timer = setTimeout(this.#onDelayOver, wait);
      return;
    }
    const outbox = this.#outbox;
    for (const [stream, bytes] of this.#delayed) {
      if (this.#holds(stream)) outbox.frame({ type: FrameType.CREDIT, stream: stream.id, bytes });
    }
    this.#delayed.clear();
  };
}
