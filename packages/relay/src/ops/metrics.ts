/**
 * Relay counters, readable as an object (`relay.metrics()`) and as Prometheus text (`GET /metrics`).
 * Counters only grow; gauges are "now". No I/O here.
 */
import { reasonRow } from '@ws2web/protocol';

export interface MetricsSnapshot {
  /** WebSocket connections open now (handshake done or not). */
  connections: number;
  connectionsTotal: number;
  /** Relayed TCP streams open now (from OPEN until CLOSE/OPEN_FAILED). */
  streams: number;
  /** DATA bytes the page sent that were written to peers. */
  bytesPageToPeer: number;
  /** DATA bytes read from peers and sent to pages. */
  bytesPeerToPage: number;
  /** OPEN outcomes by wire reason name: `{ OK: 3, REFUSED: 1, POLICY_DENIED: 2 }`. */
  opens: Record<string, number>;
  /** Destinations refused by the policy (each refused OPEN counts once). */
  policyRefusals: number;
  /** HELLOs refused, by reason name (AUTH_FAILED, VERSION_MISMATCH, TIMED_OUT). */
  handshakeFailures: Record<string, number>;
  /** Connections closed for a protocol error. */
  protocolErrors: number;
  /** Upgrades answered 403 because of their Origin. */
  originRefusals: number;
  /** Relayed UDP sockets open now (from DGRAM_OPEN until CLOSE/OPEN_FAILED). */
  udpSockets: number;
  /** Name lookups pending now (RESOLVE and OPEN by name), relay-wide. */
  lookupsInFlight: number;
  /** DGRAM_OPEN outcomes by wire reason name. */
  udpOpens: Record<string, number>;
  /** Datagrams the page sent that the kernel took. */
  datagramsPageToPeer: number;
  /** Datagrams received from peers and forwarded to pages. */
  datagramsPeerToPage: number;
  /** Datagrams dropped, by why (see DropReason). */
  datagramsDropped: Record<string, number>;
  /** RESOLVE outcomes by wire reason name (OK = answered). */
  resolves: Record<string, number>;
  /** Policy refusals by what refused (`loopback`, `private`, `port`, `host_name`, `ticket_scope`…). */
  policyRefusalsByReason: Record<string, number>;
  /** Limits hit, by limit (see LimitName). */
  limitHits: Record<string, number>;
  /** TCP connects that succeeded, and the sum of their durations in seconds (histogram in /metrics). */
  connectLatency: { count: number; sumSeconds: number };
  /** Listening sockets open now (from LISTEN until CLOSE/OPEN_FAILED). */
  listeners: number;
  /** LISTEN outcomes by wire reason name: `{ OK: 2, POLICY_DENIED: 1, ADDR_IN_USE: 1 }`. */
  listens: Record<string, number>;
  /** Unsent bytes held for pages now (WebSocket buffers and outboxes), sampled. */
  heldBytes: number;
  /** Inbound connections by outcome (see InboundOutcome). */
  inbound: Record<string, number>;
  /** Log lines dropped because the log sink was not keeping up (log-sink.ts). */
  logLinesDropped: number;
  /** Commands to the fleet's count store (`redis`) that failed or timed out. */
  fleetStoreErrors: number;
  /** Count changes heard from other relays of the fleet. */
  fleetCountsHeard: number;
}

/**
 * Which limit refused something: `connections_per_ip` (upgrade → 429), `sockets_total`,
 * `streams_per_connection`, `open_rate`, `per_destination` (→ OPEN_FAILED(LIMIT)),
 * `bandwidth` (a read paused or a CREDIT delayed), `idle_timeout`, `handshake_timeout`,
 * `heartbeat` (no pong), `max_payload` (message over maxPayload, 1009),
 * `listeners_per_connection` (LISTEN → OPEN_FAILED(LIMIT)), `pending_per_connection` (an inbound
 * connection reset because the page holds listen.maxPending unaccepted ones), `page_backlog` /
 * `held_total` (sockets paused: one page's or all pages' unsent bytes over the bound),
 * `stalled_page` (a page whose backlog did not drain, closed), `early_bytes` (DATA before OPENED
 * over the bound), `frame_rate` / `request_rate` (the page's WebSocket not read for a while),
 * `refusals` (a page closed after too many refusals in a second).
 */
