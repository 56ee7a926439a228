/**
 * What one page can make the relay hold or burn (docs/security.md "A malicious page"), and the
 * tuning only a program sets: the last part of the option table (schema.ts composes it).
 */
import { Writable } from 'node:stream';
import { z } from 'zod';
import type { Logger } from '../../ops/log.js';
import type { Dialer } from '../../streams/dial.js';
import type { Lookup } from '../../streams/name-service.js';
import type { UdpSocketFactory } from '../../streams/udp-socket.js';
import { MAX_COUNT, MAX_KEEPALIVE_MS, MAX_MS, fn, int, type OptionSpec } from './blocks.js';

export const PAGE_LIMIT_OPTIONS = {
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
