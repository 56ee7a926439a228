/**
 * WSAPROTOCOL_INFOA / WSAPROTOCOL_INFOW in Windows' memory layout: written for WSAEnumProtocols
 * and getsockopt(SO_PROTOCOL_INFO), read back by WSASocket (lpProtocolInfo) and by programs
 * through parseProtocolInfo. The A and W forms differ only in szProtocol (256 CHARs or WCHARs).
 */
import {
  BASE_PROTOCOL,
  BIGENDIAN,
  SECURITY_PROTOCOL_NONE,
  WSAPROTOCOL_INFOA_SIZE,
  WSAPROTOCOL_INFOW_SIZE,
} from './constants.js';

/** One provider of the catalog (protocol-catalog.ts), as WSAPROTOCOL_INFO carries it. */
export interface ProtocolEntry {
  name: string;
  family: number;
  type: number;
  protocol: number;
  serviceFlags1: number;
  providerFlags: number;
  /** The provider's GUID, its 16 bytes as in memory. */
  providerId: Uint8Array;
  catalogEntryId: number;
  /** iMaxSockAddr and iMinSockAddr: the family's sockaddr size. */
  sockaddrSize: number;
  /** dwMessageSize: 0 for streams, the largest datagram otherwise. */
  messageSize: number;
}

export const protocolInfoSize = (wide: boolean): number => (wide ? WSAPROTOCOL_INFOW_SIZE : WSAPROTOCOL_INFOA_SIZE);

/** Byte offsets of the fields WSASocket reads back (the same in the A and W layouts). */
const FAMILY_AT = 76;
const TYPE_AT = 88;
const PROTOCOL_AT = 92;
const NAME_AT = 116;
const NAME_CHARS = 256;

/**
 * Writes one WSAPROTOCOL_INFOA (`wide` false) or WSAPROTOCOL_INFOW at `dest[at..]`, with
 * Windows' layout: five flag DWORDs, the provider GUID, the catalog id, a one-entry protocol
 * chain (a base provider), then the int fields and the NUL-terminated name.
 */
export function writeProtocolInfo(dest: Uint8Array, at: number, e: ProtocolEntry, wide: boolean): void {
  const size = protocolInfoSize(wide);
  dest.fill(0, at, at + size);
  const v = new DataView(dest.buffer, dest.byteOffset + at, size);
  v.setUint32(0, e.serviceFlags1, true); // dwServiceFlags2..4 stay 0
  v.setUint32(16, e.providerFlags, true);
  dest.set(e.providerId, at + 20);
  v.setUint32(36, e.catalogEntryId, true);
  v.setInt32(40, BASE_PROTOCOL, true); // ProtocolChain.ChainLen; ChainEntries stay 0
  v.setInt32(72, 2, true); // iVersion
  v.setInt32(FAMILY_AT, e.family, true);
  v.setInt32(80, e.sockaddrSize, true); // iMaxSockAddr
  v.setInt32(84, e.sockaddrSize, true); // iMinSockAddr
  v.setInt32(TYPE_AT, e.type, true);
  v.setInt32(PROTOCOL_AT, e.protocol, true);
  v.setInt32(96, 0, true); // iProtocolMaxOffset
  v.setInt32(100, BIGENDIAN, true);
  v.setInt32(104, SECURITY_PROTOCOL_NONE, true);
  v.setUint32(108, e.messageSize, true);
  for (let i = 0; i < Math.min(e.name.length, NAME_CHARS - 1); i++) {
    if (wide) v.setUint16(NAME_AT + i * 2, e.name.charCodeAt(i), true);
    else v.setUint8(NAME_AT + i, e.name.charCodeAt(i));
  }
}

/**
 * [iAddressFamily, iSocketType, iProtocol] of a WSAPROTOCOL_INFOA or W; null when `info` is not
 * a buffer long enough to hold them.
 */
export function protocolInfoFields(info: Uint8Array): [number, number, number] | null {
  if (!(info instanceof Uint8Array) || info.length < PROTOCOL_AT + 4) return null;
  const v = new DataView(info.buffer, info.byteOffset);
  return [v.getInt32(FAMILY_AT, true), v.getInt32(TYPE_AT, true), v.getInt32(PROTOCOL_AT, true)];
}

/**
 * Reads a WSAPROTOCOL_INFOA (`wide` false) or WSAPROTOCOL_INFOW, e.g. one entry of
 * WSAEnumProtocolsW's buffer at `at = i * WSAPROTOCOL_INFOW_SIZE`.
 */
export function parseProtocolInfo(bytes: Uint8Array, wide: boolean, at = 0): ProtocolEntry {
  const size = protocolInfoSize(wide);
  if (bytes.length < at + size) throw new RangeError(`a WSAPROTOCOL_INFO${wide ? 'W' : 'A'} needs ${size} bytes`);
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, size);
  let name = '';
  for (let i = 0; i < NAME_CHARS - 1; i++) {
    const c = wide ? v.getUint16(NAME_AT + i * 2, true) : v.getUint8(NAME_AT + i);
    if (c === 0) break;
    name += String.fromCharCode(c);
  }
  return {
    name,
    family: v.getInt32(FAMILY_AT, true),
    type: v.getInt32(TYPE_AT, true),
    protocol: v.getInt32(PROTOCOL_AT, true),
    serviceFlags1: v.getUint32(0, true),
    providerFlags: v.getUint32(16, true),
    providerId: bytes.slice(at + 20, at + 36),
    catalogEntryId: v.getUint32(36, true),
    sockaddrSize: v.getInt32(80, true),
    messageSize: v.getUint32(108, true),
  };
}