export type LimitName =
  | 'connections_per_ip'
  | 'sockets_total'
  | 'streams_per_connection'
  | 'open_rate'
  | 'per_destination'
  | 'bandwidth'
  | 'idle_timeout'
  | 'handshake_timeout'
  | 'heartbeat'
  | 'max_payload'
  | 'listeners_per_connection'
  | 'pending_per_connection'
  | 'page_backlog'
  | 'held_total'
  | 'stalled_page'
  | 'early_bytes'
  | 'frame_rate'
  | 'request_rate'
  | 'refusals'
  | 'bad_forwarded_for'
  | 'connections_per_ticket'
  | 'pending_upgrades_per_ip'
  | 'upgrade_timeout'
  | 'connections_total'
  | 'sockets_per_client'
  | 'sockets_per_subject'
  | 'listeners_per_client'
  | 'listeners_per_subject'
  | 'lookup_rate'
  | 'lookups_in_flight'
  | 'lookups_in_flight_per_client';

/**
 * What became of an inbound connection to a page's listener. Offered to the page (INCOMING):
 * `offered`, then one of `accepted` (the page's first CREDIT), `rejected` (the page's CLOSE
 * before accepting), `listener_closed` (reset because its listener closed first), `gone` (the
 * socket or the WebSocket went first). Reset at once, never offered: `backlog_full` (the
 * listener's backlog of unaccepted connections is full), `pending_limit` (listen.maxPending for
 * the page), `remote_denied` (listen.remotes), `limit` (maxStreams, maxSocketsTotal, draining),
 * `not_listening` (reached a BIND's address, which closed before the page's LISTEN or had its
 * backlog full).
 */
export type InboundOutcome =
  | 'offered'
  | 'accepted'
  | 'rejected'
  | 'listener_closed'
  | 'gone'
  | 'backlog_full'
  | 'pending_limit'
  | 'remote_denied'
  | 'limit'
  | 'not_listening';

/** Upper bounds (seconds) of the connect latency histogram; 21 s is the default connect timeout. */
export const CONNECT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 21] as const;

/**
 * Why a datagram was dropped. Inbound (peer → page): `no_credit` (the page's window is used up),
 * `wrong_source` (not from the connected peer), `too_large` (does not fit one frame), `backlog`
 * (the WebSocket is not draining), `rate` (the bandwidth cap is spent). Outbound (page → peer): `policy`, `bad_destination` (port 0,
 * wrong family), `no_destination` (no address and no connected peer), `send_error` (the kernel
 * refused it: EMSGSIZE, EACCES…).
 */
export type DropReason =
  | 'no_credit'
  | 'wrong_source'
  | 'too_large'
  | 'backlog'
  | 'rate'
  | 'policy'
  | 'bad_destination'
  | 'no_destination'
  | 'send_error'
  | 'unsolicited';

export class Metrics {
  connections = 0;
  connectionsTotal = 0;
  streams = 0;
  bytesPageToPeer = 0;
  bytesPeerToPage = 0;
  policyRefusals = 0;
  protocolErrors = 0;
  originRefusals = 0;
  udpSockets = 0;
  lookupsInFlight = 0;
  listeners = 0;
  datagramsPageToPeer = 0;
  datagramsPeerToPage = 0;
  heldBytes = 0;
  /** Log lines dropped so far, asked at scrape time (the relay's log sink counts them). */
  logLinesDropped: () => number = () => 0;
  fleetStoreErrors = 0;
  fleetCountsHeard = 0;
  readonly #opens = new Map<string, number>();
  readonly #handshakeFailures = new Map<string, number>();
  readonly #udpOpens = new Map<string, number>();
  readonly #dropped = new Map<string, number>();
  readonly #resolves = new Map<string, number>();
  readonly #refusalsByReason = new Map<string, number>();
  readonly #limitHits = new Map<string, number>();
  readonly #listens = new Map<string, number>();
  readonly #inbound = new Map<string, number>();
  readonly #connectBuckets = new Array<number>(CONNECT_BUCKETS.length).fill(0);
  #connectCount = 0;
  #connectSum = 0;
  /** Streams by state, asked at scrape time (the relay knows its connections). */
  streamStates: () => Record<string, number> = () => ({});
  /** 1 while the relay drains before shutting down. */
  draining = 0;

