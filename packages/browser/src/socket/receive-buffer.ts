/**
 * Bytes received from the relay and not yet read by the application: a queue of views into
 * the WebSocket messages they arrived in (no copy until the application reads).
 */
export class ReceiveBuffer {
  #chunks: Uint8Array[] = [];
  #head = 0; // offset already consumed in #chunks[0]
  #available = 0;

  get available(): number {
    return this.#available;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /**
   * Copies up to `max` bytes into `dest` at `offset`; consumes them unless `peek`.
   * Returns the number of bytes copied.
   */
  read(dest: Uint8Array, offset: number, max: number, peek: boolean): number {
    let copied = 0;
    let index = 0;
    let head = this.#head;
    for (let chunk = this.#chunks[index]; copied < max && chunk !== undefined; chunk = this.#chunks[index]) {
      const n = Math.min(chunk.length - head, max - copied);
      dest.set(chunk.subarray(head, head + n), offset + copied);
      copied += n;
      head += n;
      if (head === chunk.length) {
        index++;
        head = 0;
      }
    }
    if (!peek) {
      this.#chunks.splice(0, index);
      this.#head = head;
      this.#available -= copied;
    }
    return copied;
  }

  /** Drops everything (shutdown SD_RECEIVE, reset). Returns how many bytes were dropped. */
  clear(): number {
    const dropped = this.#available;
    this.#chunks = [];
    this.#head = 0;
    this.#available = 0;
    return dropped;
  }
}
