/**
 * The page's end of the relay connection: one WebSocket, the handshake, and the dispatch of
 * frames to the streams multiplexed over it. Knows nothing of Winsock sockets; they talk to it
 * through `StreamSink` and `openStream`/`send`, and the errors it hands them come from the
 * policy in win/errors.ts.
 */
import {
  FrameType,
  HEADER_BYTES,
  PROTOCOL_VERSION,
  RELAY_STREAM_BASE,
  decodeMessageWith,
  encodeCoreFrame,
  frameName,
  streamFrameDecoders,
  type Frame,
  type FrameDecoders,
  type GoawayFrame,
  type HelloFrame,
  type WelcomeFrame,
} from '@ws2web/protocol';
import { WSAECONNABORTED, WSAENETDOWN } from '../win/constants.js';
import { handshakeRefusedError, relayLostError } from '../win/errors.js';
import { Outbox } from './outbox.js';

/** Frames that belong to one stream (everything but HELLO / WELCOME / GOAWAY). */
export type StreamFrame = Exclude<Frame, HelloFrame | WelcomeFrame | GoawayFrame>;

/** What a socket (or a one-shot request) hears from its stream: the frame sink of one stream id. */
export interface StreamSink {
  /** A frame for this stream. After OPEN_FAILED, CLOSE or RESOLVED the stream is over. */
  onFrame(frame: StreamFrame): void;
  /** The relay connection is gone; the stream is over with this Winsock error. */
  onLost(code: number): void;
}

/** The subset of the WebSocket API we use (browsers' WebSocket and the `ws` package both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: DOM and ws declare different event types; any keeps both assignable
  addEventListener(type: string, listener: (event: any) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface RelayConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  token: string;
  /** No WELCOME within this time → WSAENETDOWN. */
  handshakeTimeoutMs: number;
  log: (message: string) => void;
}

const OPEN = 1;

/** Frames after which a stream id is finished. */
const finalFrames = new Set<number>([FrameType.OPEN_FAILED, FrameType.CLOSE, FrameType.RESOLVED]);

/**
 * Close code the page sends on a protocol error. Browsers only let a script send 1000 or
 * 3000–4999 (1002 throws InvalidAccessError), so the page uses 4002 where the relay uses 1002.
 */
export const PAGE_PROTOCOL_ERROR_CLOSE = 4002;

/** Largest WebSocket message either side sends: 16 full frames (docs/protocol.md). */
export function maxMessageBytes(maxFrameBody: number): number {
  return 16 * (maxFrameBody + HEADER_BYTES);
}

