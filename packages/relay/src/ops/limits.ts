/**
 * The relay's resource limits as small, clock-driven objects with no I/O: a token bucket (open
 * rate per client), a byte throttle (bandwidth per WebSocket), and counters keyed by client or
 * destination. `RelayLimits` holds the ones shared by every connection of one relay; the counts
 * that must hold across a fleet (WebSockets per client address, sockets per client address and
 * per ticket subject) live in its CountStore (count-store.ts), in memory or in Redis.
 */
import type { CountStore } from './count-store.js';

/** Milliseconds, monotonic. Injectable for tests. */
export type Clock = () => number;
export const monotonic: Clock = () => performance.now();

/**
 * A classic token bucket: `burst` tokens at most, refilled at `ratePerSecond`. `take()` spends
 * one if there is one. A rate of 0 means unlimited.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #at: number;

  constructor(ratePerSecond: number, burst: number, clock: Clock = monotonic) {
    this.#rate = ratePerSecond;
    this.#burst = Math.max(1, burst);
    this.#clock = clock;
    this.#tokens = this.#burst;
    this.#at = clock();
  }

  take(): boolean {
    if (this.#rate === 0) return true;
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when the bucket is full again (its state can be forgotten). */
  get full(): boolean {
    this.#refill();
    return this.#tokens >= this.#burst;
  }

  #refill(): void {
    const now = this.#clock();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
  }
}

/**
 * Bytes per second for one direction of one WebSocket, enforced by *delaying*, never by
 * buffering: `spend(n)` records bytes already moved and answers how many ms the caller should
 * wait before moving more (it pauses a socket or holds back a CREDIT meanwhile). A debt model:
 * the allowance may go negative by one chunk, and the wait pays it back. 0 = unlimited.
 */
export class ByteThrottle implements Throttle {
  readonly #rate: number;
  readonly #clock: Clock;
  /** Bytes that may still pass now; negative = debt. */
  #allowance: number;
  #at: number;

  constructor(bytesPerSecond: number, clock: Clock = monotonic) {
    this.#rate = bytesPerSecond;
    this.#clock = clock;
    // A tenth of a second of burst: small enough that 2 s of traffic stays within a few % of the cap.
    this.#allowance = bytesPerSecond / 10;
    this.#at = clock();
  }

  get limited(): boolean {
    return this.#rate > 0;
  }

  /** Records `bytes` as moved; returns the ms to wait before moving more (0 = go on). */
  spend(bytes: number): number {
    if (this.#rate === 0) return 0;
    this.#refill();
    this.#allowance -= bytes;
    return this.wait();
  }

  /** Ms until the allowance is no longer in debt. */
  wait(): number {
    if (this.#rate === 0) return 0;
    this.#refill();
    return this.#allowance >= 0 ? 0 : Math.ceil((-this.#allowance / this.#rate) * 1000);
  }

  #refill(): void {
    const now = this.#clock();
    this.#allowance = Math.min(this.#rate / 10, this.#allowance + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
  }
}

/** What a bandwidth cap looks like to its users (ByteThrottle, ShareThrottle, or the strictest of several). */
export interface Throttle {
  readonly limited: boolean;
  /** Records `bytes` as moved; returns the ms to wait before moving more (0 = go on). */
  spend(bytes: number): number;
  /** Ms until more may move. */
  wait(): number;
}

/**
 * A byte budget shared by every WebSocket of one client address, across the fleet: this relay
 * may move `bytesPerSecond × share()`, where share() is the part of the client's WebSockets this
 * relay carries (1 without `redis`). The same debt model as ByteThrottle; its rate follows the
 * share as WebSockets come and go on any relay, so no byte needs a round trip to Redis.
 */
export class ShareThrottle implements Throttle {
  readonly #rate: number;
  readonly #share: () => number;
  readonly #clock: Clock;
  #allowance: number;
  #at: number;

  constructor(bytesPerSecond: number, share: () => number, clock: Clock = monotonic) {
    this.#rate = bytesPerSecond;
    this.#share = share;
    this.#clock = clock;
    this.#allowance = bytesPerSecond / 10;
    this.#at = clock();
  }

  get limited(): boolean {
    return this.#rate > 0;
  }

  spend(bytes: number): number {
    this.#refill();
    this.#allowance -= bytes;
    return this.wait();
  }

  wait(): number {
    const rate = this.#rate * this.#share();
    this.#refill();
    return this.#allowance >= 0 || rate <= 0 ? 0 : Math.ceil((-this.#allowance / rate) * 1000);
  }

  #refill(): void {
    const now = this.#clock();
    const rate = this.#rate * this.#share();
    this.#allowance = Math.min(rate / 10, this.#allowance + ((now - this.#at) / 1000) * rate);
    this.#at = now;
  }
}

/** The strictest of several throttles: each is charged, the longest wait counts. */
class Strictest implements Throttle {
  readonly limited = true;
  readonly #parts: readonly Throttle[];

  constructor(parts: readonly Throttle[]) {
    this.#parts = parts;
  }

