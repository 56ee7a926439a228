/**
 * Waiting primitives for the calls that block on Windows: wait until a condition holds, a
 * timeout passes, or the wait is cancelled. Every timer and listener is released when the
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

/** timeval → milliseconds; null (wait forever) stays null. */
export function timevalToMs(tv: { tv_sec: number; tv_usec: number } | null | undefined): number | null {
  if (tv === null || tv === undefined) return null;
  return Math.max(0, (tv.tv_sec | 0) * 1000 + Math.ceil((tv.tv_usec | 0) / 1000));
}
