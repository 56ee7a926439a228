/**
 * The contract between a connection and the streams it hosts (TCP streams, UDP sockets,
 * listeners, name queries): what a stream needs from its connection (`StreamHost`), and what
 * the connection needs from every stream (`HostedStream`), so the connection never has to ask
 * which class a stream is for its bookkeeping.
 */
import type { DestinationScope } from '../policy/destination-scope.js';
import type { RelayLimits } from '../ops/limits.js';
import type { Metrics } from '../ops/metrics.js';
import type { ResolvedOptions } from '../config/options.js';
import type { Outbox } from '../connection/outbox.js';
import type { PortSet } from '../policy/port-set.js';

/** The connection's side of the contract. */
export interface StreamHost {
  readonly options: ResolvedOptions;
  readonly metrics: Metrics;
  readonly outbox: Outbox;
  /** Fields added to every log record of this connection. */
  readonly logFields: Record<string, unknown>;
  /** The ticket's destination scope, when the page's ticket has one. */
  readonly scope: DestinationScope | null;
  /** The ticket's `listenPorts` (local ports it may listen on or bind), when it has one. */
  readonly listenScope: PortSet | null;
  /** Limits shared by every connection of the relay (per-destination caps). */
  readonly limits: RelayLimits;
  /**
   * Bandwidth cap, relay → page: records `bytes` forwarded and answers how many ms the stream
   * should stop reading its socket (0 = read on).
   */
  spendToPage(bytes: number): number;
  /** The stream has bytes to give back; collect them with `takeCreditOwed()` at the next flush. */
  creditOwed(stream: HostedStream): void;
  /** The stream id is finished (CLOSE, OPEN_FAILED or RESOLVED went either way); a socket may linger. */
  released(stream: HostedStream): void;
  /**
   * True while the WebSocket holds more unsent bytes than a page that reads could explain: a
   * source without credit control (empty datagrams) must drop instead of queueing more.
   */
  backlogged(): boolean;
  /**
   * DATA for a stream not yet OPENED: records `bytes` (negative: given back once it opened or
   * went) and answers false, recording nothing, when the page would exceed maxEarlyBytes.
   */
  holdEarly(bytes: number): boolean;
  /** An info line about a refusal (open failed, policy): at most a few per page per second. */
  logRefusal(msg: string, fields: Record<string, unknown>): void;
  /** One datagram page → peer against the page's pageDatagramsPerSecond; false: drop it. */
  takeDatagram(): boolean;
  /** The page broke the protocol on a stream (flow control): the whole connection goes. */
  protocolError(message: string): void;
}

/** What opened the stream; names it in protocol errors. */
export type StreamKind = 'TCP' | 'UDP' | 'LISTEN' | 'RESOLVE';

/** The stream's side. */
export interface HostedStream {
  readonly id: number;
  readonly kind: StreamKind;
  /** The name this stream is counted under in the `streams_by_state` gauge. */
  readonly gaugeState: string;
  /** The page closed it gracefully and its socket still drains (it no longer holds the id). */
  readonly lingering: boolean;
  /** Resolves once the stream's socket (if it ever had one) has closed. */
  readonly socketClosed: Promise<void>;
  /**
   * Bytes the kernel took since the last CREDIT; the caller sends them as one CREDIT frame. With
   * `alone` (the CREDIT would be a WebSocket message of its own: nothing else leaves this turn) a
   * stream may answer 0 and keep them owed until they are worth a message (TcpStream).
   */
  takeCreditOwed(alone: boolean): number;
  /** Bytes are owed back (a CREDIT that waited is still to go). */
  readonly owesCredit: boolean;
  /** CLOSE from the page. */
  onClose(reason: number): void;
  /** The WebSocket went or the relay is closing: drop the socket, send nothing. */
  destroy(): Promise<void>;
}
