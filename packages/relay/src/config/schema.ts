/**
 * Every relay option, once: its zod type (the one validator, with the one range), its default,
 * and its command-line flag and help. `startRelay`'s `RelayOptions` type, its defaults and
 * validation (options.ts), the config file's schema (config-file.ts) and the CLI's flags and
 * usage text (cli-options.ts) are all derived from this table, so they cannot drift apart.
 * docs/relay.md's options table is checked against it by a test.
 *
 * A repeatable option takes one value or a list of them, everywhere: `allow: 127.0.0.0/8` in a
 * config file means what `--allow 127.0.0.0/8` means on the command line.
 */
import { Writable } from 'node:stream';
import { z } from 'zod';
import type { Logger } from '../ops/log.js';
import type { Dialer } from '../streams/dial.js';
import type { Lookup } from '../streams/name-service.js';
import type { UdpSocketFactory } from '../streams/udp-socket.js';

/** Where a flag appears in `--help`, in this order. */
export const HELP_GROUPS = {
  listening: 'Listening',
  access: 'Who may use it',
  destinations: 'Where pages may connect (default: public unicast addresses only, any port but 25)',
  inbound: 'Inbound: listening sockets for pages (default: none; LISTEN → WSAEACCES)',
  limits: 'Limits (0 = unlimited)',
  logs: 'Logs',
} as const;
export type HelpGroup = keyof typeof HELP_GROUPS;

/**
 * A command-line flag. `help` may span lines (`\n`); `{default}` in it is replaced by the
 * option's default on the command line (`cliDefault`, else `default`).
 */
export interface Flag {
  name: string;
  arg?: string;
  help: string;
  group: HelpGroup;
}

export interface OptionSpec {
  /** The validator: types and ranges, no default. */
  type: z.ZodTypeAny;
  /** What `startRelay` uses when the option is absent. */
  default?: unknown;
  /** What the command line uses instead of `default`. */
  cliDefault?: unknown;
  /** Its flag(s); none for options only a program can give (functions, tuning). */
  flags?: readonly Flag[];
  /** False for options a file cannot hold (functions). */
  inFile?: false;
}

// ------------------------------------------------------------------------------------------
// Building blocks

const MAX_MS = 2 ** 31 - 1;
const MAX_COUNT = 0x7fffffff;
/** Linux's largest TCP_KEEPIDLE (32767 s); the relay never asks for more. */
export const MAX_KEEPALIVE_MS = 32_767_000;

/**
 * An integer in min..max. `positive()` / `nonnegative()` for the common lower bounds, so the
 * messages read "greater than 0" / "greater than or equal to 0".
 */
function int(min: number, max: number): z.ZodNumber {
  const base = z.number().int();
  const low = min === 1 ? base.positive() : min === 0 ? base.nonnegative() : base.min(min);
  return low.max(max);
}

/**
 * One value or a list of them; the output is always a list. (zod's union would report an
 * unhelpful "Invalid input" for either; a preprocess reports the list's own errors. Its input
 * type is `unknown`, so the type is restated once here.)
 */
function list<T extends z.ZodTypeAny>(
  item: T,
  min = 0,
): z.ZodType<readonly z.output<T>[], z.ZodTypeDef, z.input<T> | readonly z.input<T>[]> {
  const array = min > 0 ? z.array(item).min(min) : z.array(item);
  const type = z.preprocess(oneOrMany, array.readonly());
  LISTS.add(type);
  return type as unknown as z.ZodType<readonly z.output<T>[], z.ZodTypeDef, z.input<T> | readonly z.input<T>[]>;
}

const LISTS = new WeakSet<z.ZodTypeAny>();

/** Whether an option is repeatable (one value or a list): its flag may be given many times. */
export function isList(type: z.ZodTypeAny): boolean {
  return LISTS.has(type);
}

function oneOrMany(value: unknown): unknown {
  return typeof value === 'string' || typeof value === 'number' ? [value] : value;
}

/** A function given by a program (tests inject dialers, lookups, sockets, log sinks). */
function fn<F>(what: string): z.ZodType<F> {
  return z.custom<F>((v) => typeof v === 'function', { message: `${what} must be a function` });
}

const strings = list(z.string());
const port = z.union([z.number().int(), z.string()]);
const ports = list(port);
const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);

// ------------------------------------------------------------------------------------------
// The inbound policy, `listen: { … }` (docs/inbound.md)

