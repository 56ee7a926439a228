/**
 * WSAEnumProtocolsA / WSAEnumProtocolsW: the catalog (win/protocol-catalog.ts) as an array of
 * WSAPROTOCOL_INFOA or W, with Windows' buffer rule: too small or null → SOCKET_ERROR with
 * WSAENOBUFS and the size needed in *lpdwBufferLength.
 */
import { WSAEFAULT, WSAENOBUFS, WSANOTINITIALISED } from '../win/constants.js';
import { PROTOCOL_CATALOG } from '../win/protocol-catalog.js';
import { protocolInfoSize, writeProtocolInfo } from '../win/protocol-info.js';
import type { Ref, WinsockContext } from './context.js';

export function protocolCalls(ctx: WinsockContext) {
  const { failWith } = ctx;

  function enumProtocols(
    lpiProtocols: readonly number[] | null,
    lpProtocolBuffer: Uint8Array | null,
    lpdwBufferLength: Ref | null,
    wide: boolean,
  ): number {
    if (!ctx.started()) return failWith(WSANOTINITIALISED);
    if (!lpdwBufferLength || typeof lpdwBufferLength.value !== 'number') return failWith(WSAEFAULT);
    if (lpiProtocols !== null && !Array.isArray(lpiProtocols)) return failWith(WSAEFAULT);
    const entries = lpiProtocols ? PROTOCOL_CATALOG.filter((e) => lpiProtocols.includes(e.protocol)) : PROTOCOL_CATALOG;
    const size = protocolInfoSize(wide);
    const needed = entries.length * size;
    if (
      !(lpProtocolBuffer instanceof Uint8Array) ||
      lpdwBufferLength.value >>> 0 < needed ||
      lpProtocolBuffer.length < needed
    ) {
      lpdwBufferLength.value = needed;
      return failWith(WSAENOBUFS);
    }
    for (const [i, e] of entries.entries()) writeProtocolInfo(lpProtocolBuffer, i * size, e, wide);
    lpdwBufferLength.value = needed;
    return entries.length;
  }

  return {
    /**
     * WSAEnumProtocolsA: the providers whose protocol is in `lpiProtocols` (null: all), as
     * WSAPROTOCOL_INFOA entries (WSAPROTOCOL_INFOA_SIZE bytes each) in `lpProtocolBuffer`.
     */
    WSAEnumProtocolsA(
      lpiProtocols: readonly number[] | null,
      lpProtocolBuffer: Uint8Array | null,
      lpdwBufferLength: Ref | null,
    ): number {
      return enumProtocols(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, false);
    },
    /** WSAEnumProtocolsW: WSAEnumProtocolsA with WSAPROTOCOL_INFOW entries (WSAPROTOCOL_INFOW_SIZE bytes). */
    WSAEnumProtocolsW(
      lpiProtocols: readonly number[] | null,
      lpProtocolBuffer: Uint8Array | null,
      lpdwBufferLength: Ref | null,
    ): number {
      return enumProtocols(lpiProtocols, lpProtocolBuffer, lpdwBufferLength, true);
    },
  };
}
