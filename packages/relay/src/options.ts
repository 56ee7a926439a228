/**
 * The options of `startRelay`, their defaults, and the one place they are validated.
 * Everything downstream reads a `ResolvedOptions`, never the raw object.
 */
import { HEADER_BYTES } from '@ws2web/protocol';
import type { Dialer } from './dial.js';
import { createLogger, isLogLevel, type LogLevel, type Logger } from './log.js';
import { dnsServerNameService, injectedNameService, osNameService, type DnsOptions, type Lookup, type NameService } from './name-service.js';
import { Policy } from './policy.js';
import { defaultDialer } from './dial.js';
import { defaultUdpSocket, type UdpSocketFactory } from './udp-socket.js';

export interface RelayOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** CIDRs (IPv4 or IPv6) that may be reached in addition to the default policy (public unicast). */
  allow?: readonly string[];
  /** How long a TCP connect may take before OPEN_FAILED(TIMED_OUT). Default 21000 (Windows' default). */
  connectTimeoutMs?: number;
  /** When set, HELLO must carry a ticket from `createTicket({ secret })`. */
  secret?: string;
  /** When set, a WebSocket upgrade whose Origin is not in this list is answered 403. */
  allowOrigins?: readonly string[];
  /** A page must send a valid HELLO within this time. Default 10000. */
  handshakeTimeoutMs?: number;
  /** Ping every this many ms; a page that has not answered the previous ping is dropped. 0 = off. Default 30000. */
  heartbeatMs?: number;
  /** Largest DATA body, announced in WELCOME. Default 65536. */
  maxFrameBody?: number;
  /** Streams open at once per WebSocket; beyond it OPEN_FAILED(LIMIT). Default 1024. */
  maxStreams?: number;
  /** Credit the relay grants the page per stream in OPENED (page → peer bytes in flight). Default 262144. */
  streamWindow?: number;
  /** After a graceful CLOSE from the page, how long queued bytes may take to drain before the socket is destroyed. Default 30000. */
  lingerMs?: number;
  /** Minimum level logged. Default 'warn'. */
  logLevel?: LogLevel;
  /** Where records go. Default: one line per record on stderr. */
  log?: Logger;
  /**
   * Name servers to ask instead of the OS resolver, e.g. `{ servers: ['127.0.0.1:5353'] }`.
   * Used for RESOLVE and for OPEN to a host name. `localhost` and `*.localhost` then answer
   * loopback without a query. Default: the OS resolver (`getaddrinfo`).
   */
  dns?: DnsOptions;
  /**
   * Name resolution (tests inject one); takes precedence over `dns`.
   * Default `dns.promises.lookup(host, { all: true, verbatim: true, family })`.
   */
  lookup?: Lookup;
  /** Creates the outgoing TCP socket (tests inject one that records). Default `net.connect`. */
  dial?: Dialer;
  /** UDP (DGRAM_OPEN) on or off; off answers every DGRAM_OPEN with POLICY_DENIED. Default true. */
  udp?: boolean;
  /**
   * Credit the relay grants the page per UDP socket in DGRAM_OPENED (datagram payload bytes in
   * flight towards the kernel). At least 65535, so the largest datagram always fits. Default 262144.
   */
  datagramWindow?: number;
  /** Creates the UDP sockets (tests inject one that records sends). Default `dgram.createSocket`. */
  udpSocket?: UdpSocketFactory;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  policy: Policy;
  connectTimeoutMs: number;
  secret: string | null;
  allowOrigins: ReadonlySet<string> | null;
  handshakeTimeoutMs: number;
  heartbeatMs: number;
  maxFrameBody: number;
  maxStreams: number;
  streamWindow: number;
  lingerMs: number;
  /** Largest WebSocket message accepted (ws `maxPayload`) and the size the relay coalesces up to. */
  maxMessageBytes: number;
  log: Logger;
  names: NameService;
  dial: Dialer;
  udp: boolean;
  datagramWindow: number;
  udpSocket: UdpSocketFactory;
}

/**
 * A message may coalesce this many full-size frames. With the default 64 KiB body that is
 * 16 × (65536 + 9) = 1,048,720 bytes, the relay's `maxPayload` in both directions.
 */
export const COALESCE_FRAMES = 16;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  connectTimeoutMs: 21_000,
  handshakeTimeoutMs: 10_000,
  heartbeatMs: 30_000,
  maxFrameBody: 64 * 1024,
  maxStreams: 1024,
  streamWindow: 256 * 1024,
  lingerMs: 30_000,
  datagramWindow: 256 * 1024,
  logLevel: 'warn' as LogLevel,
} as const;

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`startRelay: ${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return v;
}

/** Validates `options` and fills in defaults; throws TypeError/RangeError on a bad value. */
export function resolveOptions(options: RelayOptions = {}): ResolvedOptions {
  const logLevel = options.logLevel ?? DEFAULTS.logLevel;
  if (!isLogLevel(logLevel)) throw new TypeError(`startRelay: unknown logLevel ${String(logLevel)}`);
  if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret.length === 0)) {
    throw new TypeError('startRelay: secret must be a non-empty string');
  }
  const maxFrameBody = integer('maxFrameBody', options.maxFrameBody, DEFAULTS.maxFrameBody, 1024, 16 * 1024 * 1024);
  return {
    host: options.host ?? DEFAULTS.host,
    port: integer('port', options.port, DEFAULTS.port, 0, 65535),
    policy: new Policy(options.allow ?? []),
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs, 1, 2 ** 31 - 1),
    secret: options.secret ?? null,
    allowOrigins: options.allowOrigins ? new Set(options.allowOrigins.map(normalizeOrigin)) : null,
    handshakeTimeoutMs: integer('handshakeTimeoutMs', options.handshakeTimeoutMs, DEFAULTS.handshakeTimeoutMs, 1, 2 ** 31 - 1),
    heartbeatMs: integer('heartbeatMs', options.heartbeatMs, DEFAULTS.heartbeatMs, 0, 2 ** 31 - 1),
    maxFrameBody,
    maxStreams: integer('maxStreams', options.maxStreams, DEFAULTS.maxStreams, 1, 0x7fffffff),
    streamWindow: integer('streamWindow', options.streamWindow, DEFAULTS.streamWindow, 1, 0xffffffff),
    lingerMs: integer('lingerMs', options.lingerMs, DEFAULTS.lingerMs, 0, 2 ** 31 - 1),
    maxMessageBytes: COALESCE_FRAMES * (maxFrameBody + HEADER_BYTES),
    log: createLogger(logLevel, options.log),
    names: nameService(options),
    dial: options.dial ?? defaultDialer,
    udp: options.udp ?? true,
    datagramWindow: integer('datagramWindow', options.datagramWindow, DEFAULTS.datagramWindow, 0xffff, 0xffffffff),
    udpSocket: options.udpSocket ?? defaultUdpSocket,
  };
}

function nameService(options: RelayOptions): NameService {
  if (options.lookup) return injectedNameService(options.lookup);
  if (options.dns !== undefined) {
    if (typeof options.dns !== 'object' || options.dns === null) throw new TypeError('startRelay: dns must be { servers: [...] }');
    return dnsServerNameService(options.dns);
  }
  return osNameService();
}

/** Origins compare case-insensitively and without a trailing slash (`https://a.example`). */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}