export const LISTEN_OPTIONS = {
  addresses: {
    type: list(z.string(), 1),
    flags: [
      {
        name: 'listen-address',
        arg: '<addr>',
        group: 'inbound',
        help: 'a relay address pages may listen on (repeatable; 0.0.0.0 / ::\n= every interface); turns inbound on',
      },
    ],
  },
  ports: {
    type: z.union([port, z.array(port).readonly()]),
    default: 'ephemeral',
    flags: [
      {
        name: 'listen-ports',
        arg: '<spec>',
        group: 'inbound',
        help: 'local ports: 20000-20999, 7000, ephemeral (port 0 → OS-chosen),\ncomma-separated (default ephemeral); also governs UDP fixed ports',
      },
    ],
  },
  remotes: {
    type: strings,
    flags: [
      {
        name: 'listen-remote',
        arg: '<cidr>',
        group: 'inbound',
        help: 'only these peers may connect to a listener (repeatable; default any)',
      },
    ],
  },
  maxListeners: {
    type: int(1, 0xffff),
    default: 8,
    flags: [
      { name: 'max-listeners', arg: '<n>', group: 'inbound', help: 'listening sockets per page (default {default})' },
    ],
  },
  maxPending: {
    type: int(1, 0xffff),
    default: 64,
    flags: [
      {
        name: 'max-pending',
        arg: '<n>',
        group: 'inbound',
        help: 'unaccepted inbound connections per page (default {default})',
      },
    ],
  },
} as const satisfies Record<string, OptionSpec>;

export const listenSchema = z.object({
  addresses: LISTEN_OPTIONS.addresses.type,
  ports: LISTEN_OPTIONS.ports.type.optional(),
  remotes: LISTEN_OPTIONS.remotes.type.optional(),
  maxListeners: LISTEN_OPTIONS.maxListeners.type.optional(),
  maxPending: LISTEN_OPTIONS.maxPending.type.optional(),
});

/** `startRelay({ listen })`: the inbound policy. Omitted = no inbound at all. */
export type ListenOptions = z.input<typeof listenSchema>;

// ------------------------------------------------------------------------------------------
// Every option, in the order of `--help`

/** A JWT verification key as a JWK: an HS256 shared secret (`kty: 'oct'`) or an Ed25519 public key. */
const jwkSchema = z
  .object({
    kid: z.string().min(1),
    alg: z.enum(['HS256', 'EdDSA']),
    kty: z.enum(['oct', 'OKP']),
    k: z.string().min(1).optional(),
    crv: z.literal('Ed25519').optional(),
    x: z.string().min(1).optional(),
    d: z.string().optional(),
  })
  .passthrough()
  .refine((jwk) => jwk.d === undefined, { message: 'a relay needs public keys only: remove the private part "d"' })
  .refine((jwk) => (jwk.alg === 'HS256' ? jwk.kty === 'oct' && jwk.k : jwk.kty === 'OKP' && jwk.crv && jwk.x), {
    message: 'HS256 keys are {kty:"oct",k}, EdDSA keys {kty:"OKP",crv:"Ed25519",x}',
  });

/** One of `jwtKeys`. */
export type JwtKey = z.output<typeof jwkSchema>;

const dnsServersSchema = z
  .object({
    servers: z.array(z.string()).min(1).readonly().optional(),
    timeoutMs: z.number().int().positive().optional(),
    tries: z.number().int().positive().optional(),
  })
  .strict();

/** DNS servers asked with c-ares (omitted: the system's), or `'os'`: the OS resolver (getaddrinfo). */
const dnsSchema = z.union([z.literal('os'), dnsServersSchema]);

