import { describe, expect, it } from 'vitest';
import { BlockingWait, type Subscribe } from '../src/socket/blocking-wait.js';

/** A change source like a socket's `subscribe`, counting live subscriptions. */
function source(): { subscribe: Subscribe; change: () => void; live: () => number } {
  const watchers = new Set<() => void>();
  return {
    subscribe: (fn) => {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    change: () => {
      for (const fn of [...watchers]) fn();
    },
    live: () => watchers.size,
  };
}

describe('BlockingWait', () => {
  it('resolves true once the condition holds after a change, and unsubscribes', async () => {
    const s = source();
    let ready = false;
    const wait = new BlockingWait(s.subscribe, 0);
    expect(wait.remaining()).toBeNull(); // SO_RCVTIMEO 0: no deadline
    const outcome = wait.until(() => ready);
    expect(s.live()).toBe(1);
    s.change(); // not yet
    expect(s.live()).toBe(1);
    ready = true;
    s.change();
    expect(await outcome).toBe(true);
    expect(s.live()).toBe(0);
  });

  it('resolves false at the deadline and releases its subscription', async () => {
    const s = source();
    const start = performance.now();
    const wait = new BlockingWait(s.subscribe, 30, start);
    expect(await wait.until(() => false)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(29);
    expect(s.live()).toBe(0);
  });

  it('counts every wait of one call against the deadline set when the call started', async () => {
    const s = source();
    const wait = new BlockingWait(s.subscribe, 50, performance.now() - 100);
    expect(wait.remaining()).toBeLessThan(0);
    expect(await wait.until(() => false)).toBe(false); // already past: no timer, no subscription
    expect(s.live()).toBe(0);
    expect(await wait.until(() => true)).toBe(true); // a condition that holds still wins
  });
});
