/**
 * The options of where the relay listens, who may use it, where pages may connect and what they
 * may listen on: the first part of the option table (schema.ts composes it), in `--help` order.
 */
import { z } from 'zod';
import { LISTEN_OPTIONS, listenSchema } from './listen.js';
import { MAX_COUNT, int, list, pem, port, ports, strings, type Flag, type OptionSpec } from './blocks.js';

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

export const SERVING_OPTIONS = {
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
} as const satisfies Record<string, OptionSpec>;
