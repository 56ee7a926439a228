/**
 * Where the relay's per-key counts live (WebSockets per client address, sockets per client
 * address, sockets per ticket subject): one relay's memory (MemoryCountStore, the default), or
 * a Redis server every relay of a fleet shares (`redis`, redis-count-store.ts). The limiter
 * code (RelayLimits) is the same over both; only where a count is kept differs.
 *
 * Two ways to take a count, because the relay has two kinds of moments. An upgrade can wait,
 * so `acquire` is atomic across the fleet (one round trip). A stream-opening frame must be
 * answered in order with the frames after it, so `count` answers at once from what this relay
 * knows — its own counts exactly, the other relays' as they last announced them — and `add`
 * records the new count without waiting.
 */
import { KeyedCounter } from './limits.js';

export interface CountStore {
  /**
   * Counts one more under `key` unless the fleet already holds `max` (0 = no maximum); atomic
   * across the fleet. False = refused.
   */
  acquire(key: string, max: number): Promise<boolean>;
  /** Counts one more under `key` without a check (the caller asked `count` first). */
  add(key: string): void;
  /** Counts one less under `key` (a count this relay took). */
  release(key: string): void;
  /** The fleet's count under `key`, as this relay knows it now. */
  count(key: string): number;
  /** This relay's own count under `key`. */
  local(key: string): number;
  /** Stops (a shared store: forgets this relay's counts there). */
  close(): Promise<void>;
}

/** One relay's counts, in its memory: exact, and what every relay without `redis` uses. */
export class MemoryCountStore implements CountStore {
  readonly #counts = new KeyedCounter();

  acquire(key: string, max: number): Promise<boolean> {
    return Promise.resolve(this.#counts.acquire(key, max));
  }

  add(key: string): void {
    this.#counts.acquire(key, 0);
  }

  release(key: string): void {
    this.#counts.release(key);
  }

  count(key: string): number {
    return this.#counts.get(key);
  }

  local(key: string): number {
    return this.#counts.get(key);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
