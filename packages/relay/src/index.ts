/**
 * @ws2web/relay — the Node side of ws2web: a WebSocket server that opens real TCP sockets for
 * @ws2web/browser pages, behind a destination policy. See docs/relay.md.
 */
export { startRelay, type Relay } from './relay.js';
export { createTicket, verifyTicket, type TicketOptions, type TicketVerdict } from './tickets.js';
export { DEFAULTS, COALESCE_FRAMES, type RelayOptions } from './options.js';
export { Policy, type PolicyVerdict } from './policy.js';
export type { MetricsSnapshot } from './metrics.js';
export type { Dialer, DialRequest } from './dial.js';
export type { Lookup, LookupAddress, LookupFamily, DnsOptions } from './name-service.js';
export type { UdpSocketFactory, UdpSocketRequest } from './udp-socket.js';
export { createLogger, stderrSink, type LogLevel, type LogSink, type Logger } from './log.js';
