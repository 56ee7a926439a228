/**
 * WebSocketStream behind the WebSocket interface the relay connection uses (`WebSocketLike`):
 * open / message / close / error events, `send`, `close`, `readyState`. Chromium's
 * WebSocketStream moves bulk echo faster than its WebSocket (docs/performance.md, Chromium
 * transports), so a page without an injected WebSocket class uses it when the browser has it.
 * Messages are read as fast as they come, as WebSocket delivers them: the relay's credit window
 * bounds what is in flight, not the stream's back-pressure.
 */
import type { WebSocketConstructor, WebSocketLike } from './relay-connection.js';

/** What we use of WebSocketStream (https://websockets.spec.whatwg.org/#the-websocketstream-interface). */
export interface WebSocketStreamLike {
  readonly opened: Promise<{
    readable: ReadableStream<ArrayBuffer | string>;
    writable: WritableStream<Uint8Array>;
  }>;
  readonly closed: Promise<{ closeCode?: number; reason?: string }>;
  close(info?: { closeCode?: number; reason?: string }): void;
}
export type WebSocketStreamConstructor = new (url: string) => WebSocketStreamLike;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** What WebSocket reports for a connection that ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;

// biome-ignore lint/suspicious/noExplicitAny: the listener type WebSocketLike declares
type Listener = (event: any) => void;

/** A WebSocket-shaped class over `Stream`, for RelayConnection. */
export function webSocketOverStream(Stream: WebSocketStreamConstructor): WebSocketConstructor {
  return class StreamWebSocket implements WebSocketLike {
    /** Binary messages are always ArrayBuffers on a WebSocketStream; kept for the interface. */
    binaryType = 'arraybuffer';
    #state = CONNECTING;
    #stream: WebSocketStreamLike;
    #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
    #listeners = new Map<string, Listener[]>();

    constructor(url: string) {
      this.#stream = new Stream(url);
      this.#stream.opened.then(
        (streams) => this.#onOpened(streams),
        () => this.#onEnded(ABNORMAL_CLOSURE, '', true),
      );
      this.#stream.closed.then(
        (info) => this.#onEnded(info.closeCode ?? ABNORMAL_CLOSURE, info.reason ?? '', false),
        () => this.#onEnded(ABNORMAL_CLOSURE, '', true),
      );
    }

    get readyState(): number {
      return this.#state;
    }

    addEventListener(type: string, listener: Listener): void {
      const list = this.#listeners.get(type);
      if (list) list.push(listener);
      else this.#listeners.set(type, [listener]);
    }

    /** Queues `data`; throws, as WebSocket does, when the connection is not open. */
    send(data: Uint8Array): void {
      if (this.#state !== OPEN || !this.#writer) throw new Error(`WebSocketStream is not open (state ${this.#state})`);
      // A failed write ends the stream, and `closed` says so.
      this.#writer.write(data).catch(() => {});
    }

    close(code?: number, reason?: string): void {
      if (this.#state >= CLOSING) return;
      this.#state = CLOSING;
      this.#stream.close({ closeCode: code ?? 1000, reason: reason ?? '' });
    }

    #emit(type: string, event: object): void {
      for (const listener of this.#listeners.get(type) ?? []) listener(event);
    }

    #onOpened(streams: Awaited<WebSocketStreamLike['opened']>): void {
      if (this.#state !== CONNECTING) return;
      this.#state = OPEN;
      this.#writer = streams.writable.getWriter();
      this.#emit('open', {});
      void this.#readLoop(streams.readable.getReader());
    }

    async #readLoop(reader: ReadableStreamDefaultReader<ArrayBuffer | string>): Promise<void> {
      for (;;) {
        let chunk: ReadableStreamReadResult<ArrayBuffer | string>;
        try {
          chunk = await reader.read();
        } catch {
          return; // `closed` rejects too and reports it
        }
        if (chunk.done || this.#state === CLOSED) return;
        this.#emit('message', { data: chunk.value });
      }
    }

    #onEnded(code: number, reason: string, failed: boolean): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSED;
      if (failed) this.#emit('error', {});
      this.#emit('close', { code, reason });
    }
  };
}
