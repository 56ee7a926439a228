/**
 * Overlapped completion: WSAGetOverlappedResult. (Operations start in the data, accept and
 * connect groups; win/overlapped.ts keeps their table.)
 */
import { WSAEFAULT, WSA_INVALID_PARAMETER, WSA_IO_INCOMPLETE } from '../win/constants.js';
import { isOverlapped, type OverlappedResult, type WSAOVERLAPPED } from '../win/overlapped.js';
import { isRef, lookupSocket, type Ref, type WinsockContext } from './context.js';

export function overlappedCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  return {
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
      const socket = lookupSocket(ctx, s);
      const op = isOverlapped(lpOverlapped) ? ctx.overlapped.get(s, lpOverlapped) : undefined;
      // A finished operation's outcome stays readable after closesocket: it lives in the
      // WSAOVERLAPPED, not the socket (Windows' AcceptEx tests read it after closing the listener).
      if (typeof socket === 'number' && !op?.result) return failWith(socket, false);
      if (!isOverlapped(lpOverlapped) || !isRef(lpcbTransfer)) return failWith(WSAEFAULT, false);
      if (!op) return failWith(WSA_INVALID_PARAMETER, false);
      const report = (r: OverlappedResult): boolean => {
        lpcbTransfer.value = r.bytes;
        if (isRef(lpdwFlags)) lpdwFlags.value = r.flags;
        return r.error ? failWith(r.error, false) : true;
      };
      if (op.result) return report(op.result);
      if (!fWait) return failWith(WSA_IO_INCOMPLETE, false);
      return op.done.then(report);
    },
  };
}