  spend(bytes: number): number {
    let wait = 0;
    for (const part of this.#parts) wait = Math.max(wait, part.spend(bytes));
    return wait;
  }

  wait(): number {
    let wait = 0;
    for (const part of this.#parts) wait = Math.max(wait, part.wait());
    return wait;
  }
}

/** `first` alone unless others are limited too (the common, uncapped case costs nothing more). */
export function strictest(first: Throttle, ...others: (Throttle | null)[]): Throttle {
  const limited = [first, ...others].filter((t): t is Throttle => t?.limited === true);
  if (limited.length === 0) return first;
  if (limited.length === 1) return limited[0]!;
  return new Strictest(limited);
}

/** Counts held by key (client IP, destination address); `acquire` fails at `max`. 0 = unlimited. */
export class KeyedCounter {
  readonly #counts = new Map<string, number>();

  acquire(key: string, max: number): boolean {
    const n = this.#counts.get(key) ?? 0;
    if (max > 0 && n >= max) return false;
    this.#counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.#counts.get(key) ?? 0;
    if (n <= 1) this.#counts.delete(key);
    else this.#counts.set(key, n - 1);
  }

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  get size(): number {
    return this.#counts.size;
  }

  /** The keys with a count above 0. */
  keys(): IterableIterator<string> {
    return this.#counts.keys();
  }
}

/**
 * Whose sockets a page's streams are: the keys of maxSocketsPerClient (null for an exempt
 * client) and maxSocketsPerSubject (null until a ticket with a subject was presented).
 */
export interface SocketOwner {
  client: string | null;
  subject: string | null;
}

/** A socket limit an owner is at: which one and what to log. */
export interface SocketLimitHit {
  limit: 'sockets_per_client' | 'sockets_per_subject' | 'listeners_per_client' | 'listeners_per_subject';
  detail: string;
}

export interface LimitOptions {
  maxConnectionsPerIp: number;
  maxSocketsTotal: number;
  maxConnectionsPerDestination: number;
  opensPerSecond: number;
  openBurst: number;
  maxConnectionsPerTicket: number;
  maxSocketsPerClient: number;
  maxSocketsPerSubject: number;
  maxListenersPerClient: number;
  maxListenersPerSubject: number;
  clientBandwidthBytesPerSec: number;
}

/** A client address's bandwidth budget in both directions, held by its WebSockets on this relay. */
export interface ClientBandwidth {
  readonly toPage: ShareThrottle;
  readonly fromPage: ShareThrottle;
}

/** Store keys, one namespace per count. */
const CONNECTIONS = 'ws:';
const SOCKETS_BY_CLIENT = 'sock:';
const SOCKETS_BY_SUBJECT = 'sub:';
const LISTENERS_BY_CLIENT = 'lsn:';
const LISTENERS_BY_SUBJECT = 'lsub:';

/** State shared by every connection of one relay. */
export class RelayLimits {
  readonly options: LimitOptions;
  /**
   * WebSockets per client address, sockets per client address and per ticket subject: the
   * counts a fleet shares when the relay has `redis`.
   */
  readonly store: CountStore;
  /** Per relay even in a fleet: a destination's connections are this relay's own sockets. */
  readonly connectionsByDestination = new KeyedCounter();
  /** WebSockets per ticket (its signature), for maxConnectionsPerTicket. */
  readonly connectionsByTicket = new KeyedCounter();
  /** TCP and UDP sockets open (lingering ones included) across the relay. */
  sockets = 0;
  readonly #openBuckets = new Map<string, TokenBucket>();
  readonly #bandwidth = new Map<string, ClientBandwidth & { holders: number }>();
  readonly #clock: Clock;

  constructor(options: LimitOptions, store: CountStore, clock: Clock = monotonic) {
    this.options = options;
    this.store = store;
    this.#clock = clock;
  }

  /** One more WebSocket from `client` unless it holds maxConnectionsPerIp (fleet-wide with redis). */
  acquireConnection(client: string): Promise<boolean> {
    return this.store.acquire(CONNECTIONS + client, this.options.maxConnectionsPerIp);
  }

  releaseConnection(client: string): void {
    this.store.release(CONNECTIONS + client);
  }

  /** WebSockets `client` holds (across the fleet, as far as this relay knows). */
  connections(client: string): number {
    return this.store.count(CONNECTIONS + client);
  }

  /**
   * The shared clientBandwidthBytesPerSec budget of `client` (null when off), until
   * `releaseBandwidth`. This relay's part is its share of the client's WebSockets in the fleet.
   */
  holdBandwidth(client: string): ClientBandwidth | null {
    const rate = this.options.clientBandwidthBytesPerSec;
    if (rate === 0) return null;
    let held = this.#bandwidth.get(client);
    if (held === undefined) {
      const key = CONNECTIONS + client;
      const share = (): number => {
        const here = this.store.local(key);
        return here === 0 ? 1 : here / Math.max(here, this.store.count(key));
      };
      held = {
        toPage: new ShareThrottle(rate, share, this.#clock),
        fromPage: new ShareThrottle(rate, share, this.#clock),
        holders: 0,
      };
      this.#bandwidth.set(client, held);
    }
    held.holders++;
    return held;
  }

  releaseBandwidth(client: string): void {
    const held = this.#bandwidth.get(client);
    if (held !== undefined && --held.holders === 0) this.#bandwidth.delete(client);
  }

  /** Which socket limit `owner` is at (maxSocketsPerClient, maxSocketsPerSubject), or null. */
  socketLimit(owner: SocketOwner): SocketLimitHit | null {
    const { maxSocketsPerClient, maxSocketsPerSubject } = this.options;
    if (
      owner.client !== null &&
      maxSocketsPerClient > 0 &&
      this.store.count(SOCKETS_BY_CLIENT + owner.client) >= maxSocketsPerClient
    ) {
      return { limit: 'sockets_per_client', detail: `${maxSocketsPerClient} sockets open for this client address` };
    }
    if (
      owner.subject !== null &&
      maxSocketsPerSubject > 0 &&
      this.store.count(SOCKETS_BY_SUBJECT + owner.subject) >= maxSocketsPerSubject
    ) {
      return { limit: 'sockets_per_subject', detail: `${maxSocketsPerSubject} sockets open for this ticket subject` };
    }
    return null;
  }

  /** Which listener limit `owner` is at (maxListenersPerClient, maxListenersPerSubject), or null. */
  listenerLimit(owner: SocketOwner): SocketLimitHit | null {
    const { maxListenersPerClient, maxListenersPerSubject } = this.options;
    if (
      owner.client !== null &&
      maxListenersPerClient > 0 &&
      this.store.count(LISTENERS_BY_CLIENT + owner.client) >= maxListenersPerClient
    ) {
      return {
        limit: 'listeners_per_client',
        detail: `${maxListenersPerClient} listeners open for this client address`,
      };
    }
    if (
      owner.subject !== null &&
      maxListenersPerSubject > 0 &&
      this.store.count(LISTENERS_BY_SUBJECT + owner.subject) >= maxListenersPerSubject
    ) {
      return {
        limit: 'listeners_per_subject',
        detail: `${maxListenersPerSubject} listeners open for this ticket subject`,
      };
    }
    return null;
  }

  /** A listener opened for `owner` (besides its socket): counted under its keys until `releaseListener`. */
  holdListener(owner: SocketOwner): void {
    if (owner.client !== null) this.store.add(LISTENERS_BY_CLIENT + owner.client);
    if (owner.subject !== null) this.store.add(LISTENERS_BY_SUBJECT + owner.subject);
  }

  releaseListener(owner: SocketOwner): void {
    if (owner.client !== null) this.store.release(LISTENERS_BY_CLIENT + owner.client);
    if (owner.subject !== null) this.store.release(LISTENERS_BY_SUBJECT + owner.subject);
  }

  /** A socket opened for `owner`: counted relay-wide and under its keys until `releaseSocket`. */
  holdSocket(owner: SocketOwner): void {
    this.sockets++;
    if (owner.client !== null) this.store.add(SOCKETS_BY_CLIENT + owner.client);
    if (owner.subject !== null) this.store.add(SOCKETS_BY_SUBJECT + owner.subject);
  }

  /** `owner` as it was at `holdSocket` (the caller keeps a copy: a subject arrives later). */
  releaseSocket(owner: SocketOwner): void {
    this.sockets--;
    if (owner.client !== null) this.store.release(SOCKETS_BY_CLIENT + owner.client);
    if (owner.subject !== null) this.store.release(SOCKETS_BY_SUBJECT + owner.subject);
  }

  /** Spends one open (OPEN, DGRAM_OPEN, RESOLVE) of `client`'s rate; false when there is none left. */
  takeOpen(client: string): boolean {
    if (this.options.opensPerSecond === 0) return true;
    let bucket = this.#openBuckets.get(client);
    if (!bucket) {
      bucket = new TokenBucket(this.options.opensPerSecond, this.options.openBurst, this.#clock);
      this.#openBuckets.set(client, bucket);
    }
    return bucket.take();
  }

  /**
   * Counts one more WebSocket on a ticket (keyed by its signature) until `released` settles;
   * false when the ticket already holds maxConnectionsPerTicket. A null key (no secret) is free.
   */
  holdTicket(key: string | null, released: Promise<unknown>): boolean {
    if (key === null || this.options.maxConnectionsPerTicket === 0) return true;
    if (!this.connectionsByTicket.acquire(key, this.options.maxConnectionsPerTicket)) return false;
    void released.then(() => this.connectionsByTicket.release(key));
    return true;
  }

  /** Forgets buckets that are full again and whose client has no connection: memory stays bounded. */
  sweep(): void {
    for (const [client, bucket] of this.#openBuckets) {
      if (bucket.full && this.store.local(CONNECTIONS + client) === 0) this.#openBuckets.delete(client);
    }
  }

  get trackedClients(): number {
    return this.#openBuckets.size;
  }
}
