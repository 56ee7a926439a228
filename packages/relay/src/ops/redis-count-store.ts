/**
 * The relay's counts in a Redis server the whole fleet shares (`redis: 'redis://host:6379'`),
 * so per-client and per-subject limits hold across every relay behind a load balancer.
 *
 * In Redis (one standalone server or primary; the scripts touch keys they compute, so not
 * Redis Cluster):
 *   ws2web:count:<key>   hash: relay id → that relay's count under <key>
 *   ws2web:keys          set of the <key>s that have a hash
 *   ws2web:relay:<id>    "1" with a TTL of `ttlMs`, refreshed every ttlMs/3: the relay is alive
 *   ws2web:counts        pub/sub channel: {"r":id,"k":key,"n":count} on every change,
 *                        {"r":id,"hb":1} on every heartbeat, {"r":id,"bye":1} on close
 *
 * Every write is this relay's absolute count (never an increment), so a write repeated after a
 * reconnect is harmless and the relay can re-assert all its counts when Redis comes back empty.
 *
 * A relay that dies stops counting once its liveness key expires (ttlMs, default 15 s): the
 * scripts skip (and delete) hash fields of relays without one, and the other relays forget
 * what they heard from a relay whose heartbeat they have not heard for ttlMs.
 *
 * Redis unreachable (or slower than `timeoutMs`): fail open to this relay's own counts. Every
 * relay keeps enforcing the same caps on what it carries itself — the bounds of a relay without
 * `redis` — the failure is counted (`fleet_store_errors`) and logged once per outage, and the
 * relay re-asserts its counts when Redis answers again. Refusing every page fleet-wide because
 * a counter store is down would turn a Redis outage into a relay outage.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import type { CountStore } from './count-store.js';
import { KeyedCounter } from './limits.js';
import type { Logger } from './log.js';

export interface RedisCountStoreOptions {
  url: string;
  /** How long a relay's counts outlive its last heartbeat, ms. */
  ttlMs: number;
  /** A command not answered within this is a failure (the relay decides on its own counts), ms. */
  timeoutMs: number;
  log: Logger;
  /** A command failed or timed out. */
  failed(): void;
  /** A count change announced by another relay arrived. */
  heard(): void;
}

const PREFIX = 'ws2web:';
const HASH = `${PREFIX}count:`;
const KEYS = `${PREFIX}keys`;
const LIVE = `${PREFIX}relay:`;
const CHANNEL = `${PREFIX}counts`;

/** Sets this relay's count under a key (0 removes it) and announces it. */
const SET_SCRIPT = `
local n = tonumber(ARGV[2])
if n > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], n)
  redis.call('SADD', KEYS[2], ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[3]) end
end
redis.call('PUBLISH', ARGV[4], cjson.encode({r = ARGV[1], k = ARGV[3], n = n}))
return n`;

/** Sets this relay's count to ARGV[6] unless the live relays' counts then exceed ARGV[2]: 1 = set, 0 = refused. */
const ACQUIRE_SCRIPT = `
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local relay = fields[i]
  if relay ~= ARGV[1] then
    if redis.call('EXISTS', ARGV[5] .. relay) == 1 then total = total + tonumber(fields[i + 1])
    else redis.call('HDEL', KEYS[1], relay) end
  end
end
local n = tonumber(ARGV[6])
local max = tonumber(ARGV[2])
if max > 0 and total + n > max then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], n)
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], cjson.encode({r = ARGV[1], k = ARGV[3], n = n}))
return 1`;

/** Every other live relay's counts, as [key, relay, n, …]; dead relays' fields are deleted on the way. */
const SNAPSHOT_SCRIPT = `
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local hash = ARGV[3] .. key
  local fields = redis.call('HGETALL', hash)
  for i = 1, #fields, 2 do
    local relay = fields[i]
    if relay ~= ARGV[1] then
      if redis.call('EXISTS', ARGV[2] .. relay) == 1 then
        table.insert(out, key)
        table.insert(out, relay)
        table.insert(out, fields[i + 1])
      else
        redis.call('HDEL', hash, relay)
      end
    end
  end
  if redis.call('EXISTS', hash) == 0 then redis.call('SREM', KEYS[1], key) end
end
return out`;

