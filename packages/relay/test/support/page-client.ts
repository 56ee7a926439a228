/**
 * A minimal "page" for relay tests: a real `ws` client that speaks the codec, with helpers to
 * wait for frames. Every frame received is kept in order until a test takes it.
 */
import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  FrameType,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeFrames,
  frameName,
  type DatagramFrame,
  type DgramOpenedFrame,
  type Endpoint,
  type Frame,
  type IncomingFrame,
  type ListeningFrame,
  type ResolvedFrame,
  type VerdictFrame,
  type GoawayFrame,
  type OpenFailedFrame,
  type OpenedFrame,
  type WelcomeFrame,
} from '@ws2web/protocol';

export interface Closed {
  code: number;
  reason: string;
}

type Waiter = { match: (f: Frame) => boolean; resolve: (f: Frame) => void };

export class PageClient {
  readonly ws: WebSocket;
  readonly closed: Promise<Closed>;
  /** Frames received and not yet taken by `next`. */
  readonly inbox: Frame[] = [];
  /** Number of WebSocket messages received (to observe coalescing). */
  messages = 0;
  #waiters: Waiter[] = [];
  #decodeError: string | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('message', (data: Buffer, isBinary) => {
      this.messages++;
      if (!isBinary) {
        this.#decodeError = 'relay sent a text message';
        return;
      }
      const decoded = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (!decoded.ok) {
        this.#decodeError = decoded.error.toString();
        return;
      }
      for (const f of decoded.frames) this.#deliver(f);
    });
  }

  /** Opens the WebSocket (no HELLO yet). */
  static connect(url: string, headers: Record<string, string> = {}): Promise<PageClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      const client = new PageClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
    });
  }

  /** Connects and completes the handshake. */
  static async ready(url: string, token = ''): Promise<PageClient> {
    const client = await PageClient.connect(url);
    await client.hello(token);
    return client;
  }

  send(...frames: Frame[]): void {
    this.ws.send(encodeFrames(frames));
  }

  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** HELLO, then the relay's answer: WELCOME, or GOAWAY when it refuses. */
  async hello(token = '', version = PROTOCOL_VERSION): Promise<WelcomeFrame | GoawayFrame> {
    this.send({ type: FrameType.HELLO, version, token });
    return (await this.next((f) => f.type === FrameType.WELCOME || f.type === FrameType.GOAWAY)) as
      | WelcomeFrame
      | GoawayFrame;
  }

  /** OPEN, then the relay's answer (OPENED or OPEN_FAILED). */
  async open(
    stream: number,
    remote: Endpoint,
    opts: { window?: number; flags?: number; local?: Endpoint | null; timeoutMs?: number } = {},
  ): Promise<OpenedFrame | OpenFailedFrame> {
    this.send({
      type: FrameType.OPEN,
      stream,
      transport: 1,
      flags: opts.flags ?? 0,
      window: opts.window ?? 1 << 20,
      remote,
      local: opts.local ?? null,
    });
    return (await this.next(
      (f) => (f.type === FrameType.OPENED || f.type === FrameType.OPEN_FAILED) && f.stream === stream,
      opts.timeoutMs,
    )) as OpenedFrame | OpenFailedFrame;
  }

  /** DGRAM_OPEN, then the relay's answer (DGRAM_OPENED or OPEN_FAILED). */
  async dgramOpen(
    stream: number,
    family: 4 | 6,
    opts: { window?: number; flags?: number; local?: Endpoint | null; timeoutMs?: number } = {},
  ): Promise<DgramOpenedFrame | OpenFailedFrame> {
    this.send({
      type: FrameType.DGRAM_OPEN,
      stream,
      family,
      flags: opts.flags ?? 0,
      window: opts.window ?? 1 << 20,
      local: opts.local ?? null,
    });
    return (await this.next(
      (f) => (f.type === FrameType.DGRAM_OPENED || f.type === FrameType.OPEN_FAILED) && f.stream === stream,
      opts.timeoutMs,
    )) as DgramOpenedFrame | OpenFailedFrame;
  }

  /** LISTEN, then the relay's answer (LISTENING or OPEN_FAILED). */
  async listen(
    stream: number,
    local: Endpoint,
    opts: { backlog?: number; flags?: number; family?: 4 | 6; timeoutMs?: number } = {},
  ): Promise<ListeningFrame | OpenFailedFrame> {
    const family = opts.family ?? (local.kind === 'ipv6' ? 6 : 4);
    this.send({ type: FrameType.LISTEN, stream, family, flags: opts.flags ?? 0, backlog: opts.backlog ?? 5, local });
    return (await this.next(
      (f) => (f.type === FrameType.LISTENING || f.type === FrameType.OPEN_FAILED) && f.stream === stream,
      opts.timeoutMs,
    )) as ListeningFrame | OpenFailedFrame;
  }

  /** BIND (hold a TCP address), then the relay's answer (LISTENING or OPEN_FAILED). */
  async bind(
    stream: number,
    local: Endpoint,
    opts: { flags?: number; family?: 4 | 6 } = {},
  ): Promise<ListeningFrame | OpenFailedFrame> {
    const family = opts.family ?? (local.kind === 'ipv6' ? 6 : 4);
    this.send({ type: FrameType.BIND, stream, family, flags: opts.flags ?? 0, local });
    return (await this.next(
      (f) => (f.type === FrameType.LISTENING || f.type === FrameType.OPEN_FAILED) && f.stream === stream,
    )) as ListeningFrame | OpenFailedFrame;
  }

  /** The next INCOMING on listener `stream`. */
  async incoming(stream: number, timeoutMs = 5000): Promise<IncomingFrame> {
    return (await this.nextOn(stream, FrameType.INCOMING, timeoutMs)) as IncomingFrame;
  }

  /** PEER, then its VERDICT. */
  async peer(stream: number, seq: number, mode: number, address: Endpoint | null): Promise<VerdictFrame> {
    this.send({ type: FrameType.PEER, stream, seq, mode, address });
    return (await this.next(
      (f) => f.type === FrameType.VERDICT && f.stream === stream && f.seq === seq,
    )) as VerdictFrame;
  }

  /** One DATAGRAM of `stream`, waiting up to `timeoutMs`; grants its bytes back when `credit`. */
  async datagram(stream: number, { credit = true, timeoutMs = 5000 } = {}): Promise<DatagramFrame> {
    const f = (await this.nextOn(stream, FrameType.DATAGRAM, timeoutMs)) as DatagramFrame;
    if (credit && f.data.length > 0) this.send({ type: FrameType.CREDIT, stream, bytes: f.data.length });
    return f;
  }

  /** RESOLVE, then the relay's answer (RESOLVED or OPEN_FAILED). */
  async resolve(
    stream: number,
    host: string,
    family = 0,
    flags = 0,
    timeoutMs = 5000,
  ): Promise<ResolvedFrame | OpenFailedFrame> {
    this.send({ type: FrameType.RESOLVE, stream, family, flags, host });
    return (await this.next(
      (f) => (f.type === FrameType.RESOLVED || f.type === FrameType.OPEN_FAILED) && f.stream === stream,
      timeoutMs,
    )) as ResolvedFrame | OpenFailedFrame;
  }

  /** Sum of CREDIT bytes the relay granted on `stream` so far (taken from the inbox). */
  takeCredit(stream: number): number {
    let n = 0;
    for (let i = this.inbox.length - 1; i >= 0; i--) {
      const f = this.inbox[i]!;
      if (f.type === FrameType.CREDIT && f.stream === stream) {
        n += f.bytes;
        this.inbox.splice(i, 1);
      }
    }
    return n;
  }

  /** Takes the first received frame matching `match`, waiting up to `timeoutMs`. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const seen = this.inbox.map((f) => frameName(f.type)).join(',');
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms (unconsumed: ${seen || 'none'}; decode error: ${this.#decodeError ?? 'none'})`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  nextOn(stream: number, type: number, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === type && 'stream' in f && f.stream === stream, timeoutMs);
  }

  /**
   * Reads `length` DATA bytes of `stream`. With `credit`, grants back each frame's bytes as it
   * is consumed (like a page whose application keeps calling recv).
   */
  async read(stream: number, length: number, { credit = true, timeoutMs = 10_000 } = {}): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const f = await this.nextOn(stream, FrameType.DATA, timeoutMs);
      if (f.type !== FrameType.DATA) throw new Error('unreachable');
      parts.push(Buffer.from(f.data));
      got += f.data.length;
      if (credit && f.data.length > 0) this.send({ type: FrameType.CREDIT, stream, bytes: f.data.length });
    }
    return Buffer.concat(parts);
  }

  /** DATA bytes of `stream` sitting unconsumed in the inbox. */
  bufferedData(stream: number): number {
    let n = 0;
    for (const f of this.inbox) if (f.type === FrameType.DATA && f.stream === stream) n += f.data.length;
    return n;
  }

  /** Frames of `stream` in the inbox, by type name, in order. */
  typesOn(stream: number): string[] {
    return this.inbox.filter((f) => 'stream' in f && f.stream === stream).map((f) => frameName(f.type));
  }

  get decodeError(): string | null {
    return this.#decodeError;
  }

  /**
   * A WebSocket ping answered by the relay: everything the relay queued for this page before the
   * ping reached it has arrived once this resolves (the outbox flushes every turn; the pong goes
   * out behind it on the same connection). A test that asserts something did not arrive awaits
   * this first, so the absence is not just a short wait.
   */
  async roundTrip(): Promise<void> {
    const pong = once(this.ws, 'pong');
    this.ws.ping();
    await pong;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }

  #deliver(f: Frame): void {
    const i = this.#waiters.findIndex((w) => w.match(f));
    if (i >= 0) {
      const [w] = this.#waiters.splice(i, 1);
      w!.resolve(f);
      return;
    }
    this.inbox.push(f);
  }
}

export const ipv4 = (port: number, address = '127.0.0.1'): Endpoint => ({ kind: 'ipv4', address, port });
export const ipv6 = (port: number, address = '::1', scopeId = 0): Endpoint => ({
  kind: 'ipv6',
  address,
  port,
  scopeId,
});
export const named = (host: string, port: number): Endpoint => ({ kind: 'name', host, port });
