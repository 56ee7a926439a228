/**
 * Waiting primitives for the calls that block on Windows: wait until a condition holds, a
 * timeout passes, or the wait is cancelled. Every timer and subscription is released when the
 * wait ends, however it ends.
 */

/** Something that can say "I changed" (a socket, an event). Returns an unsubscribe function. */
export type Subscribe = (onChange: () => void) => () => void;

/**
 * Resolves with the first non-undefined value of `poll()`, re-polled whenever a source changes.
 * Resolves with `onTimeout()` after `timeoutMs` (null = never).
 */
export function waitUntil<T>(
  sources: readonly Subscribe[],
  poll: () => T | undefined,
  timeoutMs: number | null,
  onTimeout: () => T,
): Promise<T> {
  const first = poll();
  if (first !== undefined) return Promise.resolve(first);
  if (timeoutMs !== null && timeoutMs <= 0) return Promise.resolve(onTimeout());
  return new Promise<T>((resolve) => {
    let done = false;
    const unsubscribes: (() => void)[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (value: T) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const u of unsubscribes) u();
      resolve(value);
    };
    const recheck = () => {
      if (done) return;
      const v = poll();
      if (v !== undefined) finish(v);
    };
    for (const subscribe of sources) unsubscribes.push(subscribe(recheck));
    if (timeoutMs !== null) timer = setTimeout(() => finish(onTimeout()), timeoutMs);
  });
}

/**
 * The wait of one blocking send or receive: SO_SNDTIMEO / SO_RCVTIMEO (0 = forever) sets a
 * deadline when the call starts, and every wait of that call (a blocking send may wait for
 * credit several times) counts against it.
 */
export class BlockingWait {
  readonly #deadline: number | null;

  constructor(
    readonly subscribe: Subscribe,
    timeoutMs: number,
    now: number = performance.now(),
  ) {
    this.#deadline = timeoutMs > 0 ? now + timeoutMs : null;
  }

  /** Milliseconds left before the deadline (null: none). */
  remaining(): number | null {
    return this.#deadline === null ? null : this.#deadline - performance.now();
  }

  /** Resolves true once `condition()` holds (re-checked at every change), false at the deadline. */
  until(condition: () => boolean): Promise<boolean> {
    return waitUntil(
      [this.subscribe],
      () => (condition() ? true : undefined),
      this.remaining(),
      () => false,
    );
  }
}

/** timeval → milliseconds; null (wait forever) stays null. */
export function timevalToMs(tv: { tv_sec: number; tv_usec: number } | null | undefined): number | null {
  if (tv === null || tv === undefined) return null;
  return Math.max(0, (tv.tv_sec | 0) * 1000 + Math.ceil((tv.tv_usec | 0) / 1000));
}
