/**
 * One relayed UDP socket: the stream between a DGRAM_OPEN and its CLOSE. (Over 400 lines for
 * the reason tcp-stream.ts is: both credit directions, PEER verdicts and every socket event of one
 * socket stay in one class, its per-datagram path without indirection; the destination cache is
 * datagram-targets.ts, the socket factory udp-socket.ts.)
 *
 * States (one at a time, transitions only where named):
 *
 *   BINDING ──'listening'──▶ OPEN ──CLOSE either way / socket error / WebSocket gone──▶ CLOSED
 *      │                                                                                 ▲
 *      └── OPEN_FAILED (UDP off, bind policy, bind error) / page CLOSE / drop ───────────┘
 *
 * Credits (docs/protocol.md "Datagram streams"), in payload bytes:
 *  - page → relay: the stream's CreditWindow starts at `datagramWindow` (announced in DGRAM_OPENED). Each
 *    DATAGRAM spends its payload length; the bytes come back (CREDIT) when `socket.send`'s
 *    callback runs, or at once when the datagram is dropped. A DATAGRAM beyond the credit is a
 *    protocol violation: CLOSE(PROTOCOL_ERROR), then GOAWAY(PROTOCOL_ERROR). Every datagram, even
 *    an empty one, is also a packet: datagramsPerSecond (per socket), pageDatagramsPerSecond and
 *    datagramMinCost (in flight, against datagramWindow) bound them; over → dropped (`rate`).
 *  - relay → page: `#sendCredit` starts at DGRAM_OPEN.window. A datagram from outside is
 *    forwarded whole if it fits, else dropped and counted, as a full socket buffer would drop
 *    it. Nothing is held back for later: memory per socket is bounded by the page's window.
 *
 * Every destination — a DATAGRAM's address, a PEER's — is judged by datagram-targets.ts as the IP
 * literal that will be sent to (no names here). A broadcast destination also needs the
 * BROADCAST flag of DGRAM_OPEN, which sets SO_BROADCAST on the real socket. PEER(CONNECT) makes
 * an address the connected peer: the default destination, and the only source let through.
 * Frames that arrive while the socket is still binding are handled in order once it is bound,
 * so VERDICTs always follow DGRAM_OPENED.
 */
import type dgram from 'node:dgram';
import {
  DgramFlag,
  FrameType,
  PeerMode,
  Reason,
  reasonForErrno,
  reasonRow,
  type DatagramFrame,
  type DgramOpenFrame,
  type Endpoint,
  type PeerFrame,
} from '@ws2web/protocol';
import { TokenBucket } from '../ops/limits.js';
import { endpointText, socketEndpoint } from './endpoints.js';
import type { DropReason } from '../ops/metrics.js';
import { refusalCategory } from '../policy/policy.js';
import { checkLocalPort } from '../policy/local-bind.js';
import { ReplyPeers } from '../policy/reply-peers.js';
import { judgeTarget, sourceKey, type SocketShape, type Target, type TargetResult } from './datagram-targets.js';
import { StreamBase } from './stream-base.js';
import type { TransitionTable } from './state-machine.js';
import type { StreamHost } from './stream-host.js';

export type UdpStreamState = 'BINDING' | 'OPEN' | 'CLOSED';

const TRANSITIONS: TransitionTable<UdpStreamState> = {
  BINDING: ['OPEN', 'CLOSED'],
  OPEN: ['CLOSED'],
  CLOSED: [],
};

/** Size of a DATAGRAM's address field: kind byte, address, port (and scope for IPv6). */
const ADDRESS_FIELD_BYTES = { ipv4: 1 + 4 + 2, ipv6: 1 + 16 + 2 + 4 } as const;

/** Frames that wait for the socket to be bound (their credit is already accounted for). */
type Deferred = DatagramFrame | PeerFrame;

