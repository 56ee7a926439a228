/**
 * @ws2web/relay — the Node side of ws2web: a WebSocket server that opens real TCP and UDP
 * sockets (and, with an inbound policy, listening sockets) for @ws2web/browser pages, behind a
 * destination policy. See docs/relay.md and docs/inbound.md.
 */
export { startRelay, type Relay } from './relay.js';
export { createTicket, verifyTicket, type TicketOptions, type TicketVerdict } from './tickets.js';
export { DEFAULTS, COALESCE_FRAMES, MAX_HEADERS_COUNT, type RelayOptions, type TlsOptions, type LogFormat } from './options.js';
export { Policy, DEFAULT_DENY_PORTS, type PolicyRules, type PolicyVerdict } from './policy.js';
export { DEFAULT_DENY } from './address-ranges.js';
export { DestinationScope } from './destination-scope.js';
export { InboundPolicy, INBOUND_DEFAULTS, type ListenOptions, type BindRequest, type BindPlan } from './inbound-policy.js';
export { PortSet, type PortSpec } from './port-set.js';
export { loadConfigFile, parseConfig, ConfigError, configSchema } from './config-file.js';
export type { MetricsSnapshot, LimitName, InboundOutcome } from './metrics.js';
export type { Dialer, DialRequest } from './dial.js';
export type { Lookup, LookupAddress, LookupFamily, DnsOptions } from './name-service.js';
export type { UdpSocketFactory, UdpSocketRequest } from './udp-socket.js';
export { createLogger, stderrSink, jsonSink, type LogLevel, type LogSink, type Logger } from './log.js';
