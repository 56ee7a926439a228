/**
 * What every relay stream shares: its id and host, its state machine, its page → relay credit
 * window, one log record shape, OPEN_FAILED for a stream that never opened, and leaving its id
 * behind (`finish`). TcpStream, UdpStream, TcpListener and NameQuery extend it.
 */
import type net from 'node:net';
import { FrameType, reasonRow } from '@ws2web/protocol';
import type { Metrics } from '../ops/metrics.js';
import { CreditWindow } from './credit-window.js';
import { StateMachine, type TransitionTable } from './state-machine.js';
import type { LookupOptions } from './name-service.js';
import type { HostedStream, StreamHost, StreamKind } from './stream-host.js';

type Level = 'debug' | 'info' | 'warn';

/** How each kind counts and logs a failed open. */
const OPEN_FAILURE: Record<StreamKind, { count: (metrics: Metrics, reason: number) => void; message: string }> = {
  TCP: { count: (m, reason) => m.countOpen(reason), message: 'open failed' },
  UDP: { count: (m, reason) => m.countUdpOpen(reason), message: 'udp open failed' },
  LISTEN: { count: (m, reason) => m.countListen(reason), message: 'listen failed' },
  RESOLVE: { count: (m, reason) => m.countResolve(reason), message: 'resolve failed' },
};

export abstract class StreamBase<S extends string> implements HostedStream {
  abstract readonly kind: StreamKind;
  readonly id: number;
  protected readonly host: StreamHost;
  protected readonly state: StateMachine<S | 'CLOSED'>;
  /** Page → relay credit (a listener or name query never has any). */
  protected readonly credit: CreditWindow;
  /** Aborted when the stream finishes: a name lookup still pending for it is cancelled. */
  readonly #gone = new AbortController();

  constructor(
    host: StreamHost,
    id: number,
    what: string,
    initial: S,
    table: TransitionTable<S | 'CLOSED'>,
    window: number,
  ) {
    this.id = id;
    this.host = host;
    this.state = new StateMachine<S | 'CLOSED'>(`${what} ${id}`, initial, table);
    this.credit = new CreditWindow(window);
  }

  get gaugeState(): string {
    return this.state.current;
  }

  get lingering(): boolean {
    return false;
  }

  abstract get socketClosed(): Promise<void>;

  abstract onClose(reason: number): void;

  abstract destroy(): Promise<void>;

  takeCreditOwed(_alone: boolean): number {
    return this.credit.grant();
  }

  get owesCredit(): boolean {
    return this.credit.owed > 0;
  }

  /** Fields of this stream's kind in every log record (remote, listen address…). */
  protected abstract logContext(): Record<string, unknown>;

  /** True while OPEN_FAILED may still be the stream's answer. */
  protected abstract get opening(): boolean;

  /** Clears what the subclass holds; `finish` calls it just before the host is told. */
  protected abstract cleanUp(next: S | 'CLOSED'): void;

  protected log(level: Level, msg: string, fields: Record<string, unknown>): void {
    this.host.options.log(level, msg, this.#fields(fields));
  }

  /** A refusal line (policy, open failed): through the page's budget of such lines. */
  protected logRefusal(msg: string, fields: Record<string, unknown>): void {
    this.host.logRefusal(msg, this.#fields(fields));
  }

  #fields(fields: Record<string, unknown>): Record<string, unknown> {
    return { ...this.host.logFields, stream: this.id, ...this.logContext(), state: this.state.current, ...fields };
  }

  /** OPEN_FAILED(reason) for a stream still opening: counted per kind, logged, finished. */
  protected openFailed(reason: number, detail: string): void {
    if (!this.opening) return;
    const failure = OPEN_FAILURE[this.kind];
    failure.count(this.host.metrics, reason);
    this.host.outbox.frame({ type: FrameType.OPEN_FAILED, stream: this.id, reason });
    this.host.logRefusal(failure.message, this.#fields({ reason: reasonRow(reason).name, detail }));
    this.finish();
  }

  /** For a name lookup on this stream's behalf: cancelled when it finishes, counted for its client. */
  protected get lookupOptions(): LookupOptions {
    const { client, peer } = this.host.logFields;
    const who = client ?? peer;
    return { signal: this.#gone.signal, client: typeof who === 'string' ? who : undefined };
  }

  /** Leaves the stream's id behind (CLOSED, or a TCP stream's LINGERING): cleans up, tells the host. */
  protected finish(next: S | 'CLOSED' = 'CLOSED'): void {
    this.#gone.abort();
    this.cleanUp(next);
    this.state.to(next);
    this.credit.close();
    this.host.released(this);
  }
}

/** Abortive close (SO_LINGER 0): RST instead of FIN, queued bytes dropped. */
export function resetSocket(socket: net.Socket | null): void {
  if (!socket) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // not a TCP handle (a test double): a plain destroy is the best we can do
  }
}
