/**
 * `startRelay`'s options resolved: validated by the schema (schema.ts, where every option, its
 * range and its default are defined), defaults filled in, policies compiled. Everything
 * downstream reads a `ResolvedOptions`, never the raw object.
 */
import { HEADER_BYTES } from '@ws2web/protocol';
import type { Dialer } from '../streams/dial.js';
import { createLogger, formatJsonLine, formatTextLine, type Logger } from '../ops/log.js';
import { BoundedLogSink } from '../ops/log-sink.js';
import { dnsServerNameService, injectedNameService, osNameService, type NameService } from '../streams/name-service.js';
import { Policy } from '../policy/policy.js';
import type ipaddr from 'ipaddr.js';
import { InboundPolicy } from '../policy/inbound-policy.js';
import { compileLocalPorts } from '../policy/local-bind.js';
import type { PortSet } from '../policy/port-set.js';
import { matches, parseStrict, type Address } from '../policy/address-ranges.js';
import { JwtTickets } from '../ops/jwt-tickets.js';
import { defaultDialer } from '../streams/dial.js';
import { defaultUdpSocket, type UdpSocketFactory } from '../streams/udp-socket.js';
import { resolvedSchema, validate, type ParsedOptions, type RelayOptions } from './schema.js';

export type { RelayOptions } from './schema.js';

/** PEM certificate chain and private key (file contents, not paths) for `wss://`. */
export type TlsOptions = NonNullable<RelayOptions['tls']>;

export type LogFormat = NonNullable<RelayOptions['logFormat']>;

/** What everything downstream reads: validated, defaults filled in, rules compiled. */
export interface ResolvedOptions extends Omit<ParsedOptions, Compiled> {
  policy: Policy;
  secret: string | null;
  /** JWT tickets (`jwtKeys` + `jwtAudience`), or null. */
  jwt: JwtTickets | null;
  allowOrigins: ReadonlySet<string> | null;
  /** Largest WebSocket message accepted (ws `maxPayload`) and the size the relay coalesces up to. */
  maxMessageBytes: number;
  log: Logger;
  /** The relay's own bounded log sink (log-sink.ts); null when `log` is the program's. */
  logSink: BoundedLogSink | null;
  names: NameService;
  dial: Dialer;
  udpSocket: UdpSocketFactory;
  tls: TlsOptions | null;
  exemptClients: readonly [Address, number][];
  trustProxy: readonly [Address, number][];
  inbound: InboundPolicy;
  /** UDP on: given, else on for a relay listening on loopback only. */
  udp: boolean;
  /** Unconnected UDP sockets hear only peers they sent to (policy/reply-peers.ts): given, else on beyond loopback. */
  udpReplyOnly: boolean;
  /** Fixed local ports a page may bind without an inbound policy (policy/local-bind.ts). */
  localPorts: PortSet;
}

/** Options that become something else once resolved (a Policy, a NameService…). */
type Compiled =
  | 'allow'
  | 'deny'
  | 'allowHosts'
  | 'denyHosts'
  | 'allowPorts'
  | 'denyPorts'
  | 'secret'
  | 'allowOrigins'
  | 'log'
  | 'logStream'
  | 'logLevel'
  | 'logFormat'
  | 'dns'
  | 'lookup'
  | 'dial'
  | 'udpSocket'
  | 'tls'
  | 'exemptClients'
  | 'trustProxy'
  | 'listen'
  | 'localPorts'
  | 'udp'
  | 'udpReplyOnly';

/**
 * A message may coalesce this many full-size frames. With the default 64 KiB body that is
 * 16 × (65536 + 9) = 1,048,720 bytes, the relay's `maxPayload` in both directions.
 */
export const COALESCE_FRAMES = 16;

/** Most headers an HTTP request (the upgrade included) may carry (Node's default is 2000). */
export const MAX_HEADERS_COUNT = 64;

/**
 * Validates `options` against the schema and fills in defaults; compiles the policies.
 * @throws RangeError for a number out of its range, TypeError for anything else that is wrong
 */
export function resolveOptions(options: RelayOptions = {}): ResolvedOptions {
  const o = validate(resolvedSchema, options);
  const loopbackOnly = isLoopbackHost(o.host);
  const udp = o.udp ?? loopbackOnly;
  if (udp && !loopbackOnly && !(o.udpPorts && o.udpPorts.length > 0)) {
    throw new TypeError(
      `startRelay: udp: a relay listening beyond loopback (${o.host}) sends UDP only to listed ports: give udpPorts (--udp-port), or leave udp off`,
    );
  }
  if (o.jwtKeys !== undefined && o.jwtKeys.length > 0 && o.jwtAudience === undefined)
    throw new TypeError('startRelay: jwtAudience: JWT tickets need the audience (aud) they must name');
  const kids = new Set<string>();
  for (const key of o.jwtKeys ?? []) {
    if (kids.has(key.kid)) throw new TypeError(`startRelay: jwtKeys: two keys with kid ${JSON.stringify(key.kid)}`);
    kids.add(key.kid);
  }
  const logSink =
    o.log === undefined
      ? new BoundedLogSink(
          o.logFormat === 'json' ? formatJsonLine : formatTextLine,
          o.logStream ?? null,
          o.maxLogBufferBytes,
        )
      : null;
  return {
    ...o,
    jwt:
      o.jwtKeys !== undefined && o.jwtKeys.length > 0 && o.jwtAudience !== undefined
        ? new JwtTickets(o.jwtKeys, o.jwtAudience)
        : null,
    udp,
    udpReplyOnly: o.udpReplyOnly ?? !loopbackOnly,
    policy: new Policy(o),
    secret: o.secret ?? null,
    allowOrigins: o.allowOrigins ? new Set(o.allowOrigins.map(normalizeOrigin)) : null,
    maxMessageBytes: COALESCE_FRAMES * (o.maxFrameBody + HEADER_BYTES),
    log: createLogger(o.logLevel, o.log ?? logSink!.sink),
    logSink,
    names: nameService(o),
    dial: o.dial ?? defaultDialer,
    udpSocket: o.udpSocket ?? defaultUdpSocket,
    tls: o.tls ?? null,
    exemptClients: o.exemptClients.map((c) => clientCidr(c, 'exemptClients')),
    trustProxy: o.trustProxy.map((c) => clientCidr(c, 'trustProxy')),
    inbound: new InboundPolicy(o.listen),
    localPorts: compileLocalPorts(o.localPorts, loopbackOnly),
  };
}

/** `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, `localhost`: listening there reaches only this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const addr = parseStrict(host);
  if (addr === null) return false;
  const v4 =
    addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
      ? (addr as ipaddr.IPv6).toIPv4Address()
      : addr;
  return v4.range() === 'loopback';
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
  const v4 =
    parsed.kind() === 'ipv6' && (parsed as import('ipaddr.js').IPv6).isIPv4MappedAddress()
      ? (parsed as import('ipaddr.js').IPv6).toIPv4Address()
      : parsed;
  return cidrs.some(([net, bits]) => matches(parsed, net, bits) || matches(v4, net, bits));
}

function nameService(options: ParsedOptions): NameService {
  if (options.lookup) return injectedNameService(options.lookup);
  if (options.dns === 'os') return osNameService();
  return dnsServerNameService(options.dns);
}

/** Origins compare case-insensitively and without a trailing slash (`https://a.example`). */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}
