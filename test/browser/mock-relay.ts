/**
 * A scripted fake relay inside the page, built on msw's WebSocket interception (`ws.link`), for
 * what a real relay will not do: send garbage, text, a wrong WELCOME, GOAWAY, frames for streams
 * nobody opened, DATA beyond the credit it was granted.
 *
 * The URL is a loopback port where nothing listens, so if interception ever failed the library
 * would get a refused connection, never a packet off the machine.
 */
import { ws, type WebSocketHandlerConnection } from 'msw';
import { setupWorker } from 'msw/browser';
import {
  decodeMessage, encodeFrame, encodeFrames, FrameType, type Frame, type OpenFrame,
} from '../../packages/protocol/src/index.js';

export const MOCK_RELAY_URL = 'ws://127.0.0.1:9/mock-relay';

const link = ws.link(MOCK_RELAY_URL);
export const worker = setupWorker();

type MockClient = WebSocketHandlerConnection['client'];

/** What one scripted connection saw and can do. */
export class MockConnection {
  readonly received: Frame[] = [];
  readonly decodeErrors: string[] = [];
  closeCode: number | null = null;
  readonly #client: MockClient;
  #onFrame: (f: Frame, conn: MockConnection) => void;

  constructor(client: MockClient, onFrame: (f: Frame, conn: MockConnection) => void) {
    this.#client = client;
    this.#onFrame = onFrame;
    client.addEventListener('message', (event) => void this.#onMessage(event.data));
    client.addEventListener('close', (event) => { this.closeCode = event.code; });
  }

  send(frames: Frame | Frame[]): void {
    const bytes = Array.isArray(frames) ? encodeFrames(frames) : encodeFrame(frames);
    this.sendRaw(bytes);
  }
  sendRaw(bytes: Uint8Array | string): void {
    this.#client.send(typeof bytes === 'string' ? bytes : bytes.slice().buffer);
  }
  /**
   * Closes from the relay side. @note msw drops a message still queued (it delivers sends in a
   * microtask and skips them once the socket is closing), so wait a tick: a real relay's GOAWAY
   * always reaches the page before its close.
   */
  close(code = 1000, reason = ''): void {
    setTimeout(() => this.#client.close(code, reason), 10);
  }

  /** Frames of one type the page sent. */
  sent<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.received.filter((f) => f.type === type) as Extract<Frame, { type: T }>[];
  }

  async #onMessage(data: unknown): Promise<void> {
    const bytes = await toBytes(data);
    if (bytes === null) {
      this.decodeErrors.push('text message from the page');
      return;
    }
    const result = decodeMessage(bytes);
    if (!result.ok) {
      this.decodeErrors.push(String(result.error));
      return;
    }
    for (const f of result.frames) {
      this.received.push(f);
      this.#onFrame(f, this);
    }
  }
}

async function toBytes(data: unknown): Promise<Uint8Array | null> {
  if (typeof data === 'string') return null;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  return null;
}

export const MOCK_MAX_FRAME_BODY = 65536;
export const WELCOME_V1 = {
  type: FrameType.WELCOME, version: 1, maxFrameBody: MOCK_MAX_FRAME_BODY, maxStreams: 64, capabilities: 1,
} as const satisfies Frame;

/** OPENED for an OPEN, with made-up but well-formed addresses. */
export function openedFor(open: OpenFrame, window = 1 << 20): Frame {
  const remote = open.remote.kind === 'name'
    ? { kind: 'ipv4' as const, address: '127.0.0.1', port: open.remote.port }
    : open.remote;
  const local = remote.kind === 'ipv6'
    ? { kind: 'ipv6' as const, address: '::1', port: 40001, scopeId: 0 }
    : { kind: 'ipv4' as const, address: '127.0.0.1', port: 40001 };
  return { type: FrameType.OPENED, stream: open.stream, window, local, remote };
}

/**
 * Installs a scripted relay for the next connections to MOCK_RELAY_URL. `onFrame` sees every
 * frame the page sends. Returns the list of connections as they are made.
 */
export function scriptRelay(onFrame: (f: Frame, conn: MockConnection) => void): MockConnection[] {
  const conns: MockConnection[] = [];
  worker.use(
    link.addEventListener('connection', ({ client }) => {
      conns.push(new MockConnection(client, onFrame));
    }),
  );
  return conns;
}

/** A relay that completes the handshake and opens every stream; `after` runs on each OPEN. */
export function welcomingRelay(after: (open: OpenFrame, conn: MockConnection) => void = () => {}): MockConnection[] {
  return scriptRelay((f, conn) => {
    if (f.type === FrameType.HELLO) conn.send(WELCOME_V1);
    if (f.type === FrameType.OPEN) {
      conn.send(openedFor(f));
      after(f, conn);
    }
  });
}