export class UdpStream extends StreamBase<UdpStreamState> {
  readonly kind = 'UDP' as const;
  readonly #family: 4 | 6;
  readonly #dualStack: boolean;
  readonly #broadcast: boolean;
  /** What a destination is judged against (datagram-targets.ts). */
  readonly #shape: SocketShape;
  readonly #local: Endpoint | null;
  #socket: dgram.Socket | null = null;
  #socketClosed: Promise<void> = Promise.resolve();
  #resolveSocketClosed: () => void = () => {};

  // relay → page
  #sendCredit: number;

  // page → relay (the credit window is the base's)
  #deferred: Deferred[] = [];
  /** datagramsPerSecond for this socket. */
  readonly #rate: TokenBucket;
  /** What the datagrams handed to the kernel and not yet sent hold, each at least datagramMinCost. */
  #inFlightCost = 0;

  /** The connected peer (PEER CONNECT), or null. */
  #peer: Target | null = null;
  /** Sources an unconnected socket hears without an inbound policy; null = any (reply-peers.ts). */
  readonly #replyPeers: ReplyPeers | null;
  /** The last explicit destination and what it was judged: a sendto loop asks about the same one. */
  #lastTarget: { endpoint: string; result: TargetResult } | null = null;

  constructor(host: StreamHost, open: DgramOpenFrame) {
    super(host, open.stream, 'UDP stream', 'BINDING', TRANSITIONS, host.options.datagramWindow);
    this.#family = open.family === 4 ? 4 : 6;
    this.#dualStack = (open.flags & DgramFlag.DUAL_STACK) !== 0;
    this.#broadcast = (open.flags & DgramFlag.BROADCAST) !== 0;
    this.#shape = { family: this.#family, dualStack: this.#dualStack, broadcast: this.#broadcast };
    this.#local = open.local;
    // A fixed port bound under the inbound policy is a server: it hears anyone.
    const server =
      host.options.inbound.enabled && open.local !== null && open.local.kind !== 'name' && open.local.port !== 0;
    this.#replyPeers = host.options.udpReplyOnly && !server ? new ReplyPeers() : null;
    this.#sendCredit = Math.min(open.window, host.options.maxStreamCredit);
    this.#rate = new TokenBucket(host.options.datagramsPerSecond, host.options.datagramsPerSecond / 10);
  }

  /** Every UDP socket counts as `udp` in `streams_by_state`, bound or binding. */
  override get gaugeState(): string {
    return 'udp';
  }

  protected get opening(): boolean {
    return this.state.is('BINDING');
  }

  /** Resolves when the UDP socket (if any) has emitted 'close'. */
  get socketClosed(): Promise<void> {
    return this.#socketClosed;
  }

