/**
 * ws2_32 imports for the provider catalog: WSAEnumProtocolsA / WSAEnumProtocolsW. The library
 * writes WSAPROTOCOL_INFOA / W entries in Windows' layout, which winsock2.h declares and checks.
 */
import type { GlueContext, ImportGroup } from './context.js';
import { readRef } from './structs.js';
import { SOCKET_ERROR, WSAEFAULT } from './values.js';

/** More protocols than any program lists; the C array ends at its first 0. */
const MAX_PROTOCOLS = 64;
/** More than the whole catalog needs in the W layout. */
const MAX_BUFFER = 64 * 1024;

export function protocolImports(ctx: GlueContext): ImportGroup {
  const { w } = ctx;

  const enumProtocols =
    (wide: boolean) =>
    (lpiProtocols: number, lpProtocolBuffer: number, lpdwBufferLength: number): number => {
      const m = ctx.m;
      let protocols: number[] | null = null;
      if (lpiProtocols !== 0) {
        protocols = [];
        for (let i = 0; i < MAX_PROTOCOLS; i++) {
          if (!m.inBounds(lpiProtocols + i * 4, 4)) return ctx.fail(WSAEFAULT, SOCKET_ERROR);
          const p = m.i32(lpiProtocols + i * 4);
          if (p === 0) break;
          protocols.push(p);
        }
      }
      const ref = readRef(m, lpdwBufferLength, true);
      const capacity = ref ? Math.min(ref.value, MAX_BUFFER) : 0;
      const buf = lpProtocolBuffer === 0 ? null : new Uint8Array(capacity);
      const rc = (wide ? w.WSAEnumProtocolsW : w.WSAEnumProtocolsA)(protocols, buf, ref);
      if (ref) m.setU32(lpdwBufferLength, ref.value);
      if (rc !== SOCKET_ERROR && buf) m.write(lpProtocolBuffer, buf.subarray(0, ref ? ref.value : 0));
      return rc;
    };

  return {
    sync: { WSAEnumProtocolsA: enumProtocols(false), WSAEnumProtocolsW: enumProtocols(true) },
    blocking: {},
  };
}
