/**
 * The rest of the connect family and overlapped completion: WSAConnectByName,
 * WSAConnectByList, ConnectEx (also through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)),
 * WSAGetOverlappedResult, and WSAIoctl.
 */
import { Reason } from '@ws2web/protocol';
import { wsaErrorForReason } from './errors.js';
import {
  AF_INET,
  AF_INET6,
  AI_ALL,
  AI_V4MAPPED,
  FIONBIO,
  FIONREAD,
  SIOCATMARK,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  SOCK_STREAM,
  WSAEACCES,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAETIMEDOUT,
  WSA_INVALID_PARAMETER,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
} from './constants.js';
import { connectStream, destinationFor, ioctl } from './api-sockets.js';
import { isRef, lookupSocket, type Ref, type WinsockContext, type timeval } from './context.js';
import { WSAID_ACCEPTEX, WSAID_CONNECTEX, WSAID_GETACCEPTEXSOCKADDRS, sameGuid } from './extension-ids.js';
import { isOverlapped, type WSAOVERLAPPED } from './overlapped.js';
import { copySockaddrOut, readSockaddr, type SockAddr } from './sockaddr.js';
import { StreamSocket } from './stream-socket.js';
import { timevalToMs } from './waiting.js';
import type { ADDRINFO } from './api-names.js';

/** SOCKET_ADDRESS_LIST for WSAConnectByList. */
export interface SOCKET_ADDRESS_LIST {
  iAddressCount: number;
  Address: { lpSockaddr: Uint8Array; iSockaddrLength: number }[];
}

type Getaddrinfo = (node: string | null, service: string | null, hints: Partial<ADDRINFO> | null, out: { value: ADDRINFO | null }) => Promise<number>;

/** What a policy refusal becomes (the reasons table); spots "every candidate refused". */
const POLICY_REFUSAL = wsaErrorForReason(Reason.POLICY_DENIED);

/** Extension functions WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) hands out besides ConnectEx. */
export interface AcceptExtensions {
  AcceptEx: (...args: never[]) => unknown;
  GetAcceptExSockaddrs: (...args: never[]) => unknown;
}

