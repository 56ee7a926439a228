/**
 * TCP connections to the relay's port that have not become a WebSocket (or sent an HTTP
 * request) yet: each gets `upgradeTimeoutMs` to do so, and one client address may hold at most
 * `maxPendingUpgradesPerIp` of them. Without this a connection that never sends a byte (or
 * sends one) lives forever — Node's headersTimeout only starts with a request — and 2,000 of
 * them exhaust the relay's file descriptors for everyone. Clients in `exemptClients` or
 * `trustProxy` skip the per-address cap (a reverse proxy is one address for many clients), not
 * the timeout.
 */
import type net from 'node:net';
import { KeyedCounter } from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';

export interface PendingUpgradeOptions {
  upgradeTimeoutMs: number;
  maxPendingUpgradesPerIp: number;
  /** Whether the per-address cap skips this peer address. */
  uncapped(address: string): boolean;
}

interface Pending {
  timer: NodeJS.Timeout;
  key: string | null;
}

export class PendingUpgrades {
  readonly #options: PendingUpgradeOptions;
  readonly #metrics: Metrics;
  readonly #byAddress = new KeyedCounter();
  readonly #pending = new Map<net.Socket, Pending>();

  constructor(options: PendingUpgradeOptions, metrics: Metrics) {
    this.#options = options;
    this.#metrics = metrics;
  }

  /** Connections not upgraded yet, for tests and the gauge. */
  get size(): number {
    return this.#pending.size;
  }

  /** A new TCP (or, with TLS, secure) connection: admitted and timed, or destroyed at once. */
  readonly onConnection = (socket: net.Socket): void => {
    const address = socket.remoteAddress ?? 'unknown';
    let key: string | null = null;
    if (!this.#options.uncapped(address)) {
      if (!this.#byAddress.acquire(address, this.#options.maxPendingUpgradesPerIp)) {
        this.#metrics.countLimit('pending_upgrades_per_ip');
        socket.destroy();
        return;
      }
      key = address;
    }
    const timer = setTimeout(this.#onTimeout, this.#options.upgradeTimeoutMs, socket);
    timer.unref();
    this.#pending.set(socket, { timer, key });
    socket.once('close', () => this.settle(socket));
  };

  /** The connection sent a request or an upgrade: no longer pending. Idempotent. */
  settle(socket: net.Socket): void {
    const pending = this.#pending.get(socket);
    if (pending === undefined) return;
    this.#pending.delete(socket);
    clearTimeout(pending.timer);
    if (pending.key !== null) this.#byAddress.release(pending.key);
  }

  /** Stops every timer (the relay is closing; its server destroys the sockets). */
  clear(): void {
    for (const socket of [...this.#pending.keys()]) this.settle(socket);
  }

  #onTimeout = (socket: net.Socket): void => {
    this.settle(socket);
    this.#metrics.countLimit('upgrade_timeout');
    socket.destroy();
  };
}
