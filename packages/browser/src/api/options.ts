/**
 * Socket options: setsockopt and getsockopt, over the option table (win/sockopt.ts: levels,
 * names, Windows sizes).
 */
import { getOption, setOption } from '../win/sockopt.js';
import { lookupSocket, type Ref, type WinsockContext } from './context.js';

export function optionCalls(ctx: WinsockContext) {
  const { failWith } = ctx;
  const lookup = (s: number) => lookupSocket(ctx, s);

  return {
    setsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: number): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = setOption(socket, level, optname, optval, optlen);
      if (code) return failWith(code);
      ctx.setLastError(0); // success clears the last error, as Windows (test_timeout)
      return 0;
    },

    getsockopt(s: number, level: number, optname: number, optval: Uint8Array | null, optlen: Ref | null): number {
      const socket = lookup(s);
      if (typeof socket === 'number') return failWith(socket);
      const code = getOption(socket, level, optname, optval, optlen);
      if (code) return failWith(code);
      ctx.setLastError(0); // success clears the last error, as Windows (test_timeout)
      return 0;
    },
  };
}
