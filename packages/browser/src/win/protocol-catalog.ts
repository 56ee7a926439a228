/**
 * The Winsock catalog as Windows' base providers describe themselves in WSAPROTOCOL_INFO:
 * WSAEnumProtocols lists it, getsockopt(SO_PROTOCOL_INFO) reports a socket's entry, and
 * WSASocket takes an entry back in lpProtocolInfo. Only the providers a page can use are listed:
 * TCP and UDP over IPv4 and IPv6, in the order of Windows 7 to 10 (IPv4 first, as `socket`'s
 * AF_UNSPEC choice). Windows' RAW providers are PFL_HIDDEN, which WSAEnumProtocols never lists.
 */
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  PFL_MATCHES_PROTOCOL_ZERO,
  SOCK_DGRAM,
  SOCK_STREAM,
  XP1_CONNECTIONLESS,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_IFS_HANDLES,
  XP1_MESSAGE_ORIENTED,
  XP1_SUPPORT_BROADCAST,
  XP1_SUPPORT_MULTIPOINT,
} from './constants.js';
import { guid } from './extension-ids.js';
import type { ProtocolEntry } from './protocol-info.js';

const TCPIP_PROVIDER = guid('{e70f1aa0-ab8b-11cf-8ca3-00805f48a192}');
const TCPIP6_PROVIDER = guid('{f9eab0c0-26d4-11d0-bbbf-00aa006c34e4}');
const STREAM_FLAGS =
  XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_IFS_HANDLES;
const DATAGRAM_FLAGS =
  XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST | XP1_SUPPORT_MULTIPOINT | XP1_IFS_HANDLES;
/** Windows' UDP providers report 65535 less 68 as their message size (wshtcpip's UDP_MESSAGE_SIZE). */
const UDP_MESSAGE_SIZE = 65535 - 68;

function entry(id: number, name: string, family: number, type: number): ProtocolEntry {
  const stream = type === SOCK_STREAM;
  return {
    name: `MSAFD Tcpip [${name}]`,
    family,
    type,
    protocol: stream ? IPPROTO_TCP : IPPROTO_UDP,
    serviceFlags1: stream ? STREAM_FLAGS : DATAGRAM_FLAGS,
    providerFlags: PFL_MATCHES_PROTOCOL_ZERO,
    providerId: family === AF_INET ? TCPIP_PROVIDER : TCPIP6_PROVIDER,
    catalogEntryId: id,
    sockaddrSize: family === AF_INET ? 16 : 28,
    messageSize: stream ? 0 : UDP_MESSAGE_SIZE,
  };
}

export const PROTOCOL_CATALOG: readonly ProtocolEntry[] = [
  entry(1001, 'TCP/IP', AF_INET, SOCK_STREAM),
  entry(1002, 'UDP/IP', AF_INET, SOCK_DGRAM),
  entry(1003, 'TCP/IPv6', AF_INET6, SOCK_STREAM),
  entry(1004, 'UDP/IPv6', AF_INET6, SOCK_DGRAM),
];

/** The catalog entry of a socket: its family, type and protocol. */
export function catalogEntry(family: number, type: number, protocol: number): ProtocolEntry | undefined {
  return PROTOCOL_CATALOG.find((e) => e.family === family && e.type === type && e.protocol === protocol);
}
