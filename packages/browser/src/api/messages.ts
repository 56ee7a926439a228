/**
 * WSASendMsg and WSARecvMsg (mswsock.h): WSASendTo / WSARecvFrom with their arguments in one
 * WSAMSG and, on receive, control data (IN_PKTINFO / IN6_PKTINFO once IP_PKTINFO / IPV6_PKTINFO
 * is set). WSARecvMsg is handed out by WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
 * WSAID_WSARECVMSG), as on Windows; WSASendMsg is a plain call (and has a GUID too).
 */
import { AF_INET6, MSG_CTRUNC, MSG_TRUNC, WSAEFAULT, WSAEMSGSIZE } from '../win/constants.js';
import {
  LOOPBACK_INTERFACE_INDEX,
  in6Pktinfo,
  inPktinfo,
  writeControlMessages,
  type ControlMessage,
} from '../win/control-data.js';
import type { CompletionRoutine, WSAOVERLAPPED } from '../win/overlapped.js';
import { copySockaddrOut, type SockAddr } from '../win/sockaddr.js';
import { isRef, lookupSocket, type AnySocket, type Ref, type WinsockContext, type WSABUF } from './context.js';
import { destination, gather, result, runTransfer, scatter, sockaddrSize, totalLength } from './data.js';

/**
 * WSAMSG: `name`/`namelen` the peer (in for WSASendMsg, out for WSARecvMsg), the data buffers,
 * `Control` the control-data buffer (its `len` is in/out), `dwFlags` in/out (MSG_PEEK in;
 * MSG_TRUNC / MSG_CTRUNC out).
 */
export interface WSAMSG {
  name: Uint8Array | null;
  namelen: number;
  lpBuffers: WSABUF[];
  dwBufferCount: number;
  Control: WSABUF;
  dwFlags: number;
}

function isMsg(v: unknown): v is WSAMSG {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as WSAMSG;
  return (
    Array.isArray(m.lpBuffers) &&
    typeof m.dwBufferCount === 'number' &&
    typeof m.namelen === 'number' &&
    typeof m.dwFlags === 'number' &&
    typeof m.Control === 'object' &&
    m.Control !== null
  );
}

/** The control buffer holds `Control.len` bytes (a NULL buffer only with len 0). */
function validControl(c: WSABUF): boolean {
  if (!Number.isInteger(c.len) || c.len < 0) return false;
  return c.len === 0 || (c.buf instanceof Uint8Array && c.buf.length >= c.len);
}

const isLoopback = (a: SockAddr) =>
  a.address.startsWith('127.') || a.address.startsWith('::ffff:127.') || a.address === '::1';

/** The IPv4 form of an IPv4 or IPv4-mapped address; the unspecified address for anything else. */
function ipv4Of(address: string): string {
  if (!address.includes(':')) return address;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : '0.0.0.0';
}

/**
 * The control messages a datagram from `from` gets. Its destination is the socket's own address:
 * the relay's socket does not see a datagram's destination, so a socket bound to the wildcard
 * reports the unspecified address (docs/winsock.md).
 */
function pktinfoFor(socket: AnySocket, from: SockAddr): ControlMessage[] {
  const ifindex = isLoopback(from) ? LOOPBACK_INTERFACE_INDEX : 0;
  const local = socket.localAddress()?.address ?? (socket.family === AF_INET6 ? '::' : '0.0.0.0');
  const v4 = !from.address.includes(':') || (from.address.startsWith('::ffff:') && from.address.includes('.'));
  if (v4 && socket.options.pktInfo) return [inPktinfo(ipv4Of(local), ifindex)];
  if (!v4 && socket.options.pktInfo6) return [in6Pktinfo(local, ifindex)];
  return [];
}

