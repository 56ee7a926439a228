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
}

/**
 * Why a datagram was dropped. Inbound (peer → page): `no_credit` (the page's window is used up),
 * `wrong_source` (not from the connected peer), `too_large` (does not fit one frame), `backlog`
 * (the WebSocket is not draining). Outbound (page → peer): `policy`, `bad_destination` (port 0,
 * wrong family), `no_destination` (no address and no connected peer), `send_error` (the kernel
 * refused it: EMSGSIZE, EACCES…).
 */
export type DropReason =
  | 'no_credit' | 'wrong_source' | 'too_large' | 'backlog'
  | 'policy' | 'bad_destination' | 'no_destination' | 'send_error';

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
  datagramsPageToPeer = 0;
  datagramsPeerToPage = 0;
  readonly #opens = new Map<string, number>();
  readonly #handshakeFailures = new Map<string, number>();
  readonly #udpOpens = new Map<string, number>();
  readonly #dropped = new Map<string, number>();
  readonly #resolves = new Map<string, number>();

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
      udpOpens: Object.fromEntries(this.#udpOpens),
      datagramsPageToPeer: this.datagramsPageToPeer,
      datagramsPeerToPage: this.datagramsPeerToPage,
      datagramsDropped: Object.fromEntries(this.#dropped),
      resolves: Object.fromEntries(this.#resolves),
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
    metric('ws2web_relay_connections_total', 'counter', 'WebSocket connections accepted.', [['', this.connectionsTotal]]);
    metric('ws2web_relay_streams', 'gauge', 'Relayed TCP streams open now.', [['', this.streams]]);
    metric('ws2web_relay_bytes_total', 'counter', 'DATA bytes relayed, by direction.', [
      ['{direction="page_to_peer"}', this.bytesPageToPeer],
      ['{direction="peer_to_page"}', this.bytesPeerToPage],
    ]);
    metric('ws2web_relay_opens_total', 'counter', 'OPEN requests by outcome (wire reason name; OK = connected).', labelled('outcome', this.#opens));
    metric('ws2web_relay_policy_refusals_total', 'counter', 'Destinations refused by the relay policy.', [['', this.policyRefusals]]);
    metric('ws2web_relay_handshake_failures_total', 'counter', 'HELLOs refused, by reason.', labelled('reason', this.#handshakeFailures));
    metric('ws2web_relay_protocol_errors_total', 'counter', 'Connections closed for a protocol error.', [['', this.protocolErrors]]);
    metric('ws2web_relay_origin_refusals_total', 'counter', 'WebSocket upgrades refused for their Origin.', [['', this.originRefusals]]);
    metric('ws2web_relay_udp_sockets', 'gauge', 'Relayed UDP sockets open now.', [['', this.udpSockets]]);
    metric('ws2web_relay_udp_opens_total', 'counter', 'DGRAM_OPEN requests by outcome (wire reason name; OK = bound).', labelled('outcome', this.#udpOpens));
    metric('ws2web_relay_datagrams_total', 'counter', 'Datagrams relayed, by direction.', [
      ['{direction="page_to_peer"}', this.datagramsPageToPeer],
      ['{direction="peer_to_page"}', this.datagramsPeerToPage],
    ]);
    metric('ws2web_relay_datagrams_dropped_total', 'counter', 'Datagrams dropped, by reason.', labelled('reason', this.#dropped));
    metric('ws2web_relay_resolves_total', 'counter', 'RESOLVE requests by outcome (wire reason name; OK = answered).', labelled('outcome', this.#resolves));
    return out.join('\n') + '\n';
  }
}
