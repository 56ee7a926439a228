/**
 * `startRelay`: an HTTP server that upgrades to one binary WebSocket per page (see
 * connection.ts) and answers /healthz and /metrics on the same port.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Connection } from './connection.js';
import { handleHttpRequest } from './http-routes.js';
import { Metrics, type MetricsSnapshot } from './metrics.js';
import { normalizeOrigin, resolveOptions, type RelayOptions, type ResolvedOptions } from './options.js';

export interface Relay {
  /** What the browser library connects to, e.g. `ws://127.0.0.1:8787/`. */
  readonly url: string;
  /** The port actually listened on (useful with `port: 0`). */
  readonly port: number;
  /** The host listened on, as given. */
  readonly host: string;
  /** Counters and gauges, as also served on `GET /metrics`. */
  metrics(): MetricsSnapshot;
  /**
   * GOAWAY(SHUTTING_DOWN) to every page, destroys every relayed socket, closes every WebSocket
   * with 1001 and the listener. Resolves when all of it is released. Idempotent.
   */
  close(): Promise<void>;
}

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
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  #heartbeat: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;
  #port = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#http = http.createServer(this.#onRequest);
    this.#http.on('upgrade', this.#onUpgrade);
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

  listen(): Promise<void> {
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
        this.#options.log('info', 'listening', {
          url: this.url,
          allow: this.#options.policy.allowList.join(',') || '(public unicast only)',
          auth: this.#options.secret ? 'ticket' : 'none',
          names: this.#options.names.description,
          udp: this.#options.udp ? 'on' : 'off',
        });
        resolve();
      });
    });
  }

  get url(): string {
    const host = this.#options.host.includes(':') ? `[${this.#options.host}]` : this.#options.host;
    return `ws://${host}:${this.#port}/`;
  }

  handle(): Relay {
    return {
      url: this.url,
      port: this.#port,
      host: this.#options.host,
      metrics: () => this.#metrics.snapshot(),
      close: () => this.close(),
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#options.log('info', 'shutting down', { connections: this.#connections.size });
    const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.#http.closeAllConnections();
    await Promise.all([...this.#connections].map((c) => c.shutdown()));
    await httpClosed;
    this.#options.log('info', 'closed', {});
  }

  // ------------------------------------------------------------------------------------------
  // Named handlers

  #onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handleHttpRequest({ serving: () => this.#closing === null, metrics: this.#metrics }, req, res);
  };

  #onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', onUpgradeSocketError);
    if (this.#closing) return rejectUpgrade(socket, 503, 'Service Unavailable');
    const origin = req.headers.origin;
    if (this.#options.allowOrigins && (origin === undefined || !this.#options.allowOrigins.has(normalizeOrigin(origin)))) {
      this.#metrics.originRefusals++;
      this.#options.log('info', 'upgrade refused: origin not allowed', { origin: origin ?? '(none)', peer: req.socket.remoteAddress });
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onWebSocket(ws, req));
  };

  #onWebSocket(ws: WebSocket, req: http.IncomingMessage): void {
    if (this.#closing) {
      ws.close(1001, 'relay shutting down');
      return;
    }
    const connection = new Connection(ws, this.#options, this.#metrics, {
      remoteAddress: req.socket.remoteAddress,
      origin: req.headers.origin,
    });
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
  }

  #onHeartbeat = (): void => {
    for (const connection of this.#connections) connection.heartbeat();
  };
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${status} ${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function onUpgradeSocketError(): void {
  // A client that vanishes mid-upgrade is not the relay's problem; without a listener the
  // error would be thrown.
}
