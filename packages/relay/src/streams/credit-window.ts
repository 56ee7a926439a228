/**
 * The relay's side of one stream's page → relay credit (docs/protocol.md "Flow control"): the
 * page may have `available` bytes in flight. Each DATA / DATAGRAM consumes its length; a frame
 * beyond what is available is a flow-control violation. Bytes the kernel took (or a datagram
 * dropped) are owed back, and `grant` collects them as one CREDIT at the next flush. TCP and UDP
 * streams share this one implementation; once the stream is finished nothing more is owed.
 */
export class CreditWindow {
  #available: number;
  /** The whole window the page was granted (the early window, then the widened one). */
  #window: number;
  #owed = 0;
  #closed = false;

  /** `initial`: the window announced to the page (OPENED / DGRAM_OPENED). */
  constructor(initial: number) {
    this.#available = initial;
    this.#window = initial;
  }

  /** The window announced to the page. */
  get window(): number {
    return this.#window;
  }

  /** Bytes the page may still send before it needs a CREDIT. */
  get available(): number {
    return this.#available;
  }

  /** Bytes owed back to the page and not yet granted. */
  get owed(): number {
    return this.#owed;
  }

  /** A frame of `bytes` arrived: spends them, or answers false (an overrun) and spends nothing. */
  consume(bytes: number): boolean {
    if (bytes > this.#available) return false;
    this.#available -= bytes;
    return true;
  }

  /** The window grew by `bytes` without a CREDIT (OPENED announces more than the early window). */
  widen(bytes: number): void {
    if (this.#closed) return;
    this.#available += bytes;
    this.#window += bytes;
  }

  /** `bytes` left the relay (or were dropped): they may be given back. */
  owe(bytes: number): void {
    if (!this.#closed) this.#owed += bytes;
  }

  /**
   * Everything owed, as one CREDIT; the page may send that much again. 0 once closed, and 0 (the
   * bytes stay owed) while less than `minimum` is owed.
   */
  grant(minimum = 0): number {
    const owed = this.#owed;
    if (owed < minimum) return 0;
    this.#owed = 0;
    this.#available += owed;
    return owed;
  }

  /** The stream is finished: nothing more is owed or granted. */
  close(): void {
    this.#closed = true;
    this.#owed = 0;
  }
}
