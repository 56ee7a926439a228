/**
 * `startRelay`: an HTTP (or HTTPS, with `tls`) server that upgrades to one binary WebSocket per
 * page (see connection.ts) and answers /healthz and /readyz on the same port, and /metrics there
 * only as http-routes.ts's metricsAccess allows — or on a separate listener (`metricsPort`).
 *
 * Upgrade checks (upgrade-checks.ts), in order: shutting down → 503; Origin not allowed → 403; an X-Forwarded-For
 * from a trusted proxy with an unparsable hop → 400; the client already has maxConnectionsPerIp
 * WebSockets → 429. The page reports each as WSAENETDOWN (the
 * handshake never happened). The HTTP server itself bounds slow or bloated requests
 * (headersTimeout, maxHeadersCount, maxHeaderSize) before any of that runs.
 *
 * Over 400 lines because the server's lifecycle (listen, the main and metrics listeners, drain and
 * close) and its request and upgrade handlers share one server's state; the parts with none of
 * it are beside it (http-routes.ts, upgrade-checks.ts, client-address.ts, pending-upgrades.ts).
 *
 * Relays need no state shared between instances: a ticket is verified with the secret alone,
 * every stream lives and dies with its WebSocket. N relays behind any load balancer need no
 * sticky sessions beyond the WebSocket's own TCP connection. With `redis`, the per-client and
 * per-subject counts are shared (ops/redis-count-store.ts), so those caps hold fleet-wide.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from '../connection/connection.js';
import { MemoryCountStore, type CountStore } from '../ops/count-store.js';
import { RelayLimits } from '../ops/limits.js';
import { gatedNameService } from '../ops/lookup-gate.js';
import { RedisCountStore } from '../ops/redis-count-store.js';
import { PendingUpgrades } from './pending-upgrades.js';
import { checkUpgrade, onUpgradeSocketError, rejectUpgrade } from './upgrade-checks.js';
import { handleHttpRequest, metricsAccess, type MetricsAccess } from './http-routes.js';
import { Metrics, type MetricsSnapshot } from '../ops/metrics.js';
import {
  MAX_HEADERS_COUNT,
  inCidrs,
  isLoopbackHost,
  resolveOptions,
  type RelayOptions,
  type ResolvedOptions,
} from '../config/options.js';

export interface Relay {
  /** What the browser library connects to, e.g. `ws://127.0.0.1:8787/`. */
  readonly url: string;
  /** The port actually listened on (useful with `port: 0`). */
  readonly port: number;
  /** The host listened on, as given. */
  readonly host: string;
  /**
   * Where /metrics is served to anyone who reaches it: the separate listener (`metricsPort`),
   * e.g. `http://127.0.0.1:9464/metrics`; null without one (then /metrics is on the WebSocket
   * port, behind the secret, or on a loopback relay).
   */
  readonly metricsUrl: string | null;
  /** Counters and gauges, as also served on `GET /metrics`. */
  metrics(): MetricsSnapshot;
  /**
   * Stops accepting (new upgrades 503, /healthz and /readyz 503, new streams
   * OPEN_FAILED(SHUTTING_DOWN)), lets open streams finish for up to `drainMs` (default: the
   * `drainMs` option, 0) closing each page as its last stream ends, then sends GOAWAY(SHUTTING_DOWN)
   * to the rest, destroys every relayed socket, closes every WebSocket with 1001 and the
   * HTTP server. Resolves when all of it is released. Idempotent (the first call's drainMs wins).
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** How long an HTTP request (an upgrade included) may take to send its headers (slowloris). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node checks headersTimeout (its default, 30 s, would let a slowloris linger). */
const CONNECTIONS_CHECK_MS = 1_000;
/** How often per-client state of departed clients is forgotten. */
const SWEEP_MS = 60_000;