export class RelayConnection {
  #ws: WebSocketLike | null = null;
  #welcome: WelcomeFrame | null = null;
  #streams = new Map<number, StreamSink>();
  /** What a relay message may hold: the handshake and TCP frames, and the answers of the streams opened. */
  #decoders: Record<number, FrameDecoders[number]> = { ...streamFrameDecoders };
  #nextStream = 1;
  /** Highest relay-allocated stream id announced by INCOMING (frames above it are a protocol error). */
  #highestRelayStream = RELAY_STREAM_BASE - 1;
  readonly #outbox = new Outbox();
  #flushScheduled = false;
  /** 0 while usable; otherwise the Winsock error every caller now gets. */
  #failure = 0;
  #ready: Promise<number>;
  #settleReady: (code: number) => void = () => {};
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly options: RelayConnectionOptions) {
    this.#ready = new Promise((resolve) => {
      this.#settleReady = resolve;
    });
    this.#start();
  }

  /** Resolves with 0 once the relay said WELCOME, or with WSAENETDOWN / WSAEACCES. */
  ready(): Promise<number> {
    return this.#ready;
  }

  /** True until the connection fails or closes; a dead connection is replaced by the next caller. */
  get usable(): boolean {
    return this.#failure === 0;
  }

  /** WELCOME arrived and the connection has not failed: frames sent now go out this tick. */
  get open(): boolean {
    return this.#welcome !== null && this.#failure === 0;
  }

  get maxFrameBody(): number {
    return this.#welcome?.maxFrameBody ?? 16 * 1024;
  }

  /** WELCOME capability bits (0 before WELCOME). */
  get capabilities(): number {
    return this.#welcome?.capabilities ?? 0;
  }

  #start(): void {
    let ws: WebSocketLike;
    try {
      ws = new this.options.WebSocket(this.options.url);
    } catch (err) {
      this.options.log(`relay ${this.options.url}: cannot open WebSocket: ${String(err)}`);
      this.#fail(WSAENETDOWN);
      return;
    }
    this.#ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => this.#onOpen());
    ws.addEventListener('message', (event) => this.#onMessage(event.data));
    ws.addEventListener('close', (event) => this.#onClose(event?.code, event?.reason));
    ws.addEventListener('error', () => {
      /* the close event follows and says what to do */
    });
    this.#handshakeTimer = setTimeout(() => {
      this.options.log(`relay ${this.options.url}: no WELCOME within ${this.options.handshakeTimeoutMs} ms`);
      this.#fail(WSAENETDOWN);
    }, this.options.handshakeTimeoutMs);
  }

  #onOpen(): void {
    this.#sendNow(encodeCoreFrame({ type: FrameType.HELLO, version: PROTOCOL_VERSION, token: this.options.token }));
  }

  #onMessage(data: unknown): void {
    if (this.#failure) return;
    if (!(data instanceof ArrayBuffer)) {
      this.#protocolError('relay sent a non-binary message');
      return;
    }
    const result = decodeMessageWith(this.#decoders, new Uint8Array(data));
    if (!result.ok) {
      this.#protocolError(result.error.toString());
      return;
    }
    for (const frame of result.frames) {
      this.#dispatch(frame);
      if (this.#failure) return;
    }
  }

  #dispatch(frame: Frame): void {
    if (!this.#welcome) {
      if (frame.type === FrameType.WELCOME) return this.#onWelcome(frame);
      if (frame.type === FrameType.GOAWAY) {
        this.options.log(`relay refused the handshake: ${frame.message}`);
        return this.#fail(handshakeRefusedError(frame.reason));
      }
      return this.#protocolError(`expected WELCOME, got ${frameName(frame.type)}`);
    }
    switch (frame.type) {
      case FrameType.GOAWAY:
        this.options.log(`relay closing the connection: ${frame.message}`);
        return this.#fail(relayLostError(true));
      case FrameType.HELLO: // never decoded from a relay; here for the type
      case FrameType.WELCOME:
        return this.#protocolError(`relay sent ${frameName(frame.type)} after the handshake`);
      default: {
        // The rest are stream frames a relay sends: #decoders has no frame only a page sends.
        const sink = this.#streams.get(frame.stream);
        if (!sink) {
          // A stream we closed: frames crossed on the wire. A stream never opened: a broken relay.
          const neverOpened =
            frame.stream >= RELAY_STREAM_BASE
              ? frame.stream > this.#highestRelayStream
              : frame.stream >= this.#nextStream;
          if (neverOpened)
            this.#protocolError(`${frameName(frame.type)} for stream ${frame.stream} that was never opened`);
          return;
        }
        if (finalFrames.has(frame.type)) this.#streams.delete(frame.stream);
        return sink.onFrame(frame);
      }
    }
  }

  #onWelcome(frame: WelcomeFrame): void {
    if (frame.version !== PROTOCOL_VERSION) {
      this.options.log(`relay speaks protocol ${frame.version}, this library speaks ${PROTOCOL_VERSION}`);
      this.#fail(WSAENETDOWN);
      return;
    }
    clearTimeout(this.#handshakeTimer);
    this.#welcome = frame;
    this.#flushScheduled = false;
    this.#flush();
    this.#settleReady(0);
  }

  #onClose(code?: number, reason?: string): void {
    if (this.#failure) return;
    this.options.log(`relay connection closed (code ${code ?? '?'}${reason ? `: ${reason}` : ''})`);
    this.#fail(relayLostError(this.#welcome !== null));
  }

  #protocolError(message: string): void {
    this.options.log(`relay protocol error: ${message}`);
    this.#fail(relayLostError(this.#welcome !== null), PAGE_PROTOCOL_ERROR_CLOSE);
  }

  /** Ends the connection: every stream hears `code`, waiting callers get it too. */
  #fail(code: number, closeCode = 1000): void {
    if (this.#failure) return;
    this.#failure = code;
    clearTimeout(this.#handshakeTimer);
    this.#outbox.clear();
    this.#settleReady(code);
    const ws = this.#ws;
    if (ws && ws.readyState <= OPEN) {
      try {
        ws.close(closeCode);
      } catch {
        /* already closing */
      }
    }
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const s of streams) s.onLost(code);
  }

  /**
   * Opens a stream: allocates its id and queues the frame `open(id)` builds (OPEN, DGRAM_OPEN,
   * LISTEN or RESOLVE: transport/resolve.ts). Frames for it go to `sink` until it is over or `forget` is called.
   * `answers` decodes the frames a stream of that kind receives beyond a TCP stream's (DGRAM_OPENED,
   * INCOMING, RESOLVED…): the feature that opens such streams brings them, so a page without it
   * carries none and a relay sending them anyway is a protocol error.
   */
  openStream(sink: StreamSink, open: (stream: number) => Frame | Uint8Array, answers?: FrameDecoders): number {
    if (answers) Object.assign(this.#decoders, answers);
    const stream = this.#nextStream++;
    this.#streams.set(stream, sink);
    this.send(open(stream));
    return stream;
  }

  /** Routes frames for a relay-allocated stream (from INCOMING) to `sink`, replacing any earlier one. */
  adopt(stream: number, sink: StreamSink): void {
    if (stream >= RELAY_STREAM_BASE && stream > this.#highestRelayStream) this.#highestRelayStream = stream;
    this.#streams.set(stream, sink);
  }

  /** Stops delivering frames for `stream` (after the page sent CLOSE). */
  forget(stream: number): void {
    this.#streams.delete(stream);
  }

  /**
   * Queues a frame. Frames of one tick go out as one WebSocket message, in order; frames
   * queued before WELCOME wait for it. The frame is encoded now, so the caller may reuse
   * its buffers as soon as this returns. A frame only some features send (DGRAM_OPEN, PEER,
   * RESOLVE, LISTEN, BIND) comes encoded (encodePageFrame), so a page carries its encoder only
   * with the feature.
   */
  send(frame: Frame | Uint8Array): void {
    if (this.#failure) return;
    this.#outbox.push(frame instanceof Uint8Array ? frame : encodeCoreFrame(frame));
    if (!this.#flushScheduled && this.#welcome) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  /** Sends the queued frames, coalesced into as few messages as the message limit allows. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#failure || this.#outbox.empty) return;
    for (const message of this.#outbox.drain(maxMessageBytes(this.maxFrameBody))) this.#sendNow(message);
  }

  #sendNow(bytes: Uint8Array): void {
    try {
      this.#ws?.send(bytes);
    } catch (err) {
      this.options.log(`relay send failed: ${String(err)}`);
      this.#fail(relayLostError(this.#welcome !== null));
    }
  }

  /** WSACleanup: closes the WebSocket; streams still open hear WSAECONNABORTED. */
  close(): void {
    this.#fail(WSAECONNABORTED);
  }
}