/** What this relay heard from another one. */
interface Peer {
  heardAt: number;
  counts: Map<string, number>;
}

type Client = ReturnType<typeof createClient>;

export class RedisCountStore implements CountStore {
  /** This relay's id in Redis: random per start, so a restarted relay never inherits a dead one's counts. */
  readonly id = randomBytes(8).toString('hex');
  readonly #options: RedisCountStoreOptions;
  readonly #client: Client;
  readonly #subscriber: Client;
  readonly #local = new KeyedCounter();
  readonly #peers = new Map<string, Peer>();
  #heartbeat: NodeJS.Timeout | null = null;
  /** True while Redis answers; a failure flips it (logged once) until a command succeeds again. */
  #reachable = true;
  #closed = false;
  #markReady: () => void = noop;
  /** Resolves once the first 'ready' work (liveness key, re-assertion, snapshot) is done. */
  readonly #ready = new Promise<void>((resolve) => {
    this.#markReady = resolve;
  });

  constructor(options: RedisCountStoreOptions) {
    this.#options = options;
    const clientOptions = {
      url: options.url,
      // Fail at once while disconnected: the relay then decides on its own counts.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: Math.max(options.timeoutMs, 1000),
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      },
    };
    this.#client = createClient(clientOptions);
    this.#subscriber = createClient(clientOptions);
    this.#client.on('error', this.#onClientError);
    this.#subscriber.on('error', this.#onClientError);
    this.#client.on('ready', this.#onReady);
  }

  /**
   * Connects (both the command and the pub/sub connection). Waits at most a few timeouts: a
   * relay whose Redis is down still starts, on its own counts, and keeps reconnecting.
   */
  async start(): Promise<void> {
    const connected = Promise.all([
      this.#client.connect(),
      this.#subscriber.connect().then(() => this.#subscriber.subscribe(CHANNEL, this.#onMessage)),
    ]);
    connected.catch(this.#onFailure);
    const wait = Math.max(this.#options.timeoutMs * 4, 2000);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, wait);
    });
    await Promise.race([connected.then(() => this.#ready, noop), timedOut]);
    clearTimeout(timer);
    this.#heartbeat = setInterval(this.#onHeartbeat, Math.max(1, Math.floor(this.#options.ttlMs / 3)));
    this.#heartbeat.unref();
  }

  async acquire(key: string, max: number): Promise<boolean> {
    // Counted here first, so two acquires in flight on this relay never write the same count.
    this.#local.acquire(key, 0);
    const n = this.#local.get(key);
    try {
      const set = await this.#eval(ACQUIRE_SCRIPT, [HASH + key, KEYS], [this.id, max, key, CHANNEL, LIVE, n]);
      if (set === 1) return true;
      this.release(key);
      return false;
    } catch {
      // #eval counted the failure: this relay's own count decides.
      if (max === 0 || this.#local.get(key) <= max) return true;
      this.release(key);
      return false;
    }
  }

  add(key: string): void {
    this.#local.acquire(key, 0);
    this.#write(key);
  }

  release(key: string): void {
    this.#local.release(key);
    this.#write(key);
  }

  count(key: string): number {
    let n = this.#local.get(key);
    const fresh = performance.now() - this.#options.ttlMs;
    for (const peer of this.#peers.values()) if (peer.heardAt >= fresh) n += peer.counts.get(key) ?? 0;
    return n;
  }

  local(key: string): number {
    return this.#local.get(key);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#client.isReady) {
      // The others stop counting this relay at once instead of after ttlMs.
      await Promise.allSettled([
        this.#command(['DEL', LIVE + this.id]),
        this.#command(['PUBLISH', CHANNEL, JSON.stringify({ r: this.id, bye: 1 })]),
      ]);
    }
    await Promise.allSettled([this.#client.close(), this.#subscriber.close()]);
    this.#client.destroy();
    this.#subscriber.destroy();
  }

  /** Writes this relay's count under `key`; a failure is repaired by the re-assertion on reconnect. */
  #write(key: string): void {
    this.#eval(SET_SCRIPT, [HASH + key, KEYS], [this.id, this.#local.get(key), key, CHANNEL]).catch(noop);
  }

  #eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.#command(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);
  }

  #command(args: string[]): Promise<unknown> {
    if (this.#closed && args[0] === 'EVAL') return Promise.reject(new Error('count store closed'));
    return this.#client.sendCommand(args, { timeout: this.#options.timeoutMs, rejectInFlight: true }).then(
      (reply) => {
        if (!this.#reachable) {
          this.#reachable = true;
          this.#options.log('warn', 'fleet count store reachable again', { redis: this.#safeUrl });
        }
        return reply;
      },
      (err: unknown) => {
        this.#onFailure(err);
        throw err;
      },
    );
  }

  /** The URL without a password, for logs. */
  get #safeUrl(): string {
    try {
      const url = new URL(this.#options.url);
      url.password = '';
      return url.toString();
    } catch {
      return '(unparsable url)';
    }
  }

  #onFailure = (err: unknown): void => {
    if (this.#closed) return;
    this.#options.failed();
    if (!this.#reachable) return;
    this.#reachable = false;
    this.#options.log('warn', "fleet count store unreachable; limits fall back to this relay's own counts", {
      redis: this.#safeUrl,
      error: err instanceof Error ? err.message : String(err),
    });
  };

  #onClientError = (err: unknown): void => {
    // The client reconnects by itself; commands fail meanwhile (and count as failures there).
    if (this.#reachable && !this.#closed) this.#onFailure(err);
  };

  /** (Re)connected: announce liveness, re-assert every count this relay holds, read the others'. */
  #onReady = (): void => {
    void this.#sync().then(this.#markReady, this.#markReady);
  };

  async #sync(): Promise<void> {
    await this.#command(['SET', LIVE + this.id, '1', 'PX', String(this.#options.ttlMs)]);
    const writes: Promise<unknown>[] = [];
    for (const key of this.#local.keys())
      writes.push(this.#eval(SET_SCRIPT, [HASH + key, KEYS], [this.id, this.#local.get(key), key, CHANNEL]));
    await Promise.all(writes);
    const flat = (await this.#eval(SNAPSHOT_SCRIPT, [KEYS], [this.id, LIVE, HASH])) as string[];
    this.#peers.clear();
    for (let i = 0; i + 2 < flat.length; i += 3) this.#heardCount(flat[i + 1]!, flat[i]!, Number(flat[i + 2]));
  }

  #onHeartbeat = (): void => {
    if (this.#closed) return;
    const { ttlMs } = this.#options;
    this.#command(['SET', LIVE + this.id, '1', 'PX', String(ttlMs)]).catch(noop);
    this.#command(['PUBLISH', CHANNEL, JSON.stringify({ r: this.id, hb: 1 })]).catch(noop);
    const stale = performance.now() - ttlMs;
    for (const [id, peer] of this.#peers) if (peer.heardAt < stale) this.#peers.delete(id);
  };

  #onMessage = (message: string): void => {
    let parsed: { r?: unknown; k?: unknown; n?: unknown; bye?: unknown };
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const { r } = parsed;
    if (typeof r !== 'string' || r === this.id) return;
    if (parsed.bye !== undefined) {
      this.#peers.delete(r);
      return;
    }
    if (typeof parsed.k === 'string' && typeof parsed.n === 'number') {
      this.#heardCount(r, parsed.k, parsed.n);
      this.#options.heard();
      return;
    }
    this.#peer(r).heardAt = performance.now();
  };

  #heardCount(relay: string, key: string, n: number): void {
    const peer = this.#peer(relay);
    peer.heardAt = performance.now();
    if (n > 0) peer.counts.set(key, n);
    else peer.counts.delete(key);
  }

  #peer(relay: string): Peer {
    let peer = this.#peers.get(relay);
    if (!peer) {
      peer = { heardAt: performance.now(), counts: new Map() };
      this.#peers.set(relay, peer);
    }
    return peer;
  }
}

function noop(): void {}
