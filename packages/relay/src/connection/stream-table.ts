/**
 * One page's stream ids and what they hold: the live streams (one id space per side, the page's
 * below 0x80000000, the relay's from there up, never reused), the TCP streams still lingering
 * after a graceful CLOSE, the page's listeners, and the relay-wide socket count each stream
 * holds until its socket has really closed.
 */
import { frameName } from '@ws2web/protocol';
import type { RelayLimits, SocketOwner } from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';
import type { NameQuery } from '../streams/name-query.js';
import type { HostedStream, StreamKind } from '../streams/stream-host.js';
import type { TcpListener } from '../streams/tcp-listener.js';
import type { TcpStream } from '../streams/tcp-stream.js';
import type { UdpStream } from '../streams/udp-stream.js';

/** Ids from here on are reserved for relay-initiated streams (RELAY_STREAM_BASE). */
export const FIRST_RELAY_STREAM = 0x80000000;
const LAST_RELAY_STREAM = 0xffffffff;

export type LiveStream = TcpStream | UdpStream | NameQuery | TcpListener;

/** The gauge each kind of stream counts in while it holds its id. */
/** How many ended BIND ids the table remembers for a LISTEN that may cross their end. */
const CLOSED_BIND_MEMORY = 256;

const GAUGE: Record<StreamKind, 'streams' | 'udpSockets' | 'listeners' | null> = {
  TCP: 'streams',
  UDP: 'udpSockets',
  LISTEN: 'listeners',
  RESOLVE: null,
};

export class StreamTable {
  readonly #metrics: Metrics;
  readonly #limits: RelayLimits;
  readonly #streams = new Map<number, LiveStream>();
  /** Streams the page closed gracefully whose sockets are still draining. */
  readonly #lingering = new Set<HostedStream>();
  /** This page's listeners (also in #streams), for drain and the pending count. */
  readonly #listeners = new Set<TcpListener>();
  /** Streams counted in `limits.sockets` whose socket has not closed yet, with the owner they were counted under. */
  readonly #holdingSocket = new Map<HostedStream, SocketOwner>();
  /** 'close' of every socket destroyed here, so `socketsClosed` waits for them. */
  readonly #socketCloses: Promise<void>[] = [];
  #highestPageId = 0;
  /** BIND streams the relay ended before a LISTEN for them (a LISTEN may be on its way), oldest first. */
  readonly #closedBinds = new Set<number>();
  #nextRelayId = FIRST_RELAY_STREAM;

  /** Whose sockets these are (maxSocketsPerClient, maxSocketsPerSubject). */
  readonly #owner: SocketOwner;

  constructor(metrics: Metrics, limits: RelayLimits, owner: SocketOwner = { client: null, subject: null }) {
    this.#metrics = metrics;
    this.#limits = limits;
    this.#owner = owner;
  }

  /** Streams holding an id. */
  get live(): number {
    return this.#streams.size;
  }

  /** What counts against maxStreams: live streams and sockets still lingering. */
  get open(): number {
    return this.#streams.size + this.#lingering.size;
  }

  get lingering(): number {
    return this.#lingering.size;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  get(id: number): LiveStream | undefined {
    return this.#streams.get(id);
  }

  /** Whether `stream` still holds its id (a CREDIT held back for it may still go out). */
  holds(stream: HostedStream): boolean {
    return this.#streams.get(stream.id) === stream;
  }

