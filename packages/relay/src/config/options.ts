/**
 * The options of `startRelay`, their defaults, and the one place they are validated.
 * Everything downstream reads a `ResolvedOptions`, never the raw object.
 */
import { HEADER_BYTES } from '@ws2web/protocol';
import type { Dialer } from '../streams/dial.js';
import { createLogger, isLogLevel, jsonSink, stderrSink, type LogLevel, type Logger } from '../ops/log.js';
import { dnsServerNameService, injectedNameService, osNameService, type DnsOptions, type Lookup, type NameService } from '../streams/name-service.js';
import { Policy, type PolicyRules } from '../policy/policy.js';
import { InboundPolicy, type ListenOptions } from '../policy/inbound-policy.js';
import { matches, parseStrict, type Address } from '../policy/address-ranges.js';
import { defaultDialer } from '../streams/dial.js';
import { defaultUdpSocket, type UdpSocketFactory } from '../streams/udp-socket.js';

/** PEM certificate chain and private key (file contents, not paths) for `wss://`. */
export interface TlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export type LogFormat = 'text' | 'json';

export interface RelayOptions extends PolicyRules {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port to listen on; 0 picks a free one. Default 0. */
  port?: number;
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
  /**
   * Credit the relay grants the page per stream in OPENED (page → peer bytes in flight). Default
   * 1048576: with 256 KiB a page's uploads stalled on CREDIT round trips (bench/: about 25% less
   * throughput from Node, a third less from Chromium).
   */
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
  /** Serve `wss://` with this certificate and key. Default: plain `ws://` (put a TLS terminator in front). */
  tls?: TlsOptions;
  /** Log line format of the default sink: `text` (key=value) or `json` (one object per line). Default `text`. */
  logFormat?: LogFormat;
  /** WebSockets open at once per client address; beyond it the upgrade gets HTTP 429. 0 = unlimited. Default 64. */
  maxConnectionsPerIp?: number;
  /** TCP and UDP sockets open at once across the relay; beyond it OPEN_FAILED(LIMIT). 0 = unlimited. Default 10000. */
  maxSocketsTotal?: number;
  /** TCP connections open at once to one destination address and port, across the relay. 0 = unlimited (default). */
  maxConnectionsPerDestination?: number;
  /** Stream opens (OPEN, DGRAM_OPEN, RESOLVE) per second per client address, refilled continuously. 0 = unlimited. Default 50. */
  opensPerSecond?: number;
  /** How many opens a client may make at once before `opensPerSecond` applies. Default 100. */
  openBurst?: number;
  /** Bytes per second per WebSocket, each direction, enforced by pausing reads and delaying CREDIT. 0 = unlimited (default). */
  bandwidthBytesPerSec?: number;
  /** Close a WebSocket that has had no stream and no frame for this long (GOAWAY, 1001). 0 = never. Default 600000. */
  idleTimeoutMs?: number;
  /**
   * Client addresses the per-client limits (connections per IP, open rate) do not apply to.
   * Default loopback (`127.0.0.0/8`, `::1/128`): a process on the relay's own machine. Behind a
   * reverse proxy on the same host, set `trustProxy` so clients are known by their own address.
   */
  exemptClients?: readonly string[];
  /**
   * Proxies (CIDRs) whose `X-Forwarded-For` is believed: a connection from one of them is
   * attributed to the right-most address in that header that is not itself a trusted proxy.
   */
  trustProxy?: readonly string[];
  /** How long `close()` (and SIGTERM in the CLI) lets open streams finish before cutting them. Default 0. */
  drainMs?: number;
  /**
   * Inbound policy (LISTEN, and UDP binds to a fixed port): which relay addresses and ports
   * pages may listen on, which peers may connect, per-page caps. Omitted = no inbound at all:
   * every LISTEN is refused (POLICY_DENIED → WSAEACCES). docs/inbound.md.
   */
  listen?: ListenOptions;
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
  tls: TlsOptions | null;
  maxConnectionsPerIp: number;
  maxSocketsTotal: number;
  maxConnectionsPerDestination: number;
  opensPerSecond: number;
  openBurst: number;
  bandwidthBytesPerSec: number;
  idleTimeoutMs: number;
  exemptClients: readonly [Address, number][];
  trustProxy: readonly [Address, number][];
  drainMs: number;
  inbound: InboundPolicy;
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
  streamWindow: 1024 * 1024,
  lingerMs: 30_000,
  datagramWindow: 256 * 1024,
  logLevel: 'warn' as LogLevel,
  maxConnectionsPerIp: 64,
  maxSocketsTotal: 10_000,
  maxConnectionsPerDestination: 0,
  opensPerSecond: 50,
  openBurst: 100,
  bandwidthBytesPerSec: 0,
  idleTimeoutMs: 600_000,
  exemptClients: ['127.0.0.0/8', '::1/128'] as readonly string[],
  drainMs: 0,
} as const;

