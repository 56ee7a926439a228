/**
 * WSAEVENT: a manual-reset event object that starts non-signalled (WSACreateEvent). Waiters are
 * callbacks run when it becomes signalled; WSAWaitForMultipleEvents builds on them.
 */
export class WsaEvent {
  #signalled = false;
  #closed = false;
  #waiters = new Set<() => void>();

  get signalled(): boolean {
    return this.#signalled;
  }
  get closed(): boolean {
    return this.#closed;
  }

  set(): void {
    if (this.#closed) return;
    this.#signalled = true;
    for (const w of [...this.#waiters]) w();
  }

  reset(): void {
    this.#signalled = false;
  }

  close(): void {
    this.#closed = true;
    this.#signalled = false;
    // Wake waiters so they can see the handle is gone instead of waiting forever.
    for (const w of [...this.#waiters]) w();
    this.#waiters.clear();
  }

  /** Calls `fn` on every future set(); returns the unsubscribe function. */
  onSignal(fn: () => void): () => void {
    this.#waiters.add(fn);
    return () => this.#waiters.delete(fn);
  }
}

export function isWsaEvent(v: unknown): v is WsaEvent {
  return v instanceof WsaEvent;
}
