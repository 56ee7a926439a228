/**
 * Outgoing frames of one connection, coalesced: every frame queued during one turn of the event
 * loop goes out in as few WebSocket messages as possible (at most `maxMessageBytes` each), sent
 * from a `setImmediate` — i.e. after the poll phase in which the TCP reads and write callbacks
 * that produced them ran.
 *
 * DATA is queued as a 9-byte header plus a reference to the socket's chunk; the only copy is
 * the one that joins a message's parts into a single buffer for `ws.send`.
 */
import { FrameType, HEADER_BYTES, encodeFrame, type Endpoint, type Frame } from '@ws2web/protocol';

const EMPTY = new Uint8Array(0);

export class Outbox {
  readonly #send: (message: Buffer) => void;
  readonly #beforeFlush: () => void;
  readonly #maxMessageBytes: number;
  /** Complete messages waiting, each as its parts. The last one is still filling. */
  #messages: Array<{ parts: Uint8Array[]; bytes: number }> = [];
  #queuedBytes = 0;
  #immediate: NodeJS.Immediate | null = null;
  #flushing = false;
  #closed = false;

  /**
   * @param send receives each finished message
   * @param beforeFlush runs first at each flush; it may queue more frames (credit returns)
   */
  constructor(send: (message: Buffer) => void, maxMessageBytes: number, beforeFlush: () => void) {
    this.#send = send;
    this.#maxMessageBytes = maxMessageBytes;
    this.#beforeFlush = beforeFlush;
  }

  /** Queues a non-DATA frame. */
  frame(frame: Frame): void {
    this.#push([encodeFrame(frame)]);
  }

  /** Queues one DATA frame; `payload` must be ≤ maxFrameBody (the caller splits). */
  data(stream: number, payload: Uint8Array): void {
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header[0] = FrameType.DATA;
    header.writeUInt32BE(stream, 1);
    header.writeUInt32BE(payload.length, 5);
    this.#push([header, payload]);
  }

  /**
   * Queues one DATAGRAM frame without copying `payload`: the codec encodes the header and the
   * address, and the length field is widened to cover the payload that follows it.
   */
  datagram(stream: number, address: Endpoint, payload: Uint8Array): void {
    const head = Buffer.from(encodeFrame({ type: FrameType.DATAGRAM, stream, address, data: EMPTY }));
    head.writeUInt32BE(head.length - HEADER_BYTES + payload.length, 5);
    this.#push([head, payload]);
  }

  /** Bytes queued and not yet handed to the WebSocket. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Sends everything queued now (used before a close, so GOAWAY precedes the close frame). */
  flush(): void {
    if (this.#immediate) {
      clearImmediate(this.#immediate);
      this.#immediate = null;
    }
    if (this.#closed) return;
    this.#flushing = true; // frames queued by beforeFlush join this flush, not a new one
    try {
      this.#beforeFlush();
    } finally {
      this.#flushing = false;
    }
    const messages = this.#messages;
    this.#messages = [];
    this.#queuedBytes = 0;
    for (const m of messages) {
      const [only, ...more] = m.parts;
      this.#send(only !== undefined && more.length === 0 ? toBuffer(only) : Buffer.concat(m.parts, m.bytes));
    }
  }

  /** Drops what is queued and refuses more: the WebSocket is gone. */
  close(): void {
    this.#closed = true;
    this.#messages = [];
    this.#queuedBytes = 0;
    if (this.#immediate) {
      clearImmediate(this.#immediate);
      this.#immediate = null;
    }
  }

  /** Ask for a flush this turn even if nothing is queued yet (credit returns are added by beforeFlush). */
  schedule(): void {
    if (this.#closed || this.#flushing || this.#immediate) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      this.flush();
    });
  }

  #push(parts: Uint8Array[]): void {
    if (this.#closed) return;
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    this.#queuedBytes += bytes;
    const last = this.#messages[this.#messages.length - 1];
    if (last && last.bytes + bytes <= this.#maxMessageBytes) {
      last.parts.push(...parts);
      last.bytes += bytes;
    } else {
      this.#messages.push({ parts, bytes });
    }
    this.schedule();
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