/** Starts a relay; rejects if an option is invalid or the port cannot be listened on. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const resolved = resolveOptions(options);
  const server = new RelayServer(resolved);
  await server.listen();
  return server.handle();
}

class RelayServer {
  readonly #options: ResolvedOptions;
  readonly #metrics = new Metrics();
  readonly #http: http.Server;
  /** The separate /metrics listener (`metricsPort`), if any. */
  readonly #metricsHttp: http.Server | null;
  #metricsPort = 0;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  readonly #limits: RelayLimits;
  /** The fleet's shared counts (`redis`), started with the listener; null = in memory. */
  readonly #redis: RedisCountStore | null;
  readonly #pendingUpgrades: PendingUpgrades;
  #heartbeat: NodeJS.Timeout | null = null;
  #sweep: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;
  #port = 0;

  constructor(given: ResolvedOptions) {
    // Every lookup of this relay (RESOLVE, OPEN by name) passes the relay-wide lookup bounds.
    const options: ResolvedOptions = {
      ...given,
      names: gatedNameService(given.names, {
        ...given,
        refused: (limit) => this.#metrics.countLimit(limit),
        inFlight: (count) => {
          this.#metrics.lookupsInFlight = count;
        },
      }),
    };
    this.#options = options;
    this.#redis =
      options.redis === undefined
        ? null
        : new RedisCountStore({
            url: options.redis,
            ttlMs: options.fleetTtlMs,
            timeoutMs: options.fleetTimeoutMs,
            log: options.log,
            failed: () => this.#metrics.fleetStoreErrors++,
            heard: () => this.#metrics.fleetCountsHeard++,
          });
    const store: CountStore = this.#redis ?? new MemoryCountStore();
    this.#limits = new RelayLimits(options, store);
    const serverOptions: http.ServerOptions = {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, options.handshakeTimeoutMs),
      requestTimeout: Math.max(HEADERS_TIMEOUT_MS, options.handshakeTimeoutMs),
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
      maxHeaderSize: 16 * 1024,
    };
    this.#http = options.tls
      ? https.createServer(
          {
            ...serverOptions,
            cert: options.tls.cert,
            key: options.tls.key,
            handshakeTimeout: options.upgradeTimeoutMs,
          },
          this.#onRequest,
        )
      : http.createServer(serverOptions, this.#onRequest);
    this.#http.maxHeadersCount = MAX_HEADERS_COUNT;
    // Node refuses (destroys) connections beyond this before any byte is read: the fd budget.
    if (options.maxConnections > 0) this.#http.maxConnections = options.maxConnections;
    this.#http.on('drop', this.#onDrop);
    this.#pendingUpgrades = new PendingUpgrades(
      {
        upgradeTimeoutMs: options.upgradeTimeoutMs,
        maxPendingUpgradesPerIp: options.maxPendingUpgradesPerIp,
        uncapped: (address) =>
          options.maxPendingUpgradesPerIp === 0 ||
          inCidrs(address, options.exemptClients) ||
          inCidrs(address, options.trustProxy),
      },
      this.#metrics,
    );
    // With TLS a connection is pending from its completed TLS handshake (the socket requests
    // arrive on); the handshake itself is bounded by the same timeout (tls' default is 120 s).
    this.#http.on(options.tls ? 'secureConnection' : 'connection', this.#pendingUpgrades.onConnection);
    this.#http.on('request', this.#onAnyRequest);
    this.#metricsHttp =
      options.metricsPort === undefined ? null : http.createServer(serverOptions, this.#onMetricsRequest);
    this.#http.on('upgrade', this.#onUpgrade);
    // A TLS handshake that fails is the client's problem; without a handler Node logs it only.
    this.#http.on('tlsClientError', onTlsClientError);
    this.#metrics.streamStates = this.#streamStates;
    const { logSink } = options;
    if (logSink !== null) this.#metrics.logLinesDropped = () => logSink.dropped;
    this.#wss = new WebSocketServer({
      noServer: true,
      // Compression would cost CPU per message for bytes that are usually already compressed
      // (TLS, images…), and it has had memory-exhaustion bugs; the protocol does not need it.
      perMessageDeflate: false,
      // 16 coalesced full frames (see COALESCE_FRAMES); larger messages are closed 1009 by ws.
      maxPayload: options.maxMessageBytes,
      clientTracking: false,
      // Text messages are a protocol error anyway; no need to validate their UTF-8.
      skipUTF8Validation: true,
    });
  }

  async listen(): Promise<void> {
    // Before the first page: a relay that starts while Redis is down runs on its own counts.
    await this.#redis?.start();
    try {
      await this.#listenMain();
    } catch (err) {
      await this.#redis?.close();
      throw err;
    }
    const metricsHttp = this.#metricsHttp;
    if (metricsHttp === null) return;
    try {
      await new Promise<void>((resolve, reject) => {
        metricsHttp.once('error', reject);
        metricsHttp.listen(this.#options.metricsPort, this.#options.metricsHost, () => {
          metricsHttp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await this.close(0);
      throw err;
    }
    this.#metricsPort = (metricsHttp.address() as { port: number }).port;
    this.#options.log('info', 'metrics listening', { url: this.metricsUrl });
  }

  get metricsUrl(): string | null {
    if (this.#metricsHttp === null) return null;
    const host = this.#options.metricsHost.includes(':') ? `[${this.#options.metricsHost}]` : this.#options.metricsHost;
    return `http://${host}:${this.#metricsPort}/metrics`;
  }

  #listenMain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#http.once('error', onError);
      this.#http.listen(this.#options.port, this.#options.host, () => {
        this.#http.off('error', onError);
        this.#port = (this.#http.address() as { port: number }).port;
        if (this.#options.heartbeatMs > 0) {
          this.#heartbeat = setInterval(this.#onHeartbeat, this.#options.heartbeatMs);
          this.#heartbeat.unref();
        }
        this.#sweep = setInterval(this.#onSweep, SWEEP_MS);
        this.#sweep.unref();
        const o = this.#options;
        o.log('info', 'listening', {
          url: this.url,
          ...o.policy.describe(),
          auth: [o.secret ? 'ticket' : null, o.jwt ? 'jwt' : null].filter(Boolean).join('+') || 'none',
          origins: o.allowOrigins ? [...o.allowOrigins].join(',') : '(any)',
          names: o.names.description,
          udp: o.udp ? (o.udpReplyOnly ? 'on (replies only)' : 'on') : 'off',
          localPorts: o.localPorts.toString(),
          metrics:
            o.metricsPort !== undefined
              ? 'separate listener'
              : o.secret
                ? 'bearer secret'
                : isLoopbackHost(o.host)
                  ? 'open (loopback relay)'
                  : 'off',
          ...o.inbound.describe(),
          tls: o.tls ? 'on' : 'off',
          maxConnectionsPerIp: o.maxConnectionsPerIp,
          maxConnections: o.maxConnections,
          maxSocketsPerClient: o.maxSocketsPerClient,
          maxSocketsPerSubject: o.maxSocketsPerSubject,
          counts: o.redis === undefined ? 'memory' : `redis (fleet-wide)`,
          maxTicketTtlSeconds: o.maxTicketTtlSeconds,
          maxSocketsTotal: o.maxSocketsTotal,
          opensPerSecond: o.opensPerSecond,
          bandwidthBytesPerSec: o.bandwidthBytesPerSec || '(unlimited)',
        });
        if (!o.secret && !o.jwt && !isLoopbackHost(o.host)) {
          o.log(
            'warn',
            'listening beyond loopback without a secret: anyone who can reach this port can use the relay; set secret (WS2WEB_RELAY_SECRET) unless the network is trusted',
            { host: o.host },
          );
        }
        resolve();
      });
    });
  }

  get url(): string {
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    return `${this.#options.tls ? 'wss' : 'ws'}://${host}:${this.#port}/`;
  }

  handle(): Relay {
    return {
      url: this.url,
      port: this.#port,
      metricsUrl: this.metricsUrl,
      host: this.#options.host,
      metrics: () => this.#metrics.snapshot(),
      close: (options) => this.close(options?.drainMs),
    };
  }

  close(drainMs: number = this.#options.drainMs): Promise<void> {
    this.#closing ??= this.#close(drainMs);
    return this.#closing;
  }

  async #close(drainMs: number): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#sweep) clearInterval(this.#sweep);
    this.#options.log('info', 'shutting down', { connections: this.#connections.size, drainMs });
    // While draining the HTTP server stays up, so a load balancer's health check reads 503 from
    // /healthz and /readyz (#closing is set) and new upgrades get 503, instead of timeouts.
    if (drainMs > 0 && this.#connections.size > 0) {
      this.#metrics.draining = 1;
      for (const c of this.#connections) c.drain();
      const all = Promise.all([...this.#connections].map((c) => c.closed));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([all, deadline]);
      clearTimeout(timer);
      this.#options.log('info', 'drain over', { remaining: this.#connections.size });
    }
    this.#pendingUpgrades.clear();
    const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
    await Promise.all([...this.#connections].map((c) => c.shutdown()));
    await httpClosed;
    if (this.#metricsHttp?.listening) {
      const metricsClosed = new Promise<void>((resolve) => this.#metricsHttp!.close(() => resolve()));
      this.#metricsHttp.closeAllConnections();
      await metricsClosed;
    }
    await this.#limits.store.close();
    this.#metrics.draining = 0;
    this.#options.log('info', 'closed', {});
  }

  // ------------------------------------------------------------------------------------------
  // Named handlers

  #onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handleHttpRequest(
      {
        serving: () => this.#closing === null,
        notReady: this.#notReady,
        metrics: this.#metrics,
        metricsAllowed: this.#metricsAllowed,
      },
      req,
      res,
    );
  };

  #metricsAllowed = (req: http.IncomingMessage): MetricsAccess => {
    const o = this.#options;
    return metricsAccess(req, { metricsPort: o.metricsPort, secret: o.secret, loopbackOnly: isLoopbackHost(o.host) });
  };

  /** The metrics listener: operators' network only (metricsHost), so no further check. */
  #onMetricsRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handleHttpRequest(
      {
        serving: () => this.#closing === null,
        notReady: this.#notReady,
        metrics: this.#metrics,
        metricsAllowed: () => 'open',
      },
      req,
      res,
    );
  };

  #notReady = (): string | null => {
    if (this.#closing) return 'shutting down';
    const max = this.#options.maxSocketsTotal;
    if (max > 0 && this.#limits.sockets >= max) return `at capacity (${this.#limits.sockets} sockets)`;
    return null;
  };

  #streamStates = (): Record<string, number> => {
    const states: Record<string, number> = {};
    for (const c of this.#connections) c.countStates(states);
    return states;
  };

  #onSweep = (): void => {
    this.#limits.sweep();
  };

  #onAnyRequest = (req: http.IncomingMessage): void => {
    this.#pendingUpgrades.settle(req.socket);
  };

  #onDrop = (): void => {
    this.#metrics.countLimit('connections_total');
  };

  #onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.#pendingUpgrades.settle(req.socket);
    socket.on('error', onUpgradeSocketError);
    if (this.#closing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const check = checkUpgrade(req, this.#options, this.#metrics);
    if (!check.ok) return rejectUpgrade(socket, check.status, check.text);
    const { client, exempt } = check;
    if (exempt) {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onWebSocket(ws, req, client, exempt));
      return;
    }
    void this.#upgradeCounted(req, socket, head, client);
  };

  /**
   * maxConnectionsPerIp (fleet-wide with `redis`: the count store answers asynchronously), then
   * the upgrade. The count is released when the TCP connection goes, upgraded or not.
   */
  async #upgradeCounted(req: http.IncomingMessage, socket: Duplex, head: Buffer, client: string): Promise<void> {
    let held = false;
    let gone = false;
    socket.once('close', () => {
      gone = true;
      if (held) this.#limits.releaseConnection(client);
    });
    if (!(await this.#limits.acquireConnection(client))) {
      this.#metrics.countLimit('connections_per_ip');
      this.#options.log('info', 'upgrade refused: too many connections from this client', {
        client,
        max: this.#options.maxConnectionsPerIp,
      });
      return rejectUpgrade(socket, 429, 'Too Many Requests');
    }
    held = true;
    if (gone) return this.#limits.releaseConnection(client);
    if (this.#closing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onWebSocket(ws, req, client, false));
  }

  #onWebSocket(ws: WebSocket, req: http.IncomingMessage, client: string, exempt: boolean): void {
    if (this.#closing) {
      ws.close(1001, 'relay shutting down');
      return;
    }
    const connection = new Connection(ws, this.#options, this.#metrics, {
      remoteAddress: req.socket.remoteAddress,
      origin: req.headers.origin,
      client,
      exempt,
      limits: this.#limits,
    });
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
  }

  #onHeartbeat = (): void => {
    for (const connection of this.#connections) connection.heartbeat();
  };
}

function onTlsClientError(_err: Error, socket: Duplex): void {
  socket.destroy();
}
