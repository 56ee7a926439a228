/**
 * Control (ancillary) data of WSAMSG, in the layout 32-bit Windows and wasm32 C use:
 *   WSACMSGHDR (12 bytes): cmsg_len u32 LE (header + data), cmsg_level i32 LE, cmsg_type i32 LE,
 *   then the data; each message starts on a 4-byte boundary (WSA_CMSG_SPACE).
 *   IN_PKTINFO  (8 bytes):  ipi_addr[4] (network order), ipi_ifindex u32 LE
 *   IN6_PKTINFO (20 bytes): ipi6_addr[16], ipi6_ifindex u32 LE
 * So the bytes a page reads are the bytes a C program compiled to wasm32 reads.
 */
import { parseIPv4, parseIPv6 } from '@ws2web/protocol';
import { IPPROTO_IP, IPPROTO_IPV6, IPV6_PKTINFO, IP_PKTINFO } from './constants.js';

export const WSACMSGHDR_SIZE = 12;
export const IN_PKTINFO_SIZE = 8;
export const IN6_PKTINFO_SIZE = 20;
/**
 * The interface index WSARecvMsg reports for a datagram from a loopback address: Windows'
 * "Loopback Pseudo-Interface 1" is interface 1. The relay cannot tell any other interface.
 */
export const LOOPBACK_INTERFACE_INDEX = 1;

const align = (n: number) => (n + 3) & ~3;
/** WSA_CMSG_LEN: header plus `n` data bytes. */
export const cmsgLen = (n: number) => WSACMSGHDR_SIZE + n;
/** WSA_CMSG_SPACE: what a message with `n` data bytes occupies in the control buffer. */
export const cmsgSpace = (n: number) => WSACMSGHDR_SIZE + align(n);

/** One control message: level (IPPROTO_IP…), type (IP_PKTINFO…) and its data bytes. */
export interface ControlMessage {
  level: number;
  type: number;
  data: Uint8Array;
}

/** The messages in `control[0..len)`; null when a header's cmsg_len does not fit (malformed). */
export function readControlMessages(control: Uint8Array, len: number): ControlMessage[] | null {
  const out: ControlMessage[] = [];
  const end = Math.min(len, control.length);
  const v = new DataView(control.buffer, control.byteOffset, control.byteLength);
  for (let at = 0; at + WSACMSGHDR_SIZE <= end; ) {
    const cmsgLength = v.getUint32(at, true);
    if (cmsgLength < WSACMSGHDR_SIZE || at + cmsgLength > end) return null;
    out.push({
      level: v.getInt32(at + 4, true),
      type: v.getInt32(at + 8, true),
      data: control.slice(at + WSACMSGHDR_SIZE, at + cmsgLength),
    });
    at += align(cmsgLength);
  }
  return out;
}

/**
 * Writes `messages` into `control` while whole messages fit; returns the bytes written and
 * whether any message was left out (MSG_CTRUNC).
 */
export function writeControlMessages(
  control: Uint8Array | null,
  capacity: number,
  messages: ControlMessage[],
): { written: number; truncated: boolean } {
  let at = 0;
  for (const m of messages) {
    // Windows reports Control.len as the messages' WSA_CMSG_SPACE sum.
    const need = cmsgSpace(m.data.length);
    if (!control || at + need > Math.min(capacity, control.length)) return { written: at, truncated: true };
    const v = new DataView(control.buffer, control.byteOffset, control.byteLength);
    v.setUint32(at, cmsgLen(m.data.length), true);
    v.setInt32(at + 4, m.level, true);
    v.setInt32(at + 8, m.type, true);
    control.set(m.data, at + WSACMSGHDR_SIZE);
    at += need;
  }
  return { written: at, truncated: false };
}

/** IN_PKTINFO for `address` (dotted quad) on interface `ifindex`. */
export function inPktinfo(address: string, ifindex: number): ControlMessage {
  const data = new Uint8Array(IN_PKTINFO_SIZE);
  data.set(parseIPv4(address) ?? new Uint8Array(4), 0);
  new DataView(data.buffer).setUint32(4, ifindex >>> 0, true);
  return { level: IPPROTO_IP, type: IP_PKTINFO, data };
}

/** IN6_PKTINFO for `address` (IPv6 text) on interface `ifindex`. */
export function in6Pktinfo(address: string, ifindex: number): ControlMessage {
  const data = new Uint8Array(IN6_PKTINFO_SIZE);
  data.set(parseIPv6(address) ?? new Uint8Array(16), 0);
  new DataView(data.buffer).setUint32(16, ifindex >>> 0, true);
  return { level: IPPROTO_IPV6, type: IPV6_PKTINFO, data };
}