export const OPTIONS = {
  host: {
    type: z.string().min(1),
    default: '127.0.0.1',
    flags: [{ name: 'host', arg: '<addr>', group: 'listening', help: 'interface to listen on (default {default})' }],
  },
  port: {
    type: int(0, 65535),
    default: 0,
    cliDefault: 8787,
    flags: [
      {
        name: 'port',
        arg: '<n>',
        group: 'listening',
        help: 'port to listen on, 0 = any free port (default {default})',
      },
    ],
  },
  tls: {
    type: z.object({ cert: pem, key: pem }),
    flags: [
      {
        name: 'tls-cert',
        arg: '<file>',
        group: 'listening',
        help: 'serve wss:// with this PEM certificate (chain) ...',
      },
      { name: 'tls-key', arg: '<file>', group: 'listening', help: '... and this PEM private key' },
    ],
  },
  secret: {
    type: z.string().min(1),
    flags: [
      {
        name: 'secret',
        arg: '<s>',
        group: 'access',
        help: 'require tickets minted with this secret (createTicket);\nor set WS2WEB_RELAY_SECRET to keep it out of the process list',
      },
    ],
  },
  maxTicketTtlSeconds: {
    type: int(0, MAX_COUNT),
    default: 3600,
    flags: [
      {
        name: 'max-ticket-ttl',
        arg: '<s>',
        group: 'access',
        help: 'refuse tickets living longer than this (exp - iat; default {default};\n0 = any); tickets dated over 60 s ahead are refused too',
      },
    ],
  },
  maxConnectionsPerTicket: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-connections-per-ticket',
        arg: '<n>',
        group: 'access',
        help: 'WebSockets one ticket may hold open at once (default {default} = any;\n1 = single use at a time)',
      },
    ],
  },
  jwtKeys: {
    type: list(jwkSchema),
    flags: [
      {
        name: 'jwt-keys',
        arg: '<file>',
        group: 'access',
        help: 'also accept JWT tickets signed with these keys (repeatable): a JWKS\nfile {"keys":[{kid,alg:HS256|EdDSA,…}]}; the token\'s kid picks the key',
      },
    ],
  },
  jwtAudience: {
    type: z.string().min(1),
    flags: [
      {
        name: 'jwt-audience',
        arg: '<aud>',
        group: 'access',
        help: 'JWT tickets must name this audience (aud); required with --jwt-keys',
      },
    ],
  },
  allowOrigins: {
    type: strings,
    flags: [
      {
        name: 'allow-origin',
        arg: '<origin>',
        group: 'access',
        help: 'accept WebSocket upgrades only from this Origin (repeatable)',
      },
    ],
  },
  trustProxy: {
    type: strings,
    default: [],
    flags: [
      {
        name: 'trust-proxy',
        arg: '<cidr>',
        group: 'access',
        help: 'believe X-Forwarded-For from these proxies (repeatable)',
      },
    ],
  },
  allow: {
    type: strings,
    flags: [
      {
        name: 'allow',
        arg: '<cidr>',
        group: 'destinations',
        help: 'also allow this range, e.g. 127.0.0.0/8 or ::1/128 (repeatable)',
      },
    ],
  },
  deny: {
    type: strings,
    flags: [
      {
        name: 'deny',
        arg: '<cidr>',
        group: 'destinations',
        help: 'refuse this range even if public or allowed (repeatable)',
      },
    ],
  },
  allowHosts: {
    type: strings,
    flags: [
      {
        name: 'allow-host',
        arg: '<pattern>',
        group: 'destinations',
        help: 'only these host names may be dialled (api.example.com,\n*.example.com; repeatable); IP literals then need --allow',
      },
    ],
  },
  denyHosts: {
    type: strings,
    flags: [
      {
        name: 'deny-host',
        arg: '<pattern>',
        group: 'destinations',
        help: 'refuse these host names before resolving them (repeatable)',
      },
    ],
  },
  allowPorts: {
    type: ports,
    flags: [
      { name: 'allow-port', arg: '<n|a-b>', group: 'destinations', help: 'only these destination ports (repeatable)' },
    ],
  },
  denyPorts: {
    type: ports,
    flags: [
      {
        name: 'deny-port',
        arg: '<n|a-b>',
        group: 'destinations',
        help: 'refuse these destination ports (repeatable; default 25;\ngiving any replaces the default)',
      },
    ],
  },
  udp: {
    type: z.boolean(),
    flags: [
      {
        name: 'udp',
        group: 'destinations',
        help: 'allow UDP sockets (default: on for a loopback relay, off beyond it;\nbeyond loopback it needs --udp-port)',
      },
      { name: 'no-udp', group: 'destinations', help: 'refuse UDP sockets (DGRAM_OPEN → WSAEACCES; WELCOME omits UDP)' },
    ],
  },
  udpReplyOnly: {
    type: z.boolean(),
    flags: [
      {
        name: 'udp-reply-only',
        group: 'destinations',
        help: 'an unconnected UDP socket hears only peers it sent to (default: on\nbeyond loopback; a fixed port bound under --listen-address hears anyone)',
      },
      {
        name: 'no-udp-reply-only',
        group: 'destinations',
        help: 'UDP sockets hear any source (the default on a loopback relay)',
      },
    ],
  },
  udpPorts: {
    type: ports,
    flags: [
      {
        name: 'udp-port',
        arg: '<n|a-b>',
        group: 'destinations',
        help: 'the only UDP destination ports (repeatable; default any but the\namplification ports 7,17,19,53,69,111,123,137,161,162,389,427,520,1434,\n1900,3283,3702,5353,5683,10001,11211,27015, which only this lists)',
      },
    ],
  },
  localPorts: {
    type: z.union([port, z.array(port).readonly()]),
    flags: [
      {
        name: 'local-ports',
        arg: '<spec>',
        group: 'destinations',
        help: 'fixed local ports a page may bind without --listen-address (TCP\nbind-then-connect, UDP): e.g. 40000-40999; default 1024-65535 on a\nloopback relay, none (ephemeral) beyond it; never below 1024',
      },
    ],
  },
  dns: {
    type: dnsSchema,
    flags: [
      {
        name: 'dns',
        arg: '<ip[:port]|os>',
        group: 'destinations',
        help: "ask this DNS server (repeatable; e.g. 127.0.0.1:5353 or [::1]:53);\ndefault: the system's servers, asked directly (no hosts file);\n'os': the OS resolver (hosts file; lookups cannot be cancelled)",
      },
    ],
  },
  listen: {
    type: listenSchema,
    flags: Object.values(LISTEN_OPTIONS).flatMap((o): readonly Flag[] => o.flags),
  },
  metricsPort: {
    type: int(0, 65535),
    flags: [
      {
        name: 'metrics-port',
        arg: '<n>',
        group: 'listening',
        help: 'serve /metrics (and /healthz, /readyz) on this port of --metrics-host;\nthe WebSocket port then answers /metrics 404 (0 = any free port)',
      },
    ],
  },
  metricsHost: {
    type: z.string().min(1),
    default: '127.0.0.1',
    flags: [
      {
        name: 'metrics-host',
        arg: '<addr>',
        group: 'listening',
        help: 'interface of the metrics listener (default {default})',
      },
    ],
  },
  maxConnectionsPerIp: {
    type: int(0, MAX_COUNT),
    default: 64,
    flags: [
      {
        name: 'max-connections-per-ip',
        arg: '<n>',
        group: 'limits',
        help: 'WebSockets per client address (default {default}; more → HTTP 429)',
      },
    ],
  },
  maxConnections: {
    type: int(0, MAX_COUNT),
    default: 4096,
    flags: [
      {
        name: 'max-connections',
        arg: '<n>',
        group: 'limits',
        help: 'TCP connections to the relay port, upgraded or not (default {default};\nkeep it below the fd limit minus maxSocketsTotal)',
      },
    ],
  },
  maxPendingUpgradesPerIp: {
    type: int(0, MAX_COUNT),
    default: 16,
    flags: [
      {
        name: 'max-pending-upgrades-per-ip',
        arg: '<n>',
        group: 'limits',
        help: 'connections per client address not yet upgraded (default {default})',
      },
    ],
  },
  upgradeTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'upgrade-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'time a TCP connection has to send its upgrade or request (default {default})',
      },
    ],
  },
  maxSocketsPerClient: {
    type: int(0, MAX_COUNT),
    default: 1024,
    flags: [
      {
        name: 'max-sockets-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'sockets one client address holds across its WebSockets (default {default})',
      },
    ],
  },
  maxSocketsPerSubject: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-sockets-per-subject',
        arg: '<n>',
        group: 'limits',
        help: 'sockets one ticket subject (sub) holds across its WebSockets (default {default})',
      },
    ],
  },
  maxListenersPerClient: {
    type: int(0, MAX_COUNT),
    default: 32,
    flags: [
      {
        name: 'max-listeners-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'listening sockets one client address holds across its WebSockets\n(default {default}; exempt clients skip it)',
      },
    ],
  },
  maxListenersPerSubject: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-listeners-per-subject',
        arg: '<n>',
        group: 'limits',
        help: 'listening sockets one ticket subject holds across its WebSockets (default {default})',
      },
    ],
  },
  redis: {
    type: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL'),
    flags: [
      {
        name: 'redis',
        arg: '<url>',
        group: 'limits',
        help: 'keep per-client and per-subject counts in this Redis, shared by\nevery relay of a fleet (redis://host:6379); default in memory',
      },
    ],
  },
  exemptClients: {
    type: strings,
    default: ['127.0.0.0/8', '::1/128'],
    flags: [
      {
        name: 'exempt-client',
        arg: '<cidr>',
        group: 'limits',
        help: 'clients the per-client limits skip (repeatable; default loopback)',
      },
    ],
  },
  maxStreams: {
    type: int(1, MAX_COUNT),
    default: 1024,
    flags: [
      {
        name: 'max-streams',
        arg: '<n>',
        group: 'limits',
        help: 'sockets and name queries per WebSocket (default {default})',
      },
    ],
  },
  maxSocketsTotal: {
    type: int(0, MAX_COUNT),
    default: 10_000,
    flags: [{ name: 'max-sockets', arg: '<n>', group: 'limits', help: 'sockets across the relay (default {default})' }],
  },
  maxConnectionsPerDestination: {
    type: int(0, MAX_COUNT),
    default: 0,
    flags: [
      {
        name: 'max-per-destination',
        arg: '<n>',
        group: 'limits',
        help: 'TCP connections to one address:port across the relay (default {default})',
      },
    ],
  },
  opensPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 50,
    flags: [
      {
        name: 'opens-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'socket opens and name queries per second per client (default {default})',
      },
    ],
  },
  openBurst: {
    type: int(1, MAX_COUNT),
    default: 100,
    flags: [
      { name: 'open-burst', arg: '<n>', group: 'limits', help: '... of which this many at once (default {default})' },
    ],
  },
  bandwidthBytesPerSec: {
    type: int(0, Number.MAX_SAFE_INTEGER),
    default: 0,
    flags: [
      { name: 'bandwidth', arg: '<bytes/s>', group: 'limits', help: 'per WebSocket and direction (default {default})' },
    ],
  },
  lookupsPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 500,
    flags: [
      {
        name: 'lookups-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups across the relay per second; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  maxLookupsInFlightPerClient: {
    type: int(0, MAX_COUNT),
    default: 8,
    flags: [
      {
        name: 'max-lookups-in-flight-per-client',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups pending at once per client address; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  maxLookupsInFlight: {
    type: int(0, MAX_COUNT),
    default: 64,
    flags: [
      {
        name: 'max-lookups-in-flight',
        arg: '<n>',
        group: 'limits',
        help: 'name lookups pending at once across the relay; more → TRY_AGAIN (default {default})',
      },
    ],
  },
  lookupTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'lookup-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'a name lookup not answered by then fails (TRY_AGAIN) (default {default})',
      },
    ],
  },
  negativeCacheMs: {
    type: int(0, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'negative-cache-ms',
        arg: '<n>',
        group: 'limits',
        help: 'remember names that do not exist this long (default {default})',
      },
    ],
  },
  clientBandwidthBytesPerSec: {
    type: int(0, Number.MAX_SAFE_INTEGER),
    default: 0,
    flags: [
      {
        name: 'client-bandwidth',
        arg: '<bytes/s>',
        group: 'limits',
        help: 'per client address and direction, across its WebSockets (and relays,\nwith --redis) (default {default})',
      },
    ],
  },
  connectTimeoutMs: {
    type: int(1, MAX_MS),
    default: 21_000,
    flags: [
      { name: 'connect-timeout-ms', arg: '<n>', group: 'limits', help: 'TCP connect timeout (default {default})' },
    ],
  },
  handshakeTimeoutMs: {
    type: int(1, MAX_MS),
    default: 10_000,
    flags: [
      {
        name: 'handshake-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'time for a page to send HELLO (default {default})',
      },
    ],
  },
  idleTimeoutMs: {
    type: int(0, MAX_MS),
    default: 600_000,
    flags: [
      {
        name: 'idle-timeout-ms',
        arg: '<n>',
        group: 'limits',
        help: 'close a WebSocket without streams or frames this long (default {default})',
      },
    ],
  },
  heartbeatMs: {
    type: int(0, MAX_MS),
    default: 30_000,
    flags: [
      {
        name: 'heartbeat-ms',
        arg: '<n>',
        group: 'limits',
        help: 'ping interval; a page missing a pong is dropped (default {default})',
      },
    ],
  },
  drainMs: {
    type: int(0, MAX_MS),
    default: 0,
    cliDefault: 10_000,
    flags: [
      {
        name: 'drain-ms',
        arg: '<n>',
        group: 'limits',
        help: 'on SIGTERM/SIGINT, time open streams get to finish (default {default})',
      },
    ],
  },
  logLevel: {
    type: z.enum(['debug', 'info', 'warn', 'error', 'silent']),
    default: 'warn',
    cliDefault: 'info',
    flags: [
      {
        name: 'log-level',
        arg: '<level>',
        group: 'logs',
        help: 'debug | info | warn | error | silent (default {default})',
      },
    ],
  },
  logFormat: {
    type: z.enum(['text', 'json']),
    default: 'text',
    flags: [
      {
        name: 'log-format',
        arg: '<text|json>',
        group: 'logs',
        help: 'key=value lines or one JSON object per line (default {default})',
      },
    ],
  },
  // What one page can make the relay hold or burn (docs/security.md "A malicious page").
  maxStreamCredit: {
    type: int(1, 0xffffffff),
    default: 8 * 1024 * 1024,
    flags: [
      {
        name: 'max-stream-credit',
        arg: '<bytes>',
        group: 'limits',
        help: 'credit a page may grant one stream; more is ignored (default {default})',
      },
    ],
  },
  maxPageBacklogBytes: {
    type: int(64 * 1024, Number.MAX_SAFE_INTEGER),
    default: 4 * 1024 * 1024,
    flags: [
      {
        name: 'max-page-backlog',
        arg: '<bytes>',
        group: 'limits',
        help: 'unsent bytes held for one page before its sockets stop being read (default {default})',
      },
    ],
  },
  maxHeldBytesTotal: {
    type: int(1024 * 1024, Number.MAX_SAFE_INTEGER),
    default: 256 * 1024 * 1024,
    flags: [
      {
        name: 'max-held-total',
        arg: '<bytes>',
        group: 'limits',
        help: 'unsent bytes held for all pages before every socket stops being read (default {default})',
      },
    ],
  },
  stalledPageMs: {
    type: int(0, MAX_MS),
    default: 30_000,
    flags: [
      {
        name: 'stalled-page-ms',
        arg: '<n>',
        group: 'limits',
        help: 'close a page whose backlog stays over the bound this long (default {default})',
      },
    ],
  },
  earlyWindow: {
    type: int(0, 0xffffffff),
    default: 64 * 1024,
    flags: [
      {
        name: 'early-window',
        arg: '<bytes>',
        group: 'limits',
        help: 'DATA a page may send one stream before OPENED (default {default})',
      },
    ],
  },
  maxEarlyBytes: {
    type: int(0, Number.MAX_SAFE_INTEGER),
    default: 1024 * 1024,
    flags: [
      {
        name: 'max-early-bytes',
        arg: '<bytes>',
        group: 'limits',
        help: 'DATA one page may have sent to streams not yet OPENED (default {default})',
      },
    ],
  },
  framesPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 100_000,
    flags: [
      {
        name: 'frames-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'frames one page may send per second; beyond, its WebSocket is not read (default {default})',
      },
    ],
  },
  messagesPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 20_000,
    flags: [
      {
        name: 'messages-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'WebSocket messages one page may send per second (default {default})',
      },
    ],
  },
  requestsPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 2_000,
    flags: [
      {
        name: 'requests-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'frames that ask for an answer (PEER, OPEN…) per page per second (default {default})',
      },
    ],
  },
  maxRefusalsPerSecond: {
    type: int(0, MAX_COUNT),
    default: 200,
    flags: [
      {
        name: 'max-refusals-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'refusals (OPEN_FAILED LIMIT…) after which a page is closed (default {default})',
      },
    ],
  },
  datagramMinCost: {
    type: int(0, 65_535),
    default: 64,
    flags: [
      {
        name: 'datagram-min-cost',
        arg: '<bytes>',
        group: 'limits',
        help: 'credit a datagram holds while in flight, however small (default {default})',
      },
    ],
  },
  datagramsPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 20_000,
    flags: [
      {
        name: 'datagrams-per-second',
        arg: '<n>',
        group: 'limits',
        help: 'datagrams one UDP socket may send per second; more are dropped (default {default})',
      },
    ],
  },
  pageDatagramsPerSecond: {
    type: z.number().nonnegative().finite(),
    default: 50_000,
    flags: [
      {
        name: 'page-datagrams-per-second',
        arg: '<n>',
        group: 'limits',
        help: '... and one page across its sockets (default {default})',
      },
    ],
  },
  // Only a program sets these.
  maxFrameBody: { type: int(1024, 16 * 1024 * 1024), default: 64 * 1024 },
  streamWindow: { type: int(1, 0xffffffff), default: 1024 * 1024 },
  datagramWindow: { type: int(0xffff, 0xffffffff), default: 256 * 1024 },
  lingerMs: { type: int(0, MAX_MS), default: 30_000 },
  // The shortest keep-alive idle time a page may ask for (SIO_KEEPALIVE_VALS, TCP_KEEPALIVE):
  // shorter asks get this, so a page cannot make the relay probe its peers every millisecond.
  minKeepAliveMs: { type: int(1000, MAX_KEEPALIVE_MS), default: 10_000 },
  fleetTtlMs: { type: int(300, MAX_MS), default: 15_000 },
  fleetTimeoutMs: { type: int(1, MAX_MS), default: 500 },
  log: { type: fn<Logger>('log'), inFile: false },
  logStream: {
    type: z.custom<Writable>((v) => v instanceof Writable, { message: 'logStream must be a Writable stream' }),
    inFile: false,
  },
  maxLogBufferBytes: { type: int(4096, Number.MAX_SAFE_INTEGER), default: 1024 * 1024 },
  lookup: { type: fn<Lookup>('lookup'), inFile: false },
  dial: { type: fn<Dialer>('dial'), inFile: false },
  udpSocket: { type: fn<UdpSocketFactory>('udpSocket'), inFile: false },
} as const satisfies Record<string, OptionSpec>;

