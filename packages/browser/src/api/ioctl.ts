/**
 * Socket control: ioctlsocket and WSAIoctl (FIONBIO, FIONREAD, SIOCATMARK, SIO_KEEPALIVE_VALS and
 * SIO_GET_EXTENSION_FUNCTION_POINTER, which hands out ConnectEx / AcceptEx /
 * GetAcceptExSockaddrs / WSARecvMsg / WSASendMsg from their groups through the context).
 */
import {
  FIONBIO,
  FIONREAD,
  SIOCATMARK,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  SIO_KEEPALIVE_VALS,
  STATUS_PENDING,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSA_IO_PENDING,
} from '../win/constants.js';
import { setKeepAliveVals } from '../win/sockopt.js';
import {
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  WSAID_WSARECVMSG,
  WSAID_WSASENDMSG,
  sameGuid,
} from '../win/extension-ids.js';
import { isOverlapped, type OverlappedResult, type WSAOVERLAPPED } from '../win/overlapped.js';
import { isRef, lookupSocket, type AnySocket, type Ref, type WinsockContext } from './context.js';

/**
 * FIONBIO / FIONREAD / SIOCATMARK on `socket` (ioctlsocket and WSAIoctl): 0 or the Winsock error.
 * A socket with WSAEventSelect/WSAAsyncSelect events cannot go back to blocking (WSAEINVAL);
 * FIONREAD is the bytes buffered (UDP: the next datagram's size); SIOCATMARK is always TRUE,
 * since urgent data is not relayed.
 */
function ioctl(socket: AnySocket, cmd: number, argp: Ref): number {
  switch (cmd >>> 0) {
    case FIONBIO:
      if (argp.value === 0 && socket.events.mask !== 0) return WSAEINVAL;
      socket.nonBlocking = argp.value !== 0;
      return 0;
    case FIONREAD:
      argp.value = socket.available;
      return 0;
    case SIOCATMARK:
      argp.value = 1;
      return 0;
    default:
      return WSAEINVAL;
  }
}

/** An overlapped WSAIoctl with a code nobody answers: it completes with WSAEOPNOTSUPP. */
const notSupported = async (): Promise<OverlappedResult> => ({ error: WSAEOPNOTSUPP, bytes: 0, flags: 0 });

export function ioctlCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  /** The extension function a GUID names, from the group that implements it. */
  function extension(guid: Uint8Array): ((...args: never[]) => unknown) | null {
    // A group this object was made without has no extension function to hand out (unknown GUID).
    if (sameGuid(guid, WSAID_CONNECTEX)) return ctx.calls.ConnectEx ?? null;
    if (sameGuid(guid, WSAID_DISCONNECTEX)) return ctx.calls.DisconnectEx ?? null;
    if (sameGuid(guid, WSAID_ACCEPTEX)) return ctx.calls.AcceptEx ?? null;
    if (sameGuid(guid, WSAID_GETACCEPTEXSOCKADDRS)) return ctx.calls.GetAcceptExSockaddrs ?? null;
    if (sameGuid(guid, WSAID_WSARECVMSG)) return ctx.calls.WSARecvMsg ?? null;
    if (sameGuid(guid, WSAID_WSASENDMSG)) return ctx.calls.WSASendMsg ?? null;
    return null;
  }

  return {
    /**
     * ioctlsocket: FIONBIO (a socket with WSAEventSelect/WSAAsyncSelect events cannot go back to
     * blocking: WSAEINVAL), FIONREAD (TCP: bytes buffered; UDP: size of the next datagram),
     * SIOCATMARK (always TRUE: urgent data is not relayed).
     */
    ioctlsocket(s: number, cmd: number, argp: Ref): number {
      const socket = lookupSocket(ctx, s);
      if (typeof socket === 'number') return failWith(socket);
      if (!isRef(argp)) return failWith(WSAEFAULT);
      const code = ioctl(socket, cmd, argp);
      return code ? failWith(code) : 0;
    },

    /**
     * WSAIoctl: FIONBIO, FIONREAD and SIOCATMARK with u_long buffers; SIO_KEEPALIVE_VALS with a
     * 12-byte `struct tcp_keepalive` (onoff, keepalivetime ms, keepaliveinterval ms), which sets
     * SO_KEEPALIVE and the idle time on the relay's socket (bounded there; the interval is
     * reported by TCP_KEEPINTVL but not relayed: the relay's probes go 1 s apart); and
     * SIO_GET_EXTENSION_FUNCTION_POINTER with lpvInBuffer = a GUID (WSAID_CONNECTEX) and
     * lpvOutBuffer = a `{ value }` ref that receives the function. Other codes → WSAEOPNOTSUPP
     * (overlapped: WSA_IO_PENDING, then completed with WSAEOPNOTSUPP, as Windows).
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
      const socket = lookupSocket(ctx, s);
      if (typeof socket === 'number') return failWith(socket);
      void lpCompletionRoutine;
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
          if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 4 || lpvInBuffer.length < 4)
            return failWith(WSAEFAULT);
          lpcbBytesReturned.value = 0;
          const err = ioctl(socket, FIONBIO, {
            value: new DataView(lpvInBuffer.buffer, lpvInBuffer.byteOffset, 4).getUint32(0, true),
          });
          if (err) return failWith(err);
          returned(0);
          return 0;
        }
        case FIONREAD:
        case SIOCATMARK: {
          if (!(lpvOutBuffer instanceof Uint8Array) || cbOutBuffer < 4 || lpvOutBuffer.length < 4)
            return failWith(WSAEFAULT);
          const arg = { value: 0 };
          ioctl(socket, code, arg);
          new DataView(lpvOutBuffer.buffer, lpvOutBuffer.byteOffset, 4).setUint32(0, arg.value >>> 0, true);
          returned(4);
          return 0;
        }
        case SIO_KEEPALIVE_VALS: {
          // struct tcp_keepalive { ULONG onoff, keepalivetime, keepaliveinterval } (ms).
          if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 12 || lpvInBuffer.length < 12) {
            // Windows: overlapped, *lpcbBytesReturned is left alone and the status says pending.
            if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
            else lpcbBytesReturned.value = 0;
            return failWith(WSAEFAULT);
          }
          const v = new DataView(lpvInBuffer.buffer, lpvInBuffer.byteOffset, 12);
          setKeepAliveVals(socket, v.getUint32(0, true) !== 0, v.getUint32(4, true), v.getUint32(8, true));
          // Overlapped, Windows leaves *lpcbBytesReturned as it was.
          if (isOverlapped(lpOverlapped)) {
            Object.assign(lpOverlapped, { Internal: 0, InternalHigh: 0 });
            ctx.setLastError(0);
          } else returned(0);
          return 0;
        }
        case SIO_GET_EXTENSION_FUNCTION_POINTER: {
          if (!(lpvInBuffer instanceof Uint8Array) || cbInBuffer < 16) return failWith(WSAEFAULT);
          if (!lpvOutBuffer || lpvOutBuffer instanceof Uint8Array || typeof lpvOutBuffer !== 'object')
            return failWith(WSAEFAULT);
          const fn = extension(lpvInBuffer);
          if (!fn) return failWith(WSAEINVAL);
          lpvOutBuffer.value = fn;
          returned(8);
          return 0;
        }
        default:
          // Windows: overlapped, an unknown code is pending and completes with the error.
          if (isOverlapped(lpOverlapped)) {
            ctx.overlapped.start(s, lpOverlapped, notSupported, null);
            return failWith(WSA_IO_PENDING);
          }
          lpcbBytesReturned.value = 0;
          return failWith(WSAEOPNOTSUPP);
      }
    },
  };
}
