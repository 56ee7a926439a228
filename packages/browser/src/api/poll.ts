/**
 * WSAPoll, with the answers Windows gives (as its conformance tests record them): only
 * POLLRDNORM, POLLRDBAND and POLLWRNORM may be asked for; POLLHUP, POLLERR and POLLNVAL are
 * reported whatever was asked; a peer's orderly close is POLLHUP (not POLLRDNORM) once its data
 * is read; a failed non-blocking connect is POLLHUP|POLLERR plus POLLWRNORM if asked (Windows 10
 * 2004 and later), and so is a connection reset or aborted.
 */
import { waitUntil } from '../socket/blocking-wait.js';
import { INVALID_SOCKET, WSAEFAULT, WSAEINVAL, WSAENOTSOCK, WSANOTINITIALISED } from '../win/constants.js';
import type { AnySocket, WinsockContext } from './context.js';

export const POLLRDNORM = 0x0100;
export const POLLRDBAND = 0x0200;
export const POLLIN = 0x0300; // POLLRDNORM | POLLRDBAND, written out so its type is the literal
export const POLLPRI = 0x0400;
export const POLLWRNORM = 0x0010;
export const POLLOUT = 0x0010; // POLLWRNORM
export const POLLWRBAND = 0x0020;
export const POLLERR = 0x0001;
export const POLLHUP = 0x0002;
export const POLLNVAL = 0x0004;

/** What `events` may contain; anything else fails the call with WSAEINVAL. */
const REQUESTABLE = POLLRDNORM | POLLRDBAND | POLLWRNORM;

/** One entry of WSAPoll's array (the C struct WSAPOLLFD); revents is written in place. */
export interface WSAPOLLFD {
  fd: number;
  events: number;
  revents: number;
}

/** What `socket` reports for `events` now (0 if nothing). Urgent data is never relayed, so no POLLRDBAND. */
function conditions(socket: AnySocket, events: number): number {
  if (!socket.connectionless) {
    if (socket.isListening) return socket.readable ? events & POLLRDNORM : 0;
    // The connect failed, or the connection was reset or aborted.
    if (socket.exceptional || socket.connectionBroken) return (events & POLLWRNORM) | POLLHUP | POLLERR;
  }
  let revents = 0;
  if (socket.available > 0) revents |= events & POLLRDNORM;
  // After shutdown(SD_SEND) a send fails at once rather than block: Windows still says POLLWRNORM.
  const shutSending = !socket.connectionless && socket.isConnected && socket.sendShutDown;
  if (socket.writable || shutSending) revents |= events & POLLWRNORM;
  if (socket.hungUp) revents |= POLLHUP;
  return revents;
}

export function pollCalls(ctx: WinsockContext) {
  const { failWith, sockets } = ctx;
  const live = (fd: number): AnySocket | undefined => {
    const socket = sockets.get(fd);
    return socket && !socket.closed ? socket : undefined;
  };

  return {
    /**
     * WSAPoll: waits until a socket of `fdArray[0..fds)` has one of its `events` (or a hang-up,
     * an error), `timeout` ms (negative: forever, 0: just look), and writes each `revents`.
     * Returns how many entries have revents, 0 on timeout. A handle that is no socket gets
     * POLLNVAL (not counted; all of them → WSAENOTSOCK); `events` outside
     * POLLRDNORM|POLLRDBAND|POLLWRNORM on a handle other than INVALID_SOCKET → WSAEINVAL;
     * fds 0 → WSAEINVAL; a missing array → WSAEFAULT. A socket closed during the wait is
     * POLLNVAL and counted.
     */
    async WSAPoll(fdArray: WSAPOLLFD[] | null, fds: number, timeout: number): Promise<number> {
      if (!ctx.started()) return failWith(WSANOTINITIALISED);
      if (!Number.isInteger(fds) || fds <= 0) return failWith(WSAEINVAL);
      if (!Array.isArray(fdArray) || fdArray.length < fds) return failWith(WSAEFAULT);
      const entries = fdArray.slice(0, fds);
      if (
        entries.some(
          (e) => typeof e !== 'object' || e === null || typeof e.fd !== 'number' || typeof e.events !== 'number',
        )
      ) {
        return failWith(WSAEFAULT);
      }
      const watched = entries.map((e) => live(e.fd));
      if (watched.every((s) => s === undefined)) {
        for (const e of entries) e.revents = POLLNVAL;
        return failWith(WSAENOTSOCK);
      }
      if (entries.some((e) => e.fd !== INVALID_SOCKET && e.events & ~REQUESTABLE)) {
        for (const e of entries) e.revents = 0;
        return failWith(WSAEINVAL);
      }
      const look = (): number[] | undefined => {
        const revents = entries.map((e, i) => {
          const socket = watched[i];
          if (socket === undefined || socket.closed) return POLLNVAL;
          return conditions(socket, e.events);
        });
        const ready = revents.some((r, i) => r !== 0 && watched[i] !== undefined);
        return ready ? revents : undefined;
      };
      const sources = watched.filter((s) => s !== undefined).map((s) => s.subscribe);
      const revents = await waitUntil(sources, look, timeout < 0 ? null : timeout, () =>
        entries.map((_, i) => (watched[i] === undefined ? POLLNVAL : 0)),
      );
      entries.forEach((e, i) => {
        e.revents = revents[i] ?? 0;
      });
      ctx.setLastError(0);
      return revents.filter((r, i) => r !== 0 && watched[i] !== undefined).length;
    },
  };
}
