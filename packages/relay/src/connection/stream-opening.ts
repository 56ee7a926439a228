/**
 * The frames that open a stream — OPEN (TCP), DGRAM_OPEN (UDP), RESOLVE (a name query), LISTEN
 * (a relay listener), BIND (an address held for a later LISTEN) — and the rules every one of them passes first: the stream-id rules (a
 * broken one is a protocol error) and admission (OPEN_FAILED(SHUTTING_DOWN | LIMIT), counted per
 * kind). LISTEN also answers to listen.maxListeners, for this page and across its client.
 */
import {
  FrameType,
  Reason,
  type DgramOpenFrame,
  type BindFrame,
  type ListenFrame,
  type OpenFrame,
  type ResolveFrame,
} from '@ws2web/protocol';
import type { ResolvedOptions } from '../config/options.js';
import type { RelayLimits, SocketOwner } from '../ops/limits.js';
import type { LimitName, Metrics } from '../ops/metrics.js';
import { NameQuery } from '../streams/name-query.js';
import { TcpListener, type ListenerHost } from '../streams/tcp-listener.js';
import { TcpStream } from '../streams/tcp-stream.js';
import { UdpStream } from '../streams/udp-stream.js';
import type { Admission } from './admission.js';
import type { Intake } from './intake.js';
import type { LineBudget } from './line-budget.js';
import type { Outbox } from './outbox.js';
import type { StreamTable } from './stream-table.js';

/** What opening streams needs from the connection it belongs to. */
export interface OpeningContext {
  /** The connection: the host of every stream it opens. */
  readonly host: ListenerHost;
  readonly options: ResolvedOptions;
  readonly metrics: Metrics;
  readonly limits: RelayLimits;
  readonly owner: SocketOwner;
  readonly table: StreamTable;
  readonly admission: Admission;
  readonly outbox: Outbox;
  readonly intake: Intake;
  readonly refusalLines: LineBudget;
  readonly logFields: Record<string, unknown>;
  protocolError(message: string): void;
}

export class StreamOpening {
  constructor(private readonly ctx: OpeningContext) {}

  open(open: OpenFrame): void {
    if (!this.#admit(open.stream, open.type, true, (reason) => this.ctx.metrics.countOpen(reason))) return;
    const stream = new TcpStream(this.ctx.host, open);
    this.ctx.table.add(stream);
    void stream.start(open);
  }

  dgramOpen(open: DgramOpenFrame): void {
    if (!this.#admit(open.stream, open.type, true, (reason) => this.ctx.metrics.countUdpOpen(reason))) return;
    const stream = new UdpStream(this.ctx.host, open);
    this.ctx.table.add(stream);
    stream.start();
  }

  resolve(request: ResolveFrame): void {
    if (!this.#admit(request.stream, request.type, false, (reason) => this.ctx.metrics.countResolve(reason))) return;
    const query = new NameQuery(this.ctx.host, request);
    this.ctx.table.add(query);
    void query.start();
  }

  /**
   * LISTEN and BIND: the stream limits of any socket, then listen.maxListeners for this page
   * (LIMIT); the inbound policy itself is the listener's to apply (tcp-listener.ts). A LISTEN on a
   * BIND's stream turns that reservation into a listener; one for a BIND the relay already refused
   * or closed crossed that answer and is ignored.
   */
  listen(listen: ListenFrame | BindFrame): void {
    const { ctx } = this;
    if (listen.type === FrameType.LISTEN) {
      const live = ctx.table.get(listen.stream);
      if (live !== undefined) {
        if (live.kind !== 'LISTEN' || !live.listen(listen))
          ctx.protocolError(`LISTEN for live stream ${listen.stream}`);
        return;
      }
      if (ctx.table.takeCrossedBind(listen.stream)) return;
    }
    // A refused BIND: the LISTEN the page may have sent after it is to be ignored, not a reused id.
    const refused = (): void => {
      if (listen.type === FrameType.BIND) ctx.table.rememberEndedBind(listen.stream);
    };
    if (!this.#admit(listen.stream, listen.type, true, (reason) => ctx.metrics.countListen(reason))) return refused();
    const { inbound } = ctx.options;
    if (inbound.enabled && ctx.table.listenerCount >= inbound.maxListeners) {
      refused();
      return this.#refuseListen(listen.stream, 'listeners_per_connection', `${inbound.maxListeners} listeners open`);
    }
    // Across this client's (and ticket subject's) WebSockets too, fleet-wide with `redis`.
    const hit = inbound.enabled ? ctx.limits.listenerLimit(ctx.owner) : null;
    if (hit !== null) {
      refused();
      return this.#refuseListen(listen.stream, hit.limit, hit.detail);
    }
    const listener = new TcpListener(ctx.host, listen);
    ctx.table.add(listener);
    listener.start();
  }

  /** LISTEN over a listener limit: OPEN_FAILED(LIMIT), counted and logged. */
  #refuseListen(stream: number, limit: LimitName, detail: string): void {
    const { ctx } = this;
    ctx.metrics.countLimit(limit);
    ctx.metrics.countListen(Reason.LIMIT);
    ctx.refusalLines.info('listen failed', { ...ctx.logFields, stream, reason: 'LIMIT', limit, detail });
    ctx.outbox.frame({ type: FrameType.OPEN_FAILED, stream, reason: Reason.LIMIT });
  }

  /**
   * A stream-opening frame: its id must follow the rules (else a protocol error), and the
   * stream must be admitted (else OPEN_FAILED(SHUTTING_DOWN | LIMIT), counted by `count`).
   */
  #admit(id: number, type: number, isSocket: boolean, count: (reason: number) => void): boolean {
    const { ctx } = this;
    const problem = ctx.table.claim(id, type);
    if (problem !== null) {
      ctx.protocolError(problem);
      return false;
    }
    const refusal = ctx.admission.refusal(ctx.table.open, isSocket);
    if (refusal === null) return true;
    if (refusal.draining) {
      ctx.outbox.frame({ type: FrameType.OPEN_FAILED, stream: id, reason: Reason.SHUTTING_DOWN });
      count(Reason.SHUTTING_DOWN);
      return false;
    }
    ctx.metrics.countLimit(refusal.limit);
    ctx.refusalLines.info('open failed', {
      ...ctx.logFields,
      stream: id,
      reason: 'LIMIT',
      limit: refusal.limit,
      detail: refusal.detail,
    });
    ctx.outbox.frame({ type: FrameType.OPEN_FAILED, stream: id, reason: Reason.LIMIT });
    count(Reason.LIMIT);
    ctx.intake.refused();
    return false;
  }
}
