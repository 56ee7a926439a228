/**
 * @ws2web/relay — the Node side of ws2web: a WebSocket server that opens real TCP and UDP
 * sockets (and, with an inbound policy, listening sockets) for @ws2web/browser pages, behind a
 * destination policy. See docs/relay.md and docs/inbound.md.
 *
 * Only what docs/relay.md documents is exported: `startRelay` and its option types, tickets,
 * and `COALESCE_FRAMES`. Policies, the option schema and config-file parsing are internals
 * (the CLI and `startRelay` use them); tests import them from their own files.
 */
export { startRelay, type Relay } from './server/relay.js';
export { createTicket, verifyTicket, type TicketOptions, type TicketCheck } from './ops/tickets.js';
export { COALESCE_FRAMES, type RelayOptions, type TlsOptions, type LogFormat } from './config/options.js';
export type { ListenOptions } from './config/schema.js';
export type { MetricsSnapshot, LimitName, InboundOutcome } from './ops/metrics.js';
export type { Dialer, DialRequest } from './streams/dial.js';
export type { Lookup, LookupAddress, LookupFamily, DnsOptions } from './streams/name-service.js';
export type { UdpSocketFactory, UdpSocketRequest } from './streams/udp-socket.js';
export type { LogLevel, LogSink, Logger } from './ops/log.js';