/** Most headers an HTTP request (the upgrade included) may carry (Node's default is 2000). */
export const MAX_HEADERS_COUNT = 64;

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
  if (options.logFormat !== undefined && options.logFormat !== 'text' && options.logFormat !== 'json') {
    throw new TypeError(`startRelay: logFormat must be 'text' or 'json', got ${String(options.logFormat)}`);
  }
  if (options.tls !== undefined && (typeof options.tls !== 'object' || options.tls === null || !options.tls.cert || !options.tls.key)) {
    throw new TypeError('startRelay: tls must be { cert, key } (PEM contents)');
  }
  const maxFrameBody = integer('maxFrameBody', options.maxFrameBody, DEFAULTS.maxFrameBody, 1024, 16 * 1024 * 1024);
  return {
    host: options.host ?? DEFAULTS.host,
    port: integer('port', options.port, DEFAULTS.port, 0, 65535),
    policy: new Policy(options),
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
    log: createLogger(logLevel, options.log ?? (options.logFormat === 'json' ? jsonSink : stderrSink)),
    names: nameService(options),
    dial: options.dial ?? defaultDialer,
    udp: options.udp ?? true,
    datagramWindow: integer('datagramWindow', options.datagramWindow, DEFAULTS.datagramWindow, 0xffff, 0xffffffff),
    udpSocket: options.udpSocket ?? defaultUdpSocket,
    tls: options.tls ?? null,
    maxConnectionsPerIp: integer('maxConnectionsPerIp', options.maxConnectionsPerIp, DEFAULTS.maxConnectionsPerIp, 0, 0x7fffffff),
    maxSocketsTotal: integer('maxSocketsTotal', options.maxSocketsTotal, DEFAULTS.maxSocketsTotal, 0, 0x7fffffff),
    maxConnectionsPerDestination: integer('maxConnectionsPerDestination', options.maxConnectionsPerDestination, DEFAULTS.maxConnectionsPerDestination, 0, 0x7fffffff),
    opensPerSecond: number('opensPerSecond', options.opensPerSecond, DEFAULTS.opensPerSecond),
    openBurst: integer('openBurst', options.openBurst, DEFAULTS.openBurst, 1, 0x7fffffff),
    bandwidthBytesPerSec: integer('bandwidthBytesPerSec', options.bandwidthBytesPerSec, DEFAULTS.bandwidthBytesPerSec, 0, Number.MAX_SAFE_INTEGER),
    idleTimeoutMs: integer('idleTimeoutMs', options.idleTimeoutMs, DEFAULTS.idleTimeoutMs, 0, 2 ** 31 - 1),
    exemptClients: (options.exemptClients ?? DEFAULTS.exemptClients).map((c) => clientCidr(c, 'exemptClients')),
    trustProxy: (options.trustProxy ?? []).map((c) => clientCidr(c, 'trustProxy')),
    drainMs: integer('drainMs', options.drainMs, DEFAULTS.drainMs, 0, 2 ** 31 - 1),
    inbound: new InboundPolicy(options.listen),
  };
}

function number(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`startRelay: ${name} must be a number >= 0, got ${String(value)}`);
  return v;
}

function clientCidr(entry: string, name: string): [Address, number] {
  const text = String(entry).trim();
  const slash = text.indexOf('/');
  const addr = parseStrict(slash < 0 ? text : text.slice(0, slash));
  const max = addr?.kind() === 'ipv4' ? 32 : 128;
  const bits = slash < 0 ? max : Number(text.slice(slash + 1));
  if (addr === null || !Number.isInteger(bits) || bits < 0 || bits > max) {
    throw new TypeError(`startRelay: ${name} entry ${JSON.stringify(entry)} is not a CIDR`);
  }
  return [addr, bits];
}

/** Whether `address` (a socket's remote address) is inside one of `cidrs`; mapped IPv4 counts as IPv4. */
export function inCidrs(address: string | undefined, cidrs: readonly [Address, number][]): boolean {
  if (address === undefined || cidrs.length === 0) return false;
  const parsed = parseStrict(address);
  if (parsed === null) return false;
  const v4 = parsed.kind() === 'ipv6' && (parsed as import('ipaddr.js').IPv6).isIPv4MappedAddress() ? (parsed as import('ipaddr.js').IPv6).toIPv4Address() : parsed;
  return cidrs.some(([net, bits]) => matches(parsed, net, bits) || matches(v4, net, bits));
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