  /** One policy refusal; `reason` is a short category, never free text (label cardinality). */
  countPolicyRefusal(reason: string): void {
    this.policyRefusals++;
    this.#refusalsByReason.set(reason, (this.#refusalsByReason.get(reason) ?? 0) + 1);
  }

  countLimit(limit: LimitName): void {
    this.#limitHits.set(limit, (this.#limitHits.get(limit) ?? 0) + 1);
  }

  observeConnect(seconds: number): void {
    this.#connectCount++;
    this.#connectSum += seconds;
    CONNECT_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.#connectBuckets[i] = (this.#connectBuckets[i] ?? 0) + 1;
    });
  }

  countOpen(reason: number): void {
    const name = reasonRow(reason).name;
    this.#opens.set(name, (this.#opens.get(name) ?? 0) + 1);
  }

  countHandshakeFailure(reason: number): void {
    const name = reasonRow(reason).name;
    this.#handshakeFailures.set(name, (this.#handshakeFailures.get(name) ?? 0) + 1);
  }

  countUdpOpen(reason: number): void {
    const name = reasonRow(reason).name;
    this.#udpOpens.set(name, (this.#udpOpens.get(name) ?? 0) + 1);
  }

  countDrop(why: DropReason): void {
    this.#dropped.set(why, (this.#dropped.get(why) ?? 0) + 1);
  }

  countResolve(reason: number): void {
    const name = reasonRow(reason).name;
    this.#resolves.set(name, (this.#resolves.get(name) ?? 0) + 1);
  }

  countListen(reason: number): void {
    const name = reasonRow(reason).name;
    this.#listens.set(name, (this.#listens.get(name) ?? 0) + 1);
  }

  countInbound(outcome: InboundOutcome): void {
    this.#inbound.set(outcome, (this.#inbound.get(outcome) ?? 0) + 1);
  }

  snapshot(): MetricsSnapshot {
    return {
      connections: this.connections,
      connectionsTotal: this.connectionsTotal,
      streams: this.streams,
      bytesPageToPeer: this.bytesPageToPeer,
      bytesPeerToPage: this.bytesPeerToPage,
      opens: Object.fromEntries(this.#opens),
      policyRefusals: this.policyRefusals,
      handshakeFailures: Object.fromEntries(this.#handshakeFailures),
      protocolErrors: this.protocolErrors,
      originRefusals: this.originRefusals,
      udpSockets: this.udpSockets,
      lookupsInFlight: this.lookupsInFlight,
      udpOpens: Object.fromEntries(this.#udpOpens),
      datagramsPageToPeer: this.datagramsPageToPeer,
      datagramsPeerToPage: this.datagramsPeerToPage,
      datagramsDropped: Object.fromEntries(this.#dropped),
      resolves: Object.fromEntries(this.#resolves),
      policyRefusalsByReason: Object.fromEntries(this.#refusalsByReason),
      limitHits: Object.fromEntries(this.#limitHits),
      connectLatency: { count: this.#connectCount, sumSeconds: this.#connectSum },
      listeners: this.listeners,
      listens: Object.fromEntries(this.#listens),
      heldBytes: this.heldBytes,
      inbound: Object.fromEntries(this.#inbound),
      logLinesDropped: this.logLinesDropped(),
      fleetStoreErrors: this.fleetStoreErrors,
      fleetCountsHeard: this.fleetCountsHeard,
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Array<[string, number]>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
    };
    const labelled = (label: string, map: Map<string, number>): Array<[string, number]> =>
      [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [`{${label}="${k}"}`, v]);

    metric('ws2web_relay_connections', 'gauge', 'WebSocket connections open now.', [['', this.connections]]);
    metric('ws2web_relay_connections_total', 'counter', 'WebSocket connections accepted.', [
      ['', this.connectionsTotal],
    ]);
    metric('ws2web_relay_streams', 'gauge', 'Relayed TCP streams open now.', [['', this.streams]]);
    metric('ws2web_relay_bytes_total', 'counter', 'DATA bytes relayed, by direction.', [
      ['{direction="page_to_peer"}', this.bytesPageToPeer],
      ['{direction="peer_to_page"}', this.bytesPeerToPage],
    ]);
    metric(
      'ws2web_relay_opens_total',
      'counter',
      'OPEN requests by outcome (wire reason name; OK = connected).',
      labelled('outcome', this.#opens),
    );
    metric('ws2web_relay_policy_refusals_total', 'counter', 'Destinations refused by the relay policy.', [
      ['', this.policyRefusals],
    ]);
    metric(
      'ws2web_relay_handshake_failures_total',
      'counter',
      'HELLOs refused, by reason.',
      labelled('reason', this.#handshakeFailures),
    );
    metric('ws2web_relay_protocol_errors_total', 'counter', 'Connections closed for a protocol error.', [
      ['', this.protocolErrors],
    ]);
    metric('ws2web_relay_origin_refusals_total', 'counter', 'WebSocket upgrades refused for their Origin.', [
      ['', this.originRefusals],
    ]);
    metric('ws2web_relay_held_bytes', 'gauge', 'Unsent bytes held for pages (WebSocket buffers, outboxes), sampled.', [
      ['', this.heldBytes],
    ]);
    metric('ws2web_relay_udp_sockets', 'gauge', 'Relayed UDP sockets open now.', [['', this.udpSockets]]);
    metric('ws2web_relay_lookups_in_flight', 'gauge', 'Name lookups pending now.', [['', this.lookupsInFlight]]);
    metric(
      'ws2web_relay_udp_opens_total',
      'counter',
      'DGRAM_OPEN requests by outcome (wire reason name; OK = bound).',
      labelled('outcome', this.#udpOpens),
    );
    metric('ws2web_relay_datagrams_total', 'counter', 'Datagrams relayed, by direction.', [
      ['{direction="page_to_peer"}', this.datagramsPageToPeer],
      ['{direction="peer_to_page"}', this.datagramsPeerToPage],
    ]);
    metric(
      'ws2web_relay_datagrams_dropped_total',
      'counter',
      'Datagrams dropped, by reason.',
      labelled('reason', this.#dropped),
    );
    metric(
      'ws2web_relay_resolves_total',
      'counter',
      'RESOLVE requests by outcome (wire reason name; OK = answered).',
      labelled('outcome', this.#resolves),
    );
    metric(
      'ws2web_relay_policy_refusals_by_reason_total',
      'counter',
      'Destinations refused by the relay policy, by what refused them.',
      labelled('reason', this.#refusalsByReason),
    );
    metric('ws2web_relay_limit_hits_total', 'counter', 'Limits hit, by limit.', labelled('limit', this.#limitHits));
    metric('ws2web_relay_listeners', 'gauge', 'Listening sockets open now for pages.', [['', this.listeners]]);
    metric(
      'ws2web_relay_listens_total',
      'counter',
      'LISTEN requests by outcome (wire reason name; OK = listening).',
      labelled('outcome', this.#listens),
    );
    metric(
      'ws2web_relay_inbound_connections_total',
      'counter',
      'Inbound connections to page listeners, by outcome.',
      labelled('outcome', this.#inbound),
    );
    const states = this.streamStates();
    metric(
      'ws2web_relay_streams_by_state',
      'gauge',
      'Streams open now, by state (TCP states, udp, resolving names).',
      Object.entries(states)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, n]) => [`{state="${k}"}`, n]),
    );
    metric('ws2web_relay_log_lines_dropped_total', 'counter', 'Log lines dropped because the log sink was slow.', [
      ['', this.logLinesDropped()],
    ]);
    metric('ws2web_relay_fleet_store_errors_total', 'counter', 'Fleet count store (redis) commands that failed.', [
      ['', this.fleetStoreErrors],
    ]);
    metric('ws2web_relay_fleet_counts_heard_total', 'counter', 'Count changes heard from other relays.', [
      ['', this.fleetCountsHeard],
    ]);
    metric('ws2web_relay_draining', 'gauge', '1 while the relay drains before shutting down.', [['', this.draining]]);
    out.push(
      '# HELP ws2web_relay_connect_seconds Time from dial to connected for relayed TCP connections.',
      '# TYPE ws2web_relay_connect_seconds histogram',
    );
    CONNECT_BUCKETS.forEach(
      (le, i) => void out.push(`ws2web_relay_connect_seconds_bucket{le="${le}"} ${this.#connectBuckets[i]}`),
    );
    out.push(`ws2web_relay_connect_seconds_bucket{le="+Inf"} ${this.#connectCount}`);
    out.push(
      `ws2web_relay_connect_seconds_sum ${this.#connectSum}`,
      `ws2web_relay_connect_seconds_count ${this.#connectCount}`,
    );
    return `${out.join('\n')}\n`;
  }
}