export function connectExCalls(ctx: WinsockContext, getaddrinfo: Getaddrinfo, inbound: AcceptExtensions) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);

  /** The socket for a connect-family call: a TCP socket that is not connected or listening. */
  function streamFor(s: number): StreamSocket | number {
    const socket = lookup(s);
    if (typeof socket === 'number') return socket;
    if (!(socket instanceof StreamSocket)) return WSAEOPNOTSUPP;
    const v = socket.verdict('connect');
    return v || socket;
  }

  /**
   * Tries `candidates` in order until one connects, within `timeout` overall. Every candidate
   * refused by policy → WSAEACCES; otherwise the last attempt's error (the contract).
   */
  async function connectInOrder(socket: StreamSocket, candidates: SockAddr[], timeout: timeval | null): Promise<number> {
    const budget = timevalToMs(timeout);
    const deadline = budget === null ? null : performance.now() + budget;
    let last = WSAEINVAL;
    let allRefused = candidates.length > 0;
    for (const candidate of candidates) {
      const left = deadline === null ? null : deadline - performance.now();
      if (left !== null && left <= 0) return WSAETIMEDOUT;
      const attempt = connectStream(socket, candidate, null, true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const code = left === null
        ? await attempt
        : await Promise.race([attempt, new Promise<number>((settle) => { timer = setTimeout(() => settle(WSAETIMEDOUT), left); })]);
      clearTimeout(timer);
      if (code === WSAETIMEDOUT && left !== null) socket.abortConnect(WSAETIMEDOUT);
      if (code === 0) return 0;
      last = code;
      if (code !== POLICY_REFUSAL) allRefused = false;
      if (socket.closed) return code;
    }
    return allRefused ? WSAEACCES : last;
  }

  /** Fills the optional Local/RemoteAddress outputs of WSAConnectByName/ByList. */
  function reportAddresses(socket: StreamSocket, localLen: Ref | null, local: Uint8Array | null, remoteLen: Ref | null, remote: Uint8Array | null): number {
    const l = socket.localAddress();
    if (local && localLen && l) {
      const code = copySockaddrOut(l, local, localLen);
      if (code) return code;
    }
    if (remote && remoteLen && socket.remote) {
      const code = copySockaddrOut(socket.remote, remote, remoteLen);
      if (code) return code;
    }
    return 0;
  }

  /** The common end of WSAConnectByName/ByList: connect in order, then fill the outputs. */
  async function connectAndReport(
    socket: StreamSocket,
    candidates: SockAddr[],
    timeout: timeval | null,
    localLen: Ref | null,
    local: Uint8Array | null,
    remoteLen: Ref | null,
    remote: Uint8Array | null,
  ): Promise<boolean> {
    const outcome = await connectInOrder(socket, candidates, timeout);
    if (outcome) return failWith(outcome, false);
    const out = reportAddresses(socket, localLen, local, remoteLen, remote);
    return out ? failWith(out, false) : true;
  }

  function validOutputs(...pairs: [Ref | null, Uint8Array | null][]): boolean {
    return pairs.every(([len, buf]) => (len === null || len === undefined || isRef(len)) && (buf === null || buf === undefined || buf instanceof Uint8Array));
  }

  /**
   * ConnectEx: starts a connect on a bound TCP socket and returns false with WSA_IO_PENDING; on
   * completion the optional send buffer is sent, then the WSAOVERLAPPED is completed (bytes sent
   * in InternalHigh) and its event set. An unbound socket → WSAEINVAL, as Windows.
   */
  async function ConnectEx(
    s: number,
    name: Uint8Array,
    namelen: number,
    lpSendBuffer: Uint8Array | null,
    dwSendDataLength: number,
    lpdwBytesSent: Ref | null,
    lpOverlapped: WSAOVERLAPPED,
  ): Promise<boolean> {
    const socket = streamFor(s);
    if (typeof socket === 'number') return failWith(socket, false);
    if (!socket.bound || socket.isUnbound) return failWith(WSAEINVAL, false);
    if (!isOverlapped(lpOverlapped)) return failWith(WSAEFAULT, false);
    const remote = destinationFor(socket, name, namelen);
    if (typeof remote === 'number') return failWith(remote, false);
    const length = lpSendBuffer ? dwSendDataLength : 0;
    if (lpSendBuffer && (!(lpSendBuffer instanceof Uint8Array) || !Number.isInteger(length) || length < 0 || length > lpSendBuffer.length)) {
      return failWith(WSAEFAULT, false);
    }
    const payload = lpSendBuffer ? lpSendBuffer.slice(0, length) : null;
    void lpdwBytesSent; // only written when ConnectEx completes at once, which it never does here
    ctx.overlapped.start(socket.handle, lpOverlapped, async () => {
      const code = await connectStream(socket, remote, null, true);
      if (code) return { error: code, bytes: 0, flags: 0 };
      if (!payload || payload.length === 0) return { error: 0, bytes: 0, flags: 0 };
      const sent = await socket.send(payload, 0, true);
      return sent.ok ? { error: 0, bytes: sent.n, flags: 0 } : { error: sent.error, bytes: 0, flags: 0 };
    }, null);
    return failWith(WSA_IO_PENDING, false);
  }

  return {
    /**
     * WSAConnectByName: resolves `nodename`/`servicename` through the relay and tries every
     * address in order until one connects, within `timeout`. Waits whatever the socket's
     * blocking mode. Fills the address outputs on success.
     */
    async WSAConnectByName(
      s: number,
      nodename: string,
      servicename: string,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: null,
    ): Promise<boolean> {
      void Reserved;
      const socket = streamFor(s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (typeof nodename !== 'string' || typeof servicename !== 'string') return failWith(WSAEINVAL, false);
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress])) return failWith(WSAEFAULT, false);
      const dual = socket.family === AF_INET6 && !socket.options.v6Only;
      const result = { value: null as ADDRINFO | null };
      const code = await getaddrinfo(nodename, servicename, {
        ai_family: socket.family === AF_INET ? AF_INET : AF_INET6,
        ai_socktype: SOCK_STREAM,
        ai_flags: dual ? AI_V4MAPPED | AI_ALL : 0,
      }, result);
      if (code) return failWith(code, false);
      const candidates: SockAddr[] = [];
      for (let ai = result.value; ai; ai = ai.ai_next) {
        const a = readSockaddr(ai.ai_addr, ai.ai_addrlen);
        if (typeof a !== 'number') candidates.push(a);
      }
      return connectAndReport(socket, candidates, timeout, LocalAddressLength, LocalAddress, RemoteAddressLength, RemoteAddress);
    },

    /** WSAConnectByList: WSAConnectByName over an explicit list of addresses. */
    async WSAConnectByList(
      s: number,
      SocketAddress: SOCKET_ADDRESS_LIST,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: null,
    ): Promise<boolean> {
      void Reserved;
      const socket = streamFor(s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (!SocketAddress || !Array.isArray(SocketAddress.Address) || !Number.isInteger(SocketAddress.iAddressCount)
        || SocketAddress.iAddressCount < 1 || SocketAddress.iAddressCount > SocketAddress.Address.length) {
        return failWith(WSAEINVAL, false);
      }
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress])) return failWith(WSAEFAULT, false);
      const candidates: SockAddr[] = [];
      for (let i = 0; i < SocketAddress.iAddressCount; i++) {
        const entry = SocketAddress.Address[i]!;
        const a = destinationFor(socket, entry?.lpSockaddr ?? null, entry?.iSockaddrLength ?? 0);
        if (typeof a === 'number') return failWith(a, false);
        candidates.push(a);
      }
      return connectAndReport(socket, candidates, timeout, LocalAddressLength, LocalAddress, RemoteAddressLength, RemoteAddress);
    },

    ConnectEx,

    /**
     * WSAGetOverlappedResult: with fWait a Promise that settles when the operation completes;
     * without, at once: false + WSA_IO_INCOMPLETE while pending. On completion lpcbTransfer gets
     * the byte count and the result is true, or false with the operation's error.
     */
    WSAGetOverlappedResult(
      s: number,
      lpOverlapped: WSAOVERLAPPED,
      lpcbTransfer: Ref,
      fWait: boolean,
      lpdwFlags: Ref | null,
    ): boolean | Promise<boolean> {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (!isOverlapped(lpOverlapped) || !isRef(lpcbTransfer)) return failWith(WSAEFAULT, false);
      const op = ctx.overlapped.get(s, lpOverlapped);
      if (!op) return failWith(WSA_INVALID_PARAMETER, false);
      const report = (r: { error: number; bytes: number; flags: number }): boolean => {
        lpcbTransfer.value = r.bytes;
        if (isRef(lpdwFlags)) lpdwFlags.value = r.flags;
        return r.error ? failWith(r.error, false) : true;
      };
      if (op.result) return report(op.result);
      if (!fWait) return failWith(WSA_IO_INCOMPLETE, false);
      return op.done.then(report);
    },

    /**
     * WSAIoctl: FIONBIO, FIONREAD and SIOCATMARK with u_long buffers, and
     * SIO_GET_EXTENSION_FUNCTION_POINTER with lpvInBuffer = a GUID (WSAID_CONNECTEX) and
     * lpvOutBuffer = a `{ value }` ref that receives the function. Other codes → WSAEOPNOTSUPP.
     * Completes at once.
     */
    WSAIoctl(
      s: number,
      dwIoControlCode: number,
      lpvInBuffer: Uint8Array | null,
      cbInBuffer: number,
      lpvOutBuffer: Uint8Array | { value: unknown } | null,
      cbOutBuffer: number,
      lpcbBytesReturned: Ref | null,
      lpOverlapped: WSAOVERLAPPED | null,
      lpCompletionRoutine: null,
    ): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      void lpOverlapped; void lpCompletionRoutine;
      // Windows wants lpcbBytesReturned whatever the code, overlapped or not.
      if (!isRef(lpcbBytesReturned)) return failWith(WSAEFAULT);
      const code = dwIoControlCode >>> 0;
      const returned = (n: number) => {
        lpcbBytesReturned.value = n;
        // Completed at once: the overlapped structure says success, 0 bytes (as Windows reports it).
        if (isOverlapped(lpOverlapped)) Object.assign(lpOverlapped, { Internal: 0, InternalHigh: 0 });
        ctx.setLastError(0);
      };
      switch (code) {
        case FIONBIO: {
          if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 4 || lpvInBuffer.length < 4) return failWith(WSAEFAULT);
          lpcbBytesReturned.value = 0;
          const err = ioctl(socket, FIONBIO, { value: new DataView(lpvInBuffer.buffer, lpvInBuffer.byteOffset, 4).getUint32(0, true) });
          if (err) return failWith(err);
          returned(0);
          return 0;
        }
        case FIONREAD:
        case SIOCATMARK: {
          if (!(lpvOutBuffer instanceof Uint8Array) || cbOutBuffer < 4 || lpvOutBuffer.length < 4) return failWith(WSAEFAULT);
          const arg = { value: 0 };
          ioctl(socket, code, arg);
          new DataView(lpvOutBuffer.buffer, lpvOutBuffer.byteOffset, 4).setUint32(0, arg.value >>> 0, true);
          returned(4);
          return 0;
        }
        case SIO_GET_EXTENSION_FUNCTION_POINTER: {
          if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 16) return failWith(WSAEFAULT);
          if (!lpvOutBuffer || lpvOutBuffer instanceof Uint8Array || typeof lpvOutBuffer !== 'object') return failWith(WSAEFAULT);
          const fn = sameGuid(lpvInBuffer, WSAID_CONNECTEX) ? ConnectEx
            : sameGuid(lpvInBuffer, WSAID_ACCEPTEX) ? inbound.AcceptEx
            : sameGuid(lpvInBuffer, WSAID_GETACCEPTEXSOCKADDRS) ? inbound.GetAcceptExSockaddrs
            : null;
          if (!fn) return failWith(WSAEINVAL);
          lpvOutBuffer.value = fn;
          returned(8);
          return 0;
        }
        default:
          lpcbBytesReturned.value = 0;
          return failWith(WSAEOPNOTSUPP);
      }
    },
  };
}

