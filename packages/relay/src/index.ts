/**
 * @ws2web/relay — the Node side of ws2web: a WebSocket server that opens real TCP and UDP
 * sockets (and, with an inbound policy, listening sockets) for @ws2web/browser pages, behind a
 * destination policy. See docs/relay.md and docs/inbound.md.
 */
export { startRelay, type Relay } from './server/relay.js';
export { createTicket, verifyTicket, type TicketOptions, type TicketVerdict } from './ops/tickets.js';
export { DEFAULTS, COALESCE_FRAMES, MAX_HEADERS_COUNT, type RelayOptions, type TlsOptions, type LogFormat } from './config/options.js';
export { Policy, DEFAULT_DENY_PORTS, type PolicyRules, type PolicyVerdict } from './policy/policy.js';
export { DEFAULT_DENY } from './policy/address-ranges.js';
export { DestinationScope } from './policy/destination-scope.js';
export { InboundPolicy, INBOUND_DEFAULTS, type ListenOptions, type BindRequest, type BindPlan } from './policy/inbound-policy.js';
export { PortSet, type PortSpec } from './policy/port-set.js';
export { loadConfigFile, parseConfig, ConfigError, configSchema } from './config/config-file.js';
export type { MetricsSnapshot, LimitName, InboundOutcome } from './ops/metrics.js';
export type { Dialer, DialRequest } from './streams/dial.js';
export type { Lookup, LookupAddress, LookupFamily, DnsOptions } from './streams/name-service.js';
export type { UdpSocketFactory, UdpSocketRequest } from './streams/udp-socket.js';
export { createLogger, stderrSink, jsonSink, type LogLevel, type LogSink, type Logger } from './ops/log.js';
