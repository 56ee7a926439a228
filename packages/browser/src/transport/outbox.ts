/**
 * Encoded frames waiting to leave on the WebSocket. Frames queued in one tick leave together:
 * `drain` packs them, in order, into as few messages as the message limit allows, so one
 * WebSocket write carries many small frames (a CREDIT, a CLOSE and an OPEN, say).
 */
export class Outbox {
  #frames: Uint8Array[] = [];

  get empty(): boolean {
    return this.#frames.length === 0;
  }

  push(frame: Uint8Array): void {
    this.#frames.push(frame);
  }

  /** Drops everything queued (the connection failed). */
  clear(): void {
    this.#frames = [];
  }

  /**
   * Takes everything queued as messages of at most `limit` bytes each; a frame larger than the
   * limit travels alone (the codec bounds frames, not this). A message of one frame is that
   * frame's own buffer, uncopied.
   */
  drain(limit: number): Uint8Array[] {
    const frames = this.#frames;
    this.#frames = [];
    const messages: Uint8Array[] = [];
    let start = 0;
    while (start < frames.length) {
      let end = start;
      let size = 0;
      for (
        let frame = frames[end];
        frame !== undefined && (end === start || size + frame.length <= limit);
        frame = frames[++end]
      ) {
        size += frame.length;
      }
      messages.push(end - start === 1 ? (frames[start] ?? new Uint8Array(0)) : concat(frames, start, end, size));
      start = end;
    }
    return messages;
  }
}

function concat(frames: readonly Uint8Array[], start: number, end: number, size: number): Uint8Array {
  const message = new Uint8Array(size);
  let at = 0;
  for (let i = start; i < end; i++) {
    const frame = frames[i];
    if (frame === undefined) break;
    message.set(frame, at);
    at += frame.length;
  }
  return message;
}