type Options = typeof OPTIONS;
export type OptionName = keyof Options;

/** Every option optional, nothing filled in: what a program, a file or the flags give. */
type GivenShape = { [K in OptionName]: z.ZodOptional<Options[K]['type']> };

/** As given, with the defaults filled in. */
type ResolvedShape = {
  [K in OptionName]: Options[K] extends { default: unknown }
    ? z.ZodDefault<Options[K]['type']>
    : z.ZodOptional<Options[K]['type']>;
};

function shape<S>(build: (spec: OptionSpec) => z.ZodTypeAny): S {
  return Object.fromEntries(
    Object.entries(OPTIONS).map(([name, spec]: [string, OptionSpec]) => [name, build(spec)]),
  ) as S;
}

/** The options as given (no defaults); unknown keys are dropped, as a JavaScript caller expects. */
export const givenSchema = z.object(shape<GivenShape>((spec) => spec.type.optional()));

/** The options with the defaults filled in. */
export const resolvedSchema = z.object(
  shape<ResolvedShape>((spec) => ('default' in spec ? spec.type.default(spec.default) : spec.type.optional())),
);

/** `startRelay(options)`. Every key is optional; see docs/relay.md for each. */
export type RelayOptions = z.input<typeof givenSchema>;

/** The options after validation, defaults filled in. */
export type ParsedOptions = z.output<typeof resolvedSchema>;

/** `startRelay`'s default for every option that has one. */
export const DEFAULTS = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([name, spec]: [string, OptionSpec]) =>
    'default' in spec ? [[name, spec.default]] : [],
  ),
) as {
  readonly [K in OptionName as Options[K] extends { default: unknown } ? K : never]: Options[K] extends {
    default: infer D;
  }
    ? D
    : never;
};

/**
 * Parses `value` with `schema`, or throws the first problem as `startRelay` reports it:
 * `startRelay: <path>: <message>`, a RangeError for a number out of range, else a TypeError.
 * `at` prefixes the path (`listen` for the inbound policy on its own).
 */
export function validate<T extends z.ZodTypeAny>(schema: T, value: unknown, at?: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // A failed parse always has an issue; the first one is what the caller gets told.
  const issue = parsed.error.issues[0];
  const where = [...(at === undefined ? [] : [at]), ...(issue?.path ?? [])].join('.') || 'options';
  const message = `startRelay: ${where}: ${issue?.message ?? parsed.error.message}`;
  const range = (issue?.code === 'too_small' || issue?.code === 'too_big') && issue.type === 'number';
  throw range ? new RangeError(message) : new TypeError(message);
}
