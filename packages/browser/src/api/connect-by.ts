/**
 * WSAConnectByName and WSAConnectByList: connect to the first of several addresses (resolved
 * through getaddrinfo, or given) that answers, within one timeout, and report both ends.
 */
import { Reason } from '@ws2web/protocol';
import {
  AF_INET,
  AF_INET6,
  AI_ALL,
  AI_V4MAPPED,
  SOCK_STREAM,
  WSAEACCES,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSAETIMEDOUT,
} from '../win/constants.js';
import { wsaErrorForReason } from '../win/errors.js';
import { copySockaddrOut, readSockaddr, type SockAddr } from '../win/sockaddr.js';
import { timevalToMs } from '../socket/blocking-wait.js';
import type { StreamSocket } from '../socket/tcp.js';
import { connectStream, destinationFor, streamToConnect, type SOCKET_ADDRESS_LIST } from './connect.js';
import { isRef, lookupSocket, type Ref, type WinsockContext, type timeval } from './context.js';
import type { ADDRINFO } from './names.js';

export function connectByCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  /** What a policy refusal becomes (the reasons table); spots "every candidate refused". */
  const POLICY_REFUSAL = wsaErrorForReason(Reason.POLICY_DENIED);

  /**
   * Tries `candidates` in order until one connects, within `timeout` overall. Every candidate
   * refused by policy → WSAEACCES; otherwise the last attempt's error (the contract).
   */
  async function connectInOrder(
    socket: StreamSocket,
    candidates: SockAddr[],
    timeout: timeval | null,
  ): Promise<number> {
    const budget = timevalToMs(timeout);
    const deadline = budget === null ? null : performance.now() + budget;
    let last = WSAEINVAL;
    let allRefused = candidates.length > 0;
    for (const candidate of candidates) {
      const left = deadline === null ? null : deadline - performance.now();
      if (left !== null && left <= 0) return WSAETIMEDOUT;
      const attempt = connectStream(socket, candidate, null, true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const code =
        left === null
          ? await attempt
          : await Promise.race([
              attempt,
              new Promise<number>((settle) => {
                timer = setTimeout(() => settle(WSAETIMEDOUT), left);
              }),
            ]);
      clearTimeout(timer);
      if (code === WSAETIMEDOUT && left !== null) socket.abortConnect(WSAETIMEDOUT);
      if (code === 0) return 0;
      last = code;
      if (code !== POLICY_REFUSAL) allRefused = false;
      if (socket.closed) return code;
    }
    return allRefused ? WSAEACCES : last;
  }

  /**
   * Fills the optional Local/RemoteAddress outputs of WSAConnectByName/ByList. `localPort` false:
   * the local address with port 0, as Windows' WSAConnectByName reports it (test_WSAConnectByName).
   */
  function reportAddresses(
    socket: StreamSocket,
    localLen: Ref | null,
    local: Uint8Array | null,
    remoteLen: Ref | null,
    remote: Uint8Array | null,
    localPort: boolean,
  ): number {
    const l = socket.localAddress();
    if (local && localLen && l) {
      const code = copySockaddrOut(localPort ? l : { ...l, port: 0 }, local, localLen);
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
    localPort: boolean,
  ): Promise<boolean> {
    const outcome = await connectInOrder(socket, candidates, timeout);
    if (outcome) return failWith(outcome, false);
    const out = reportAddresses(socket, localLen, local, remoteLen, remote, localPort);
    return out ? failWith(out, false) : true;
  }

  function validOutputs(...pairs: [Ref | null, Uint8Array | null][]): boolean {
    return pairs.every(
      ([len, buf]) =>
        (len === null || len === undefined || isRef(len)) &&
        (buf === null || buf === undefined || buf instanceof Uint8Array),
    );
  }

  return {
    /**
     * WSAConnectByName: resolves `nodename`/`servicename` through the relay and tries every
     * address in order until one connects, within `timeout`. Waits whatever the socket's
     * blocking mode. Fills the address outputs on success (the local one with port 0).
     * As Windows (Wine's test_WSAConnectByName): a missing name or service, or a Reserved
     * argument, is WSAEINVAL before the socket is looked at; a datagram socket is WSAEFAULT.
     */
    async WSAConnectByName(
      s: number,
      nodename: string | null,
      servicename: string | null,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: object | null,
    ): Promise<boolean> {
      if (
        typeof nodename !== 'string' ||
        typeof servicename !== 'string' ||
        (Reserved !== null && Reserved !== undefined)
      )
        return failWith(WSAEINVAL, false);
      // A datagram socket: WSAEFAULT, as Windows 10 1809 and later answer (earlier: WSAEOPNOTSUPP).
      const any = lookupSocket(ctx, s);
      if (typeof any !== 'number' && any.connectionless) return failWith(WSAEFAULT, false);
      const socket = streamToConnect(ctx, s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress]))
        return failWith(WSAEFAULT, false);
      // An object made without the names feature cannot resolve (createWinsockWith).
      const { getaddrinfo } = ctx.calls;
      if (!getaddrinfo) return failWith(WSAEOPNOTSUPP, false);
      const dual = socket.family === AF_INET6 && !socket.options.v6Only;
      const result = { value: null as ADDRINFO | null };
      const code = await getaddrinfo(
        nodename,
        servicename,
        {
          ai_family: socket.family === AF_INET ? AF_INET : AF_INET6,
          ai_socktype: SOCK_STREAM,
          ai_flags: dual ? AI_V4MAPPED | AI_ALL : 0,
        },
        result,
      );
      if (code) return failWith(code, false);
      const candidates: SockAddr[] = [];
      for (let ai = result.value; ai; ai = ai.ai_next) {
        const a = readSockaddr(ai.ai_addr, ai.ai_addrlen);
        if (typeof a !== 'number') candidates.push(a);
      }
      return connectAndReport(
        socket,
        candidates,
        timeout,
        LocalAddressLength,
        LocalAddress,
        RemoteAddressLength,
        RemoteAddress,
        false,
      );
    },

    /**
     * WSAConnectByList: WSAConnectByName over an explicit list of addresses (the local address
     * keeps its port). A Reserved argument is WSAEINVAL.
     */
    async WSAConnectByList(
      s: number,
      SocketAddress: SOCKET_ADDRESS_LIST,
      LocalAddressLength: Ref | null,
      LocalAddress: Uint8Array | null,
      RemoteAddressLength: Ref | null,
      RemoteAddress: Uint8Array | null,
      timeout: timeval | null,
      Reserved: object | null,
    ): Promise<boolean> {
      if (Reserved !== null && Reserved !== undefined) return failWith(WSAEINVAL, false);
      const socket = streamToConnect(ctx, s);
      if (typeof socket === 'number') return failWith(socket, false);
      if (
        !SocketAddress ||
        !Array.isArray(SocketAddress.Address) ||
        !Number.isInteger(SocketAddress.iAddressCount) ||
        SocketAddress.iAddressCount < 1 ||
        SocketAddress.iAddressCount > SocketAddress.Address.length
      ) {
        return failWith(WSAEINVAL, false);
      }
      if (!validOutputs([LocalAddressLength, LocalAddress], [RemoteAddressLength, RemoteAddress]))
        return failWith(WSAEFAULT, false);
      const candidates: SockAddr[] = [];
      for (let i = 0; i < SocketAddress.iAddressCount; i++) {
        const entry = SocketAddress.Address[i];
        const a = destinationFor(socket, entry?.lpSockaddr ?? null, entry?.iSockaddrLength ?? 0);
        if (typeof a === 'number') return failWith(a, false);
        candidates.push(a);
      }
      return connectAndReport(
        socket,
        candidates,
        timeout,
        LocalAddressLength,
        LocalAddress,
        RemoteAddressLength,
        RemoteAddress,
        true,
      );
    },
  };
}
