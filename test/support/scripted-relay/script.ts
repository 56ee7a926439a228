/**
 * One scripted fake relay for tests, independent of how bytes travel: it takes the page's
 * messages (decoded here into frames), hands each frame to a script, lets the script answer
 * with frames or raw bytes, and records what it saw (frames, undecodable or text messages, the
 * page's close code). Thin adapters connect it to a transport: msw's `ws.link` inside the page
 * (msw-link.ts), a real `ws` server in Node (ws-server.ts), or an in-memory WebSocket class
 * (in-memory-websocket.ts) for unit tests of the page's socket logic.
 *
 * It is for what a real relay will not do on demand: send garbage, text, a wrong WELCOME,
 * GOAWAY, frames for streams nobody opened, DATA beyond the credit it was granted, exact CREDIT.
 */
import {
  decodeMessage,
  encodeFrame,
  encodeFrames,
  frameName,
  FrameType,
  type Frame,
  type OpenFrame,
} from '../../../packages/protocol/src/index.js';

/** What an adapter gives the script to answer the page with. */
export interface RelayWire {
  sendBinary(bytes: Uint8Array): void;
  sendText(text: string): void;
  /** Closes the WebSocket from the relay side, after everything sent before it. */
  close(code: number, reason: string): void;
}

/** Sees every frame the page sends, in order, and answers through `conn`. */
export type RelayScript = (frame: Frame, conn: ScriptedConnection) => void;

/** One page's WebSocket to the scripted relay: what it saw and what it can do. */
export class ScriptedConnection {
  /** Every frame the page sent, in order. */
  readonly received: Frame[] = [];
  /** Messages that were not frames: 'text message from the page', or the decoder's error. */
  readonly decodeErrors: string[] = [];
  /** Every message in order, by frame name ('HELLO', 'OPEN'…), 'text' or 'undecodable'. */
  readonly log: string[] = [];
  /** The page's close code once the WebSocket closed (1005: closed without a code), else null. */
  closeCode: number | null = null;
  readonly #wire: RelayWire;
  readonly #script: RelayScript;
  readonly #closeWaiters: (() => void)[] = [];

  constructor(wire: RelayWire, script: RelayScript) {
    this.#wire = wire;
    this.#script = script;
  }

  /** The adapter hands over one message from the page: bytes, or a string for a text message. */
  receive(message: Uint8Array | string): void {
    if (typeof message === 'string') {
      this.log.push('text');
      this.decodeErrors.push('text message from the page');
      return;
    }
    const result = decodeMessage(message);
    if (!result.ok) {
      this.log.push('undecodable');
      this.decodeErrors.push(String(result.error));
      return;
    }
    for (const frame of result.frames) {
      this.log.push(frameName(frame.type));
      this.received.push(frame);
      this.#script(frame, this);
    }
  }

  /** The adapter reports that the WebSocket closed, with the code the page (or the relay) gave. */
  closed(code: number): void {
    this.closeCode ??= code;
    for (const resolve of this.#closeWaiters.splice(0)) resolve();
  }

  /** Resolves once the WebSocket has closed. */
  whenClosed(): Promise<void> {
    if (this.closeCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  send(frames: Frame | readonly Frame[]): void {
    this.#wire.sendBinary(isFrameList(frames) ? encodeFrames(frames) : encodeFrame(frames));
  }

  sendRaw(message: Uint8Array | string): void {
    if (typeof message === 'string') this.#wire.sendText(message);
    else this.#wire.sendBinary(message);
  }

  close(code = 1000, reason = ''): void {
    this.#wire.close(code, reason);
  }

  /** Frames of one type the page sent. */
  sent<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.received.filter((f): f is Extract<Frame, { type: T }> => f.type === type);
  }
}

function isFrameList(frames: Frame | readonly Frame[]): frames is readonly Frame[] {
  return Array.isArray(frames);
}

export const SCRIPTED_MAX_FRAME_BODY = 65536;
export const WELCOME_V1 = {
  type: FrameType.WELCOME,
  version: 1,
  maxFrameBody: SCRIPTED_MAX_FRAME_BODY,
  maxStreams: 64,
  capabilities: 1,
} as const satisfies Frame;

/** OPENED for an OPEN, with made-up but well-formed loopback addresses. */
export function openedFor(open: OpenFrame, window = 1 << 20): Frame {
  const remote =
    open.remote.kind === 'name' ? { kind: 'ipv4' as const, address: '127.0.0.1', port: open.remote.port } : open.remote;
  const local =
    remote.kind === 'ipv6'
      ? { kind: 'ipv6' as const, address: '::1', port: 40001, scopeId: 0 }
      : { kind: 'ipv4' as const, address: '127.0.0.1', port: 40001 };
  return { type: FrameType.OPENED, stream: open.stream, window, local, remote };
}

/** A relay that completes the handshake and opens every stream (with `window`); `after` runs on each OPEN. */
export function welcoming(
  after: (open: OpenFrame, conn: ScriptedConnection) => void = () => {},
  window = 1 << 20,
): RelayScript {
  return function welcomingScript(f, conn) {
    if (f.type === FrameType.HELLO) conn.send(WELCOME_V1);
    if (f.type === FrameType.OPEN) {
      conn.send(openedFor(f, window));
      after(f, conn);
    }
  };
}

export type HostileScript =
  /** After the stream is open, a binary message that does not decode. */
  | 'garbage-after-open'
  /** After the stream is open, a text message. */
  | 'text-after-open'
  /** After the stream is open, DATA for a stream id the page never used. */
  | 'unknown-stream-after-open';

export const HOSTILE_SCRIPTS: readonly HostileScript[] = [
  'garbage-after-open',
  'text-after-open',
  'unknown-stream-after-open',
];

/**
 * A relay that opens streams like a real one, then breaks the protocol as told once the page
 * sends its first DATA: the test sends a byte while it has a recv pending, so the breach arrives
 * while that recv waits, whatever the timing.
 */
export function hostile(script: HostileScript): RelayScript {
  const open = welcoming();
  return function hostileScript(f, conn) {
    if (f.type !== FrameType.DATA) return open(f, conn);
    if (conn.sent(FrameType.DATA).length !== 1) return;
    switch (script) {
      case 'garbage-after-open':
        conn.sendRaw(new Uint8Array([0xff, 0, 0, 0, 1, 0, 0, 0, 0]));
        return;
      case 'text-after-open':
        conn.sendRaw('not a frame');
        return;
      case 'unknown-stream-after-open':
        conn.send({ type: FrameType.DATA, stream: 0x7ffffff0, data: new Uint8Array([1]) });
        return;
    }
  };
}