export function messageCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  return {
    /**
     * WSASendMsg: WSASendTo with its arguments in `lpMsg` (`name`/`namelen` the destination of a
     * UDP datagram, ignored by TCP; the buffers gathered into one send). Control data is accepted
     * and not applied: the relay's socket chooses the source address. 0 with the count in
     * `lpNumberOfBytesSent`, or SOCKET_ERROR as sendto; no `lpMsg` → WSAEFAULT. Overlapped with
     * `lpOverlapped`, as WSASend.
     */
    async WSASendMsg(
      s: number,
      lpMsg: WSAMSG | null,
      dwFlags: number,
      lpNumberOfBytesSent: Ref | null,
      lpOverlapped: WSAOVERLAPPED | null,
      lpCompletionRoutine: CompletionRoutine | null,
    ): Promise<number> {
      const socket = lookupSocket(ctx, s);
      if (typeof socket === 'number') return failWith(socket);
      if (!isMsg(lpMsg) || !validControl(lpMsg.Control)) return failWith(WSAEFAULT);
      if (!lpOverlapped && !isRef(lpNumberOfBytesSent)) return failWith(WSAEFAULT);
      const total = totalLength(lpMsg.lpBuffers, lpMsg.dwBufferCount);
      if (total < 0) return failWith(WSAEFAULT);
      const dest = destination(socket, lpMsg.name, lpMsg.namelen);
      if (typeof dest === 'number') return failWith(dest);
      const data = gather(lpMsg.lpBuffers, lpMsg.dwBufferCount, total);
      return runTransfer(
        ctx,
        socket,
        async (forceWait) => {
          const r = await socket.send(data, dwFlags | 0, dest, forceWait);
          if (!r.ok) return result(r.error);
          if (!lpOverlapped && lpNumberOfBytesSent) lpNumberOfBytesSent.value = r.n;
          return result(0, r.n);
        },
        lpOverlapped,
        lpCompletionRoutine,
      );
    },

    /**
     * WSARecvMsg: WSARecvFrom with its arguments in `lpMsg`, plus control data in `Control`:
     * IN_PKTINFO (IP_PKTINFO set, an IPv4 datagram) or IN6_PKTINFO (IPV6_PKTINFO set, an IPv6
     * one) with the socket's address and interface 1 for a loopback source. On return
     * `Control.len` is the control bytes written, `namelen` the source's size and `dwFlags`
     * MSG_TRUNC (datagram cut) / MSG_CTRUNC (control data did not fit), both with WSAEMSGSIZE
     * and the data delivered (overlapped: through WSAGetOverlappedResult). No `lpMsg`, or neither `lpdwNumberOfBytesRecvd` nor
     * `lpOverlapped` → WSAEFAULT. On TCP it is WSARecv (no control data).
     */
    async WSARecvMsg(
      s: number,
      lpMsg: WSAMSG | null,
      lpdwNumberOfBytesRecvd: Ref | null,
      lpOverlapped: WSAOVERLAPPED | null,
      lpCompletionRoutine: CompletionRoutine | null,
    ): Promise<number> {
      const socket = lookupSocket(ctx, s);
      if (typeof socket === 'number') return failWith(socket);
      if (!isMsg(lpMsg) || !validControl(lpMsg.Control)) return failWith(WSAEFAULT);
      if (!lpOverlapped && !isRef(lpdwNumberOfBytesRecvd)) return failWith(WSAEFAULT);
      const msg = lpMsg;
      const total = totalLength(msg.lpBuffers, msg.dwBufferCount);
      if (total < 0) return failWith(WSAEFAULT);
      if (msg.name && socket.connectionless && (msg.namelen < sockaddrSize(socket) || msg.name.length < msg.namelen))
        return failWith(WSAEFAULT);
      const first = msg.lpBuffers[0]?.buf;
      const dest = msg.dwBufferCount === 1 && first ? first : new Uint8Array(total);
      const capacity = msg.Control.len;
      return runTransfer(
        ctx,
        socket,
        async (forceWait) => {
          const r = await socket.recv(dest, total, msg.dwFlags | 0, forceWait);
          if (!r.ok) return result(r.error);
          if (msg.dwBufferCount > 1) scatter(msg.lpBuffers, msg.dwBufferCount, dest.subarray(0, r.n));
          const control = r.from && socket.connectionless ? pktinfoFor(socket, r.from) : [];
          const written = writeControlMessages(msg.Control.buf, capacity, control);
          msg.Control.len = written.written;
          msg.dwFlags = (r.truncated ? MSG_TRUNC : 0) | (written.truncated ? MSG_CTRUNC : 0);
          if (msg.name && r.from) {
            const namelen = { value: msg.namelen };
            copySockaddrOut(r.from, msg.name, namelen);
            msg.namelen = namelen.value;
          }
          if (!lpOverlapped && lpdwNumberOfBytesRecvd) lpdwNumberOfBytesRecvd.value = r.n;
          // Cut control data fails as a cut datagram does, the data delivered (overlapped too).
          return result(r.truncated || written.truncated ? WSAEMSGSIZE : 0, r.n);
        },
        lpOverlapped,
        lpCompletionRoutine,
      );
    },
  };
}
