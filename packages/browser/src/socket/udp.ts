/**
 * One emulated UDP socket: a datagram stream on the relay, opened on first use (bind, connect,
 * sendto: Windows' implicit bind), with boundaries preserved, byte credits both ways, a default
 * peer set by connect, and the relay's policy answers cached per destination. Its states are
 * `UdpState` (socket/state.ts).
 */
import {
  Capability,
  DgramFlag,
  FrameType,
  PeerMode,
  Reason,
  datagramFrameDecoders,
  encodePageFrame,
} from '@ws2web/protocol';
import {
  AF_INET6,
  FD_READ,
  FD_WRITE,
  MSG_PEEK,
  MSG_DONTROUTE,
  MSG_PARTIAL,
  MSG_PUSH_IMMEDIATE,
  MSG_OOB,
  MSG_WAITALL,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  WSAEACCES,
  WSAECONNABORTED,
  WSAEINTR,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '../win/constants.js';
import {
  closeReasonError,
  lostStreamError,
  permissionError,
  unopenedStreamError,
  wsaErrorForReason,
} from '../win/errors.js';
import { anyAddress, asFamily, fromEndpoint, isUnspecified, toEndpoint, type SockAddr } from '../win/sockaddr.js';
import type { RelayConnection, StreamFrame, StreamSink } from '../transport/relay-connection.js';
import { SocketBase, fail, ok, type IoResult } from './base.js';
import { CreditWindow, endForOverrun } from './credit.js';
import { UdpState, udpStateMachine, type Operation } from './state.js';

/** Datagram payload bytes the relay may send ahead of what the application read. */
export const DATAGRAM_WINDOW = 256 * 1024;
/** Largest UDP payload: 65535 − 8 (UDP) − 20 (IPv4) / − 40 (IPv6 is 65535 − 8: jumbograms aside). */
export const MAX_UDP_PAYLOAD_V4 = 65507;
export const MAX_UDP_PAYLOAD_V6 = 65527;
/** Destinations whose policy answer is remembered per socket. */
const POLICY_CACHE_SIZE = 256;

interface Datagram {
  from: SockAddr;
  data: Uint8Array;
}

const SUPPORTED_FLAGS = MSG_PEEK | MSG_DONTROUTE | MSG_PARTIAL | MSG_PUSH_IMMEDIATE | MSG_OOB | MSG_WAITALL;

const key = (a: SockAddr) => `${a.address}|${a.port}`;
const sameAddress = (a: SockAddr, b: SockAddr) => a.address === b.address && a.port === b.port;

/** True for the limited broadcast address (and, on the wire, IPv4-mapped forms of it). */
export function isBroadcast(a: SockAddr): boolean {
  return a.address === '255.255.255.255' || a.address === '::ffff:255.255.255.255';
}

export class DatagramSocket extends SocketBase implements StreamSink {
  readonly connectionless = true as const;
  readonly #sm = udpStateMachine();
  /** The default destination set by connect; null when unconnected. */
  peer: SockAddr | null = null;
  #conn: RelayConnection | null = null;
  #stream = 0;
  /** Settles with 0 or a Winsock error once DGRAM_OPEN is answered. */
  #opened: Promise<number> | null = null;
  #settleOpen: ((code: number) => void) | null = null;
  /** Why a BROKEN socket is broken (open failed, relay lost): later calls report it. */
  #brokenError = 0;
  readonly #queue: Datagram[] = [];
  readonly #credit = new CreditWindow(DATAGRAM_WINDOW);
  #seq = 0;
  /** PEER requests waiting for the relay's VERDICT, by sequence number. */
  readonly #peerReplies = new Map<number, (reason: number) => void>();
  /** The relay's answers per destination, oldest first. */
  readonly #policyCache = new Map<string, number>();
  /** A non-blocking connect's refusal, reported by the next send (the contract). */
  #peerRefusal = 0;
  #sendShut = false;
  #recvShut = false;

  get closed(): boolean {
    return this.#sm.is(UdpState.CLOSED);
  }
  /** The error of a broken relay socket, 0 otherwise. */
  get #broken(): number {
    return this.#sm.is(UdpState.BROKEN) ? this.#brokenError : 0;
  }
  /** FIONREAD on a datagram socket: the size of the next datagram. */
  get available(): number {
    return this.#queue[0]?.data.length ?? 0;
  }
  override get immediateReceiveError(): number {
    return this.#recvShut ? WSAESHUTDOWN : 0;
  }
  get readable(): boolean {
    return this.#queue.length > 0 || this.#broken !== 0 || this.#recvShut;
  }
  /** Writable until the relay socket opens (sendto then opens it) and while there is credit. */
  get writable(): boolean {
    return this.#broken === 0 && !this.#sendShut && (this.#stream === 0 || this.#credit.sendable > 0);
  }
  get exceptional(): boolean {
    return false;
  }

  stateError(op: Operation): number {
    if (op === 'listen') return WSAEOPNOTSUPP;
    if (op === 'adopt') return WSAEINVAL; // AcceptEx accepts into TCP sockets only
    if (op === 'bind') return this.#sm.is(UdpState.UNBOUND) ? 0 : WSAEINVAL;
    if (op === 'getpeername' || op === 'transfer' || op === 'shutdown')
      return this.peer || op === 'shutdown' ? 0 : WSAENOTCONN;
    return 0;
  }

  peerAddress(): SockAddr | null {
    return this.peer;
  }

  // ------------------------------------------------------------------------------------------
  // Opening the relay socket

  bind(address: SockAddr): void {
    this.bound = address;
    // Windows: a bound datagram socket can send at once, so bind records FD_WRITE (event-object
    // mode reports it at the next WSAEnumNetworkEvents, before the relay socket is open).
    this.events.record(FD_WRITE, 0);
    // The relay socket must exist to receive; an address conflict surfaces at the next call.
    void this.ensureOpen();
  }

  /** Settles with 0 once the relay socket of an explicit bind is open, or with why not. */
  bindOutcome(): Promise<number> {
    return this.#opened ?? Promise.resolve(0);
  }

  /** A bind the relay refused never happened (bindAsync): unbound again, and bindable. */
  unbind(): void {
    if (!this.#sm.is(UdpState.BROKEN)) return;
    this.#sm.to(UdpState.UNBOUND);
    this.#brokenError = 0;
    this.#opened = null;
    this.#conn = null;
    this.bound = null;
  }

  /** Opens the relay socket once (implicit bind); resolves with 0 or the Winsock error. */
  ensureOpen(): Promise<number> {
    if (this.#broken) return Promise.resolve(this.#broken);
    if (this.#opened) return this.#opened;
    if (!this.bound) this.bound = anyAddress(this.family);
    this.#opened = new Promise((settle) => {
      this.#settleOpen = settle;
    });
    this.#sm.to(UdpState.OPENING);
    const conn = this.host.relay();
    this.#conn = conn;
    void conn.ready().then((code) => {
      if (this.closed) return;
      if (code !== 0) return this.#openFinished(unopenedStreamError(code));
      if (!conn.usable || !(conn.capabilities & Capability.UDP)) return this.#openFinished(WSAEOPNOTSUPP);
      const local = this.bound && !(isUnspecified(this.bound) && this.bound.port === 0) ? toEndpoint(this.bound) : null;
      this.#credit.grantWindow();
      // Encoded here: the relay connection encodes only the frames every page sends.
      this.#stream = conn.openStream(
        this,
        (stream) =>
          encodePageFrame({
            type: FrameType.DGRAM_OPEN,
            stream,
            family: this.family === AF_INET6 ? 6 : 4,
            flags:
              (this.options.broadcast ? DgramFlag.BROADCAST : 0) |
              (this.family === AF_INET6 && !this.options.v6Only ? DgramFlag.DUAL_STACK : 0),
            window: DATAGRAM_WINDOW,
            local,
          }),
        datagramFrameDecoders,
      );
    });
    return this.#opened;
  }

  #openFinished(code: number): void {
    if (code !== 0) {
      this.#breaks(code);
      this.#stream = 0;
    } else {
      this.#sm.to(UdpState.OPEN);
    }
    this.#settleOpen?.(code);
    this.#settleOpen = null;
    this.changed();
  }

  /** The relay socket is unusable from now on; `code` is what later calls report. */
  #breaks(code: number): void {
    this.#brokenError = code;
    this.#sm.to(UdpState.BROKEN);
  }

  // StreamSink -------------------------------------------------------------------------------

  onFrame(frame: StreamFrame): void {
    switch (frame.type) {
      case FrameType.DGRAM_OPENED:
        this.relayLocal = fromEndpoint(frame.local);
        this.#credit.setSendable(frame.window);
        this.#openFinished(0);
        if (this.#credit.sendable > 0) this.events.record(FD_WRITE, 0);
        return;
      case FrameType.OPEN_FAILED:
        return this.#openFinished(wsaErrorForReason(frame.reason));
      case FrameType.DATAGRAM:
        return this.#onDatagram(frame.address ? fromEndpoint(frame.address) : null, frame.data);
      case FrameType.CREDIT:
        this.#credit.credit(frame.bytes);
        if (this.#credit.sendable > 0) this.events.spaceFreed();
        this.changed();
        return;
      case FrameType.VERDICT: {
        const settle = this.#peerReplies.get(frame.seq);
        this.#peerReplies.delete(frame.seq);
        settle?.(frame.reason);
        return;
      }
      case FrameType.CLOSE:
        this.#stream = 0;
        this.#fail(closeReasonError(frame.reason));
        return;
      default:
        this.host.log(`socket ${this.handle}: ignoring frame ${frame.type} on a UDP stream`);
    }
  }

  onLost(code: number): void {
    this.#stream = 0;
    if (this.#sm.is(UdpState.OPENING)) return this.#openFinished(lostStreamError(code, false));
    this.#fail(lostStreamError(code, true));
  }

  #fail(code: number): void {
    this.#breaks(code);
    for (const settle of this.#peerReplies.values()) settle(Reason.ABORTED);
    this.#peerReplies.clear();
    this.changed();
  }

  #onDatagram(from: SockAddr | null, data: Uint8Array): void {
    const granted = this.#credit.granted;
    if (!this.#credit.receive(data.length)) {
      endForOverrun(this.#conn, this.#stream, data.length, granted, (m) =>
        this.host.log(`socket ${this.handle}: ${m}`),
      );
      this.#stream = 0;
      this.#fail(WSAECONNABORTED);
      return;
    }
    // The relay filters by peer too; this catches datagrams that crossed a connect on the wire.
    if (!from || this.#recvShut || (this.peer && !sameAddress(asFamily(from, this.family), this.peer))) {
      this.#credit.consume(data.length);
      this.#returnCredit(true);
      return;
    }
    this.#queue.push({ from: asFamily(from, this.family), data });
    this.events.record(FD_READ, 0);
    this.changed();
  }

  /** Returns consumed bytes as CREDIT: batched while datagrams wait, at once when the queue is empty. */
  #returnCredit(force: boolean): void {
    if (this.#stream === 0) return;
    const bytes = this.#credit.takeGrant(force || this.#queue.length === 0);
    if (bytes > 0) this.#conn?.send({ type: FrameType.CREDIT, stream: this.#stream, bytes });
  }

  // ------------------------------------------------------------------------------------------
  // Policy answers (PEER → VERDICT)

  /** Asks the relay about `address` (CHECK) or makes it the peer (CONNECT); resolves with a reason. */
  #askPeer(mode: number, address: SockAddr | null): Promise<number> {
    const seq = ++this.#seq >>> 0;
    return new Promise((settle) => {
      this.#peerReplies.set(seq, settle);
      this.#conn?.send(
        encodePageFrame({
          type: FrameType.PEER,
          stream: this.#stream,
          seq,
          mode,
          address: address ? toEndpoint(address) : null,
        }),
      );
    });
  }

  #remember(address: SockAddr, reason: number): void {
    if (this.#policyCache.size >= POLICY_CACHE_SIZE) {
      const oldest = this.#policyCache.keys().next();
      if (!oldest.done) this.#policyCache.delete(oldest.value);
    }
    this.#policyCache.set(key(address), reason);
  }

  /** 0 if the relay lets this socket send to `address`, else WSAEACCES (or the failure). */
  async #checkDestination(address: SockAddr, wait: boolean): Promise<number> {
    const known = this.#policyCache.get(key(address));
    if (known !== undefined) return permissionError(known);
    const asking = this.#askPeer(PeerMode.CHECK, address).then((reason) => {
      if (reason !== Reason.ABORTED) this.#remember(address, reason);
      return reason;
    });
    if (!wait) return 0; // non-blocking: send now; a refusal is remembered for the next send
    const reason = await asking;
    if (reason === Reason.ABORTED) return this.#broken || WSAECONNABORTED;
    return permissionError(reason);
  }

  // ------------------------------------------------------------------------------------------
  // connect

  /**
   * connect/WSAConnect on a datagram socket: sets, changes or (with `null`) dissolves the
   * default peer. Blocking: resolves once the relay checked the destination (refusal →
   * WSAEACCES). Non-blocking: returns 0 at once; a refusal surfaces at the next send.
   * Datagrams queued from another source are discarded, as the reference says.
   */
  async connect(address: SockAddr | null): Promise<number> {
    if (address && isBroadcast(address) && !this.options.broadcast) return WSAEACCES;
    const opened = await this.ensureOpen();
    if (opened) return opened;
    if (address === null) {
      this.peer = null;
      this.#peerRefusal = 0;
      void this.#askPeer(PeerMode.CONNECT, null);
      return 0;
    }
    const changing = !this.peer || !sameAddress(this.peer, address);
    this.peer = address;
    this.#peerRefusal = 0;
    if (changing) this.#discardQueued();
    this.events.datagramConnected();
    const answer = this.#askPeer(PeerMode.CONNECT, address).then((reason) => {
      if (reason === Reason.ABORTED) return this.#broken || WSAECONNABORTED;
      this.#remember(address, reason);
      const code = permissionError(reason);
      if (code !== 0 && this.peer === address) this.#peerRefusal = code;
      return code;
    });
    if (this.nonBlocking) return 0;
    const code = await answer;
    if (code !== 0 && this.peer === address) this.peer = null;
    return code;
  }

  #discardQueued(): void {
    for (const d of this.#queue) this.#credit.consume(d.data.length);
    this.#queue.length = 0;
    this.#returnCredit(true);
  }

  // ------------------------------------------------------------------------------------------
  // send / receive

  /** sendto / send / WSASendTo: one datagram to `to` (or the peer). */
  async send(data: Uint8Array, flags: number, to: SockAddr | null, forceWait = false): Promise<IoResult> {
    if (flags & ~SUPPORTED_FLAGS || flags & (MSG_OOB | MSG_PEEK | MSG_WAITALL)) return fail(WSAEOPNOTSUPP);
    if (this.#sendShut) return fail(WSAESHUTDOWN);
    const destination = to ?? this.peer;
    if (!destination) return fail(WSAENOTCONN);
    if (!to && this.#peerRefusal) return fail(this.#peerRefusal);
    if (isBroadcast(destination) && !this.options.broadcast) return fail(WSAEACCES);
    const max =
      this.family === AF_INET6 && !destination.address.includes('.') ? MAX_UDP_PAYLOAD_V6 : MAX_UDP_PAYLOAD_V4;
    if (data.length > max) return fail(WSAEMSGSIZE);
    const opened = await this.ensureOpen();
    if (opened) return fail(opened);
    const blocking = forceWait || !this.nonBlocking;
    // The peer was checked by connect; other destinations are checked once, then remembered.
    if (to && !(this.peer && sameAddress(to, this.peer) && !this.#peerRefusal)) {
      const allowed = await this.#checkDestination(to, blocking);
      if (allowed) return fail(allowed);
    }
    if (this.#credit.sendable < data.length) {
      if (!blocking) {
        this.events.reenable(FD_WRITE);
        return fail(WSAEWOULDBLOCK);
      }
      const wait = this.blockingWait(forceWait ? 0 : this.options.sndTimeoMs); // not for overlapped sends
      if (!(await wait.until(() => this.#credit.sendable >= data.length || this.closed || this.#broken !== 0)))
        return fail(WSAETIMEDOUT);
    }
    if (this.closed) return fail(WSAEINTR);
    if (this.#broken) return fail(this.#broken);
    this.#credit.spend(data.length);
    this.#conn?.send({ type: FrameType.DATAGRAM, stream: this.#stream, address: to ? toEndpoint(to) : null, data });
    return ok(data.length);
  }

  /**
   * recvfrom / recv / WSARecvFrom: the next datagram into `dest[0..len)`. A datagram larger than
   * the buffer is truncated and the call fails with WSAEMSGSIZE (the rest is lost), as Windows.
   * `from` receives the source address.
   */
  async recv(dest: Uint8Array, len: number, flags: number, forceWait = false): Promise<IoResult> {
    if (flags & ~SUPPORTED_FLAGS || flags & (MSG_OOB | MSG_WAITALL)) return fail(WSAEOPNOTSUPP);
    if (this.#sm.is(UdpState.UNBOUND)) return fail(WSAEINVAL); // never bound: Windows says WSAEINVAL
    if (this.#recvShut) return fail(WSAESHUTDOWN);
    this.events.reenable(FD_READ);
    if (this.#queue.length === 0) {
      if (this.#broken) return fail(this.#broken);
      if (this.nonBlocking && !forceWait) return fail(WSAEWOULDBLOCK);
      const wait = this.blockingWait(forceWait ? 0 : this.options.rcvTimeoMs);
      if (!(await wait.until(() => this.#queue.length > 0 || this.closed || this.#broken !== 0 || this.#recvShut)))
        return fail(WSAETIMEDOUT);
      if (this.closed) return fail(WSAEINTR);
      if (this.#recvShut) return fail(WSAESHUTDOWN);
    }
    const datagram = this.#queue[0];
    if (!datagram) return fail(this.#broken);
    const n = Math.min(len, datagram.data.length);
    dest.set(datagram.data.subarray(0, n));
    if (!(flags & MSG_PEEK)) {
      this.#queue.shift();
      this.#credit.consume(datagram.data.length);
      this.#returnCredit(false);
    }
    if (this.#queue.length > 0) this.events.record(FD_READ, 0);
    return ok(n, datagram.from, n < datagram.data.length);
  }

  shutdown(how: number): number {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) return WSAEINVAL;
    if (how !== SD_RECEIVE) this.#sendShut = true;
    if (how !== SD_SEND) {
      this.#recvShut = true;
      this.#discardQueued();
    }
    this.changed();
    return 0;
  }

  close(): void {
    if (this.closed) return;
    this.#sm.to(UdpState.CLOSED);
    if (this.#stream !== 0) {
      this.#conn?.send({ type: FrameType.CLOSE, stream: this.#stream, reason: Reason.OK });
      this.#conn?.forget(this.#stream);
      this.#stream = 0;
    }
    this.#settleOpen?.(WSAEINTR);
    for (const settle of this.#peerReplies.values()) settle(Reason.ABORTED);
    this.#peerReplies.clear();
    this.events.select(null, 0);
    this.#queue.length = 0;
    this.changed();
    this.dropWatchers();
  }
}
