/**
 * Unsent bytes the relay holds for all its pages together (each page's WebSocket buffer plus
 * its outbox), so one ceiling (`maxHeldBytesTotal`) can stop sockets being read before many
 * slow pages add up to the relay's memory. Summing every page on every socket read would be work
 * per chunk times pages, so the sum is kept by deltas: a page that checks its own backlog
 * (exact, on the spot) reports it, and the sum moves by the difference; a page that forwards
 * nothing is not asked, and its WebSocket draining is picked up by a full resum every SAMPLE_MS.
 */
import type { Metrics } from '../ops/metrics.js';

const SAMPLE_MS = 25;

/** One relay's tracker, found by its Metrics (one per relay) so no other layer has to carry it. */
const byRelay = new WeakMap<Metrics, HeldBytes>();

export class HeldBytes {
  readonly #metrics: Metrics;
  /** Each page's unsent bytes, as last reported or sampled. */
  readonly #pages = new Map<() => number, number>();
  #timer: NodeJS.Timeout | null = null;
  /** The last sampled sum. */
  total = 0;

  private constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  /** The tracker of the relay `metrics` belongs to. */
  static of(metrics: Metrics): HeldBytes {
    let held = byRelay.get(metrics);
    if (!held) {
      held = new HeldBytes(metrics);
      byRelay.set(metrics, held);
    }
    return held;
  }

  /** Counts `page()` (its unsent bytes) in the sum until `remove`. */
  add(page: () => number): void {
    this.#pages.set(page, 0);
    if (this.#timer === null) {
      this.#timer = setInterval(this.#sample, SAMPLE_MS);
      this.#timer.unref();
    }
  }

  /** `page` holds `held` now: the sum moves by the difference; answers the sum. */
  report(page: () => number, held: number): number {
    const last = this.#pages.get(page);
    if (last === undefined) return this.total;
    this.#pages.set(page, held);
    this.total += held - last;
    return this.total;
  }

  remove(page: () => number): void {
    const last = this.#pages.get(page) ?? 0;
    this.#pages.delete(page);
    this.total -= last;
    if (this.#pages.size > 0 || this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
    this.total = 0;
    this.#metrics.heldBytes = 0;
  }

  #sample = (): void => {
    let total = 0;
    for (const page of this.#pages.keys()) {
      const held = page();
      this.#pages.set(page, held);
      total += held;
    }
    this.total = total;
    this.#metrics.heldBytes = total;
  };
}