  /** Checks the local address, creates and binds the socket. Never throws; failures become OPEN_FAILED. */
  start(): void {
    const { options } = this.host;
    if (!options.udp) {
      this.host.metrics.countPolicyRefusal('udp_off');
      return this.openFailed(Reason.POLICY_DENIED, 'UDP is disabled on this relay');
    }
    const local = this.#local ?? (this.#family === 4 ? WILDCARD_V4 : WILDCARD_V6);
    if (local.kind === 'name' || (local.kind === 'ipv4') !== (this.#family === 4)) {
      return this.openFailed(
        Reason.INVALID_ARGUMENT,
        `local ${endpointText(local)} is not an IPv${this.#family} address`,
      );
    }
    const bind = this.#bindAddress(local);
    if (!bind.ok) {
      if (bind.reason === Reason.POLICY_DENIED) {
        this.host.metrics.countPolicyRefusal(bind.category);
        this.logRefusal('bind refused by policy', { local: endpointText(local), detail: bind.why });
      }
      return this.openFailed(bind.reason, bind.why);
    }
    let socket: dgram.Socket;
    try {
      socket = options.udpSocket({ type: this.#family === 4 ? 'udp4' : 'udp6', ipv6Only: !this.#dualStack });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      return this.openFailed(reasonForErrno(code), `create socket: ${code ?? String(err)}`);
    }
    this.#socket = socket;
    this.#socketClosed = new Promise((resolve) => {
      this.#resolveSocketClosed = resolve;
    });
    socket.once('close', this.#resolveSocketClosed);
    socket.on('listening', this.#onListening);
    socket.on('message', this.#onMessage);
    socket.on('error', this.#onError);
    const address = bind.address;
    try {
      // exclusive: never share the port with a cluster sibling; a taken port is EADDRINUSE.
      socket.bind({ address, port: local.port, exclusive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      this.openFailed(reasonForErrno(code), `bind ${endpointText(local)}: ${code ?? String(err)}`);
      this.#closeSocket();
    }
  }

  /**
   * Where the socket may bind. A fixed port is a port peers may be told to send to: with an
   * inbound policy (`listen`) it must pass that policy, exactly as a LISTEN would (ports,
   * addresses, the wildcard narrowed to a listed address, the ticket's listenPorts). Port 0,
   * and every bind on a relay without an inbound policy, keep the outbound rule
   * (policy.checkBind: the wildcard or loopback; a fixed port only inside `localPorts` and
   * ≥ 1024 — policy/local-bind.ts), narrowed by the ticket's listenPorts when it has them.
   */
  #bindAddress(
    local: Endpoint & { kind: 'ipv4' | 'ipv6' },
  ): { ok: true; address: string } | { ok: false; reason: number; why: string; category: string } {
    const { policy, inbound } = this.host.options;
    if (local.port !== 0 && inbound.enabled) {
      const plan = inbound.plan(
        {
          family: this.#family,
          address: local.address,
          scopeId: local.kind === 'ipv6' ? local.scopeId : 0,
          port: local.port,
          dualStack: this.#dualStack,
        },
        this.host.listenScope,
      );
      return plan.ok ? { ok: true, address: plan.host } : plan;
    }
    const decision = policy.checkBind(local.address, local.port);
    if (!decision.allowed) return { ok: false, reason: Reason.POLICY_DENIED, why: decision.why, category: 'bind' };
    const port = checkLocalPort(local.port, {
      localPorts: this.host.options.localPorts,
      inbound,
      listenScope: this.host.listenScope,
      own: policy.ownAddresses,
    });
    if (!port.ok) return port;
    return {
      ok: true,
      address: local.kind === 'ipv6' && local.scopeId !== 0 ? `${local.address}%${local.scopeId}` : local.address,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Frames from the page

  onDatagram(frame: DatagramFrame): void {
    if (this.state.is('CLOSED')) return; // crossed our CLOSE
    const length = frame.data.length;
    if (!this.credit.consume(length)) {
      return this.#violation(
        `DATAGRAM of ${length} bytes exceeds the ${this.credit.available} bytes of credit granted`,
      );
    }
    if (this.state.is('BINDING')) {
      this.#deferred.push(frame);
      return;
    }
    this.#sendDatagram(frame);
  }

  onPeer(frame: PeerFrame): void {
    if (this.state.is('CLOSED')) return;
    if (this.state.is('BINDING')) {
      this.#deferred.push(frame);
      return;
    }
    this.#answerPeer(frame);
  }

  onCredit(bytes: number): void {
    if (this.state.is('CLOSED')) return;
    this.#sendCredit = Math.min(this.#sendCredit + bytes, this.host.options.maxStreamCredit);
  }

  /** CLOSE from the page, whatever the reason: the socket is closed and the id finished. */
  onClose(_reason: number): void {
    if (this.state.is('CLOSED')) return;
    this.finish();
    this.#closeSocket();
  }

  destroy(): Promise<void> {
    if (!this.state.is('CLOSED')) this.finish();
    this.#closeSocket();
    return this.#socketClosed;
  }

  // ------------------------------------------------------------------------------------------
  // Socket events (named handlers)

  #onListening = (): void => {
    if (!this.state.is('BINDING')) return;
    const socket = this.#socket!;
    const { options, metrics, outbox } = this.host;
    let local: Endpoint | null;
    try {
      // SO_BROADCAST only when the page set it: without it the kernel refuses broadcasts too (EACCES).
      if (this.#broadcast) socket.setBroadcast(true);
      const a = socket.address();
      local = socketEndpoint(a.address, a.family, a.port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      this.openFailed(reasonForErrno(code), `after bind: ${code ?? String(err)}`);
      this.#closeSocket();
      return;
    }
    if (!local) {
      this.openFailed(Reason.INTERNAL, 'socket has no address after bind');
      this.#closeSocket();
      return;
    }
    this.state.to('OPEN');
    metrics.countUdpOpen(Reason.OK);
    outbox.frame({ type: FrameType.DGRAM_OPENED, stream: this.id, window: options.datagramWindow, local });
    this.log('debug', 'udp socket bound', { local: endpointText(local) });
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const frame of deferred) {
      if (!this.state.is('OPEN')) return;
      if (frame.type === FrameType.DATAGRAM) this.#sendDatagram(frame);
      else this.#answerPeer(frame);
    }
    if (this.credit.owed > 0) this.host.creditOwed(this); // drops while binding
  };

  #onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    if (!this.state.is('OPEN')) return;
    const source = socketEndpoint(rinfo.address, rinfo.family, rinfo.port);
    if (!source || source.kind === 'name') return;
    if (this.#peer !== null && sourceKey(source) !== this.#peer.key) return this.#drop('wrong_source');
    if (this.#peer === null && this.#replyPeers !== null && !this.#replyPeers.admits(sourceKey(source)))
      return this.#drop('unsolicited');
    if (ADDRESS_FIELD_BYTES[source.kind] + msg.length > this.host.options.maxFrameBody) return this.#drop('too_large');
    if (msg.length > this.#sendCredit) return this.#drop('no_credit');
    if (this.host.backlogged()) return this.#drop('backlog');
    // Bandwidth cap: a datagram that arrives while the page's allowance is in debt is dropped,
    // as a full receive buffer would drop it; nothing is queued.
    if (this.host.spendToPage(0) > 0) return this.#drop('rate');
    this.host.spendToPage(msg.length);
    this.#sendCredit -= msg.length;
    this.host.metrics.datagramsPeerToPage++;
    this.host.outbox.datagram(this.id, source, msg);
  };

  #onError = (err: NodeJS.ErrnoException): void => {
    const reason = reasonForErrno(err.code);
    if (this.state.is('BINDING')) {
      this.openFailed(reason, `bind: ${err.code ?? err.message}`);
    } else if (this.state.is('OPEN')) {
      this.host.outbox.frame({ type: FrameType.CLOSE, stream: this.id, reason });
      this.log('info', 'udp socket error; closed', { reason: reasonRow(reason).name, detail: err.code ?? err.message });
      this.finish();
    }
    this.#closeSocket();
  };

  // ------------------------------------------------------------------------------------------

  #sendDatagram(frame: DatagramFrame): void {
    const length = frame.data.length;
    let target: Target;
    if (frame.address === null) {
      if (this.#peer === null) {
        this.log('debug', 'datagram without address on an unconnected socket; dropped', { bytes: length });
        return this.#dropSent('no_destination', length);
      }
      target = this.#peer;
    } else {
      const result = this.#targetFor(frame.address);
      if (!result.ok) {
        this.log('debug', 'datagram destination refused; dropped', {
          to: endpointText(frame.address),
          detail: result.why,
        });
        return this.#dropSent(result.reason === Reason.POLICY_DENIED ? 'policy' : 'bad_destination', length);
      }
      target = result.target;
    }
    // An empty datagram spends no credit but is still a packet: the rate caps and the minimum
    // cost bound how many the page can make the relay emit, or hold in the kernel's queue.
    const cost = Math.max(length, this.host.options.datagramMinCost);
    if (
      this.#inFlightCost + cost > this.host.options.datagramWindow ||
      !this.#rate.take() ||
      !this.host.takeDatagram()
    ) {
      return this.#dropSent('rate', length);
    }
    this.#inFlightCost += cost;
    this.#replyPeers?.sentTo(target.key);
    try {
      this.#socket!.send(frame.data, target.port, target.host, (err) => this.#onSent(err, length, cost));
    } catch (err) {
      // Synchronous refusals (socket closing, argument errors) are a drop like any other.
      this.log('debug', 'send threw; dropped', { detail: (err as NodeJS.ErrnoException)?.code ?? String(err) });
      this.#inFlightCost -= cost;
      this.#dropSent('send_error', length);
    }
  }

  /** The kernel took the datagram (or refused it): its bytes go back to the page as credit. */
  #onSent(err: Error | null, length: number, cost: number): void {
    this.#inFlightCost -= cost;
    if (err) {
      this.log('debug', 'send failed; dropped', { detail: (err as NodeJS.ErrnoException).code ?? err.message });
      return this.#dropSent('send_error', length);
    }
    this.host.metrics.datagramsPageToPeer++;
    this.#giveBack(length);
  }

  #answerPeer(frame: PeerFrame): void {
    const { seq, mode, address } = frame;
    let reason: number;
    if (mode !== PeerMode.CHECK && mode !== PeerMode.CONNECT) {
      reason = Reason.INVALID_ARGUMENT;
    } else if (address === null) {
      // CONNECT to nothing dissolves the association; CHECK of nothing is meaningless.
      if (mode === PeerMode.CONNECT) this.#peer = null;
      reason = mode === PeerMode.CONNECT ? Reason.OK : Reason.INVALID_ARGUMENT;
    } else {
      const result = this.#targetFor(address);
      if (result.ok) {
        if (mode === PeerMode.CONNECT) this.#peer = result.target;
        reason = Reason.OK;
      } else {
        reason = result.reason;
        if (reason === Reason.POLICY_DENIED) {
          this.host.metrics.countPolicyRefusal(refusalCategory(result.why));
          this.logRefusal('destination refused by policy', { to: endpointText(address), detail: result.why });
        }
      }
    }
    this.host.outbox.frame({ type: FrameType.VERDICT, stream: this.id, seq, reason });
  }

  /** Every check a destination must pass, in the form the socket sends to. */
  #targetFor(address: Endpoint): TargetResult {
    const text = endpointText(address);
    if (this.#lastTarget?.endpoint === text) return this.#lastTarget.result;
    const result = judgeTarget(address, this.#shape, this.host.options.policy, this.host.scope);
    this.#lastTarget = { endpoint: text, result };
    return result;
  }

  #drop(why: DropReason): void {
    this.host.metrics.countDrop(why);
  }

  /** A datagram from the page that will not be sent: counted, and its credit returned at once. */
  #dropSent(why: DropReason, length: number): void {
    this.#drop(why);
    this.#giveBack(length);
  }

  #giveBack(length: number): void {
    if (length === 0 || this.state.is('CLOSED')) return;
    this.credit.owe(length);
    if (this.state.is('OPEN')) this.host.creditOwed(this);
  }

  /** Flow control broken: the stream and then the connection go (as for TCP). */
  #violation(message: string): void {
    this.log('warn', 'page broke flow control; closing the connection', { detail: message });
    this.host.outbox.frame({ type: FrameType.CLOSE, stream: this.id, reason: Reason.PROTOCOL_ERROR });
    this.finish();
    this.#closeSocket();
    this.host.protocolError(`stream ${this.id}: ${message}`);
  }

  /** Leaving the id behind: deferred frames and the connected peer go. */
  protected cleanUp(): void {
    this.#deferred = [];
    this.#peer = null;
  }

  #closeSocket(): void {
    const socket = this.#socket;
    if (!socket) return;
    try {
      socket.close();
    } catch {
      // Already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): its 'close' has been emitted, or never will be.
      this.#resolveSocketClosed();
    }
  }

  protected logContext(): Record<string, unknown> {
    return { udp: this.#family === 4 ? 'udp4' : this.#dualStack ? 'udp6 dual-stack' : 'udp6' };
  }
}

const WILDCARD_V4: Endpoint = { kind: 'ipv4', address: '0.0.0.0', port: 0 };
const WILDCARD_V6: Endpoint = { kind: 'ipv6', address: '::', port: 0, scopeId: 0 };
