/**
 * WebSocketStream over the in-memory WebSocket (in-memory-websocket.ts), for unit tests of the
 * page's WebSocketStream path in Node (which has no WebSocketStream): `opened` gives a readable
 * of the relay's messages and a writable that sends, `closed` settles with the close code, as
 * Chromium's WebSocketStream does. `constructed` counts the instances, so a test can tell which
 * class the library chose.
 */
import { InMemoryWebSocket } from './in-memory-websocket.js';

/** The WebSocketStream's close information (WebSocketCloseInfo). */
interface CloseInfo {
  closeCode?: number;
  reason?: string;
}

export class InMemoryWebSocketStream {
  static constructed = 0;
  readonly url: string;
  readonly opened: Promise<{ readable: ReadableStream<ArrayBuffer | string>; writable: WritableStream<Uint8Array> }>;
  readonly closed: Promise<CloseInfo>;
  readonly #ws: InMemoryWebSocket;

  constructor(url: string) {
    InMemoryWebSocketStream.constructed++;
    this.url = url;
    const ws = new InMemoryWebSocket(url);
    this.#ws = ws;
    ws.binaryType = 'arraybuffer';
    let messages: ReadableStreamDefaultController<ArrayBuffer | string> | null = null;
    const readable = new ReadableStream<ArrayBuffer | string>({
      start(controller) {
        messages = controller;
      },
    });
    const writable = new WritableStream<Uint8Array>({
      write(chunk) {
        ws.send(chunk);
      },
    });
    let wasOpen = false;
    this.opened = new Promise((resolve, reject) => {
      ws.addEventListener('open', () => {
        wasOpen = true;
        resolve({ readable, writable });
      });
      ws.addEventListener('close', () => {
        if (!wasOpen) reject(new Error('WebSocket handshake failed'));
      });
    });
    this.closed = new Promise((resolve, reject) => {
      ws.addEventListener('close', (event) => {
        messages?.close();
        // A connection that never opened, or ended without a close frame, rejects `closed`.
        if (!wasOpen || event.code === 1006) reject(new Error(`WebSocket closed abnormally (${event.code})`));
        else resolve({ closeCode: event.code ?? 1005, reason: event.reason ?? '' });
      });
    });
    // Callers that never await these must not see unhandled rejections.
    this.opened.catch(() => {});
    this.closed.catch(() => {});
    ws.addEventListener('message', (event) => {
      if (event.data instanceof ArrayBuffer || typeof event.data === 'string') messages?.enqueue(event.data);
    });
  }

  close(info: CloseInfo = {}): void {
    this.#ws.close(info.closeCode ?? 1000, info.reason ?? '');
  }
}
