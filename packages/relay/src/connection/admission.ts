/**
 * Whether one more stream may open on a page (docs/security.md "Limits"). In order: the relay
 * is draining (SHUTTING_DOWN); maxStreams for this page (TCP, UDP, listeners and name queries
 * alike, and sockets still draining after a graceful CLOSE — otherwise open/close cycles
 * against a peer that never reads would pile up sockets); maxSocketsTotal for the relay,
 * maxSocketsPerClient for the client address across its WebSockets (unless exempt) and
 * maxSocketsPerSubject for the ticket's subject (sockets only; both fleet-wide with `redis`);
 * the client's open rate (token bucket, unless the client is exempt). An inbound connection a
 * listener accepted passes the same checks except the open rate, which is the page's own pace,
 * not its peers'.
 */
import type { ResolvedOptions } from '../config/options.js';
import type { RelayLimits, SocketOwner } from '../ops/limits.js';
import type { LimitName } from '../ops/metrics.js';

/** Why a stream may not open: the relay drains, or a named limit (with the detail logged). */
export type Refusal = { draining: true } | { draining: false; limit: LimitName; detail: string };

const DRAINING: Refusal = { draining: true };

export class Admission {
  readonly #options: ResolvedOptions;
  readonly #limits: RelayLimits;
  readonly #client: string;
  readonly #exempt: boolean;
  readonly #owner: SocketOwner;
  #draining = false;

  /**
   * `client` keys the open rate; `exempt` skips it (exemptClients); `owner` keys the socket
   * limits per client address and per ticket subject.
   */
  constructor(options: ResolvedOptions, limits: RelayLimits, client: string, exempt: boolean, owner: SocketOwner) {
    this.#options = options;
    this.#limits = limits;
    this.#client = client;
    this.#exempt = exempt;
    this.#owner = owner;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** From now on every new stream is refused with SHUTTING_DOWN. */
  drain(): void {
    this.#draining = true;
  }

  /** A page's OPEN, DGRAM_OPEN, LISTEN (`isSocket`) or RESOLVE, with `open` streams counted: null = admitted. */
  refusal(open: number, isSocket: boolean): Refusal | null {
    if (this.#draining) return DRAINING;
    const limit = this.#sharedLimit(open, isSocket);
    if (limit !== null) return limit;
    if (!this.#exempt && !this.#limits.takeOpen(this.#client)) {
      const { opensPerSecond, openBurst } = this.#options;
      return {
        draining: false,
        limit: 'open_rate',
        detail: `more than ${opensPerSecond} opens per second (burst ${openBurst})`,
      };
    }
    return null;
  }

  /** An inbound connection, with `open` streams counted: the limit it breaks, or null. */
  inboundLimit(open: number): LimitName | null {
    return this.#sharedLimit(open, true)?.limit ?? null;
  }

  #sharedLimit(open: number, isSocket: boolean): (Refusal & { draining: false }) | null {
    const { maxStreams, maxSocketsTotal } = this.#options;
    if (open >= maxStreams)
      return { draining: false, limit: 'streams_per_connection', detail: `${maxStreams} streams open` };
    if (isSocket && maxSocketsTotal > 0 && this.#limits.sockets >= maxSocketsTotal) {
      return { draining: false, limit: 'sockets_total', detail: `${maxSocketsTotal} sockets open on the relay` };
    }
    const hit = isSocket ? this.#limits.socketLimit(this.#owner) : null;
    return hit === null ? null : { draining: false, ...hit };
  }
}