  /**
   * The stream-id rules of every stream-opening frame (OPEN, DGRAM_OPEN, RESOLVE, LISTEN): a page
   * id, not live, above every id used before. Null when `id` may be used (it is then the highest);
   * else what is wrong, for the protocol error.
   */
  claim(id: number, type: number): string | null {
    const name = frameName(type);
    if (id >= FIRST_RELAY_STREAM) return `${name} for relay-reserved stream ${id}`;
    if (this.#streams.has(id)) return `duplicate ${name} for live stream ${id}`;
    if (id <= this.#highestPageId) return `${name} reuses stream id ${id} (last was ${this.#highestPageId})`;
    this.#highestPageId = id;
    return null;
  }

  /** The next relay stream id (INCOMING), or null once 2^31 of them were used on this WebSocket. */
  nextRelayId(): number | null {
    return this.#nextRelayId > LAST_RELAY_STREAM ? null : this.#nextRelayId++;
  }

  /** A new stream takes its id: counted in its gauge and, if it owns a socket, in the relay's total. */
  add(stream: LiveStream): void {
    this.#streams.set(stream.id, stream);
    const gauge = GAUGE[stream.kind];
    if (gauge !== null) {
      this.#metrics[gauge]++;
      const owner = { ...this.#owner };
      this.#limits.holdSocket(owner);
      this.#holdingSocket.set(stream, owner);
      if (stream.kind === 'LISTEN') this.#limits.holdListener(owner);
    }
    if (stream.kind === 'LISTEN') this.#listeners.add(stream);
  }

  /** The stream left its id behind (StreamHost.released); its socket may linger. */
  release(stream: HostedStream): void {
    const live = this.#streams.get(stream.id);
    if (live === stream) {
      this.#streams.delete(live.id);
      const gauge = GAUGE[live.kind];
      if (gauge !== null) this.#metrics[gauge]--;
      if (live.kind === 'LISTEN' && live.listenMayCross) this.rememberEndedBind(live.id);
      if (live.kind === 'LISTEN' && this.#listeners.delete(live)) {
        const owner = this.#holdingSocket.get(live);
        if (owner !== undefined) this.#limits.releaseListener(owner);
      }
    }
    const owner = this.#holdingSocket.get(stream);
    if (owner !== undefined) {
      this.#holdingSocket.delete(stream);
      const limits = this.#limits;
      // A stream released before dialling has an already-resolved socketClosed.
      void stream.socketClosed.then(() => limits.releaseSocket(owner));
    }
    if (stream.lingering && !this.#lingering.has(stream)) {
      this.#lingering.add(stream);
      void stream.socketClosed.then(() => this.#lingering.delete(stream));
    }
  }

  /** Streams by gauge state name, for `streams_by_state`. */
  countStates(into: Record<string, number>): void {
    for (const stream of this.#streams.values()) {
      const name = stream.gaugeState;
      into[name] = (into[name] ?? 0) + 1;
    }
    if (this.#lingering.size > 0) into.LINGERING = (into.LINGERING ?? 0) + this.#lingering.size;
  }

  /** Inbound connections offered and not yet accepted, over all listeners. */
  pendingInbound(): number {
    let n = 0;
    for (const listener of this.#listeners) n += listener.pendingCount;
    return n;
  }

  /** A BIND the relay ended (or refused before it was a stream): a LISTEN for it may be on its way. */
  rememberEndedBind(id: number): void {
    this.#closedBinds.add(id);
    if (this.#closedBinds.size > CLOSED_BIND_MEMORY) {
      this.#closedBinds.delete(this.#closedBinds.values().next().value!);
    }
  }

  /** Every listener stops (the relay drains). */
  drainListeners(): void {
    for (const listener of [...this.#listeners]) listener.drain();
  }

  /**
   * Whether `id` was a BIND's stream the relay refused or closed before its LISTEN came: that
   * LISTEN crossed the answer (forgotten once it came, or once the memory is full).
   */
  takeCrossedBind(id: number): boolean {
    return this.#closedBinds.delete(id);
  }

  /** Destroys every open stream's socket; lingering ones too when the relay itself is closing. */
  destroyAll(includeLingering: boolean): void {
    for (const stream of [...this.#streams.values()]) this.#socketCloses.push(stream.destroy());
    if (includeLingering) for (const stream of [...this.#lingering]) this.#socketCloses.push(stream.destroy());
  }

  /** Every socket destroyed here closed, and every lingering one finished draining. */
  async socketsClosed(): Promise<void> {
    await Promise.all([...this.#socketCloses, ...[...this.#lingering].map((s) => s.socketClosed)]);
  }
}
