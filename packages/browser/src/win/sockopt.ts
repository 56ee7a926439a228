/**
 * getsockopt / setsockopt: one table of the options ws2web knows, with Windows' sizes and rules:
 * an optlen smaller than the option → WSAEFAULT; an option the level does not have →
 * WSAENOPROTOOPT; an unknown level → WSAEINVAL. Values are little-endian, as in Windows memory.
 */
import { SocketOption } from '@ws2web/protocol';
import {
  AF_INET6,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_PKTINFO,
  IP_PKTINFO,
  IPPROTO_TCP,
  IPV6_V6ONLY,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_ACCEPTCONN,
  SO_BROADCAST,
  SO_CONNECT_TIME,
  SO_DEBUG,
  SO_DONTLINGER,
  SO_DONTROUTE,
  SO_ERROR,
  SO_EXCLUSIVEADDRUSE,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_MAX_MSG_SIZE,
  SO_OOBINLINE,
  SO_PROTOCOL_INFOA,
  SO_PROTOCOL_INFOW,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_SNDTIMEO,
  SO_TYPE,
  SO_UPDATE_ACCEPT_CONTEXT,
  SO_UPDATE_CONNECT_CONTEXT,
  TCP_KEEPALIVE,
  TCP_KEEPCNT,
  TCP_KEEPINTVL,
  TCP_NODELAY,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOPROTOOPT,
} from './constants.js';
import { catalogEntry } from './protocol-catalog.js';
import { protocolInfoSize, writeProtocolInfo } from './protocol-info.js';
import type { SocketBase as Socket } from '../socket/base.js';

interface OptionSpec {
  /** Bytes the value occupies (a BOOL, int and DWORD are 4; struct linger is 4). */
  size: number;
  get?(s: Socket): number;
  /** A struct-valued option: writes its `size` bytes (get then is unused). */
  write?(s: Socket, dest: Uint8Array): void;
  /** Returns 0 or a Winsock error. */
  set?(s: Socket, value: number): number;
  /** Which sockets have it (default: all). */
  applies?(s: Socket): boolean;
}

const bool = (v: number) => v !== 0;

/** SO_PROTOCOL_INFOA / W: the socket's catalog entry (read-only, as Windows). */
function protocolInfo(wide: boolean): OptionSpec {
  return {
    size: protocolInfoSize(wide),
    write: (s, dest) => {
      const entry = catalogEntry(s.family, s.type, s.protocol);
      if (entry) writeProtocolInfo(dest, 0, entry, wide);
    },
  };
}
const stream = (s: Socket) => s.type === SOCK_STREAM;

const solSocket: Record<number, OptionSpec> = {
  [SO_ERROR]: { size: 4, get: (s) => s.soError },
  [SO_TYPE]: {
    size: 4,
    get: (s) => s.type,
    // Read-only; Windows refuses setting it with WSAEINVAL on a datagram socket (test_WSASocket).
    set: (s) => (s.type === SOCK_DGRAM ? WSAEINVAL : WSAENOPROTOOPT),
  },
  [SO_ACCEPTCONN]: { size: 4, get: (s) => (s.isListening ? 1 : 0) },
  [SO_PROTOCOL_INFOA]: protocolInfo(false),
  [SO_PROTOCOL_INFOW]: protocolInfo(true),
  [SO_CONNECT_TIME]: { size: 4, get: (s) => s.connectTimeSeconds(), applies: stream },
  // The largest UDP payload: 65535 less the UDP header and (IPv4) the IP header.
  [SO_MAX_MSG_SIZE]: {
    size: 4,
    applies: (s) => s.type !== SOCK_STREAM,
    get: (s) => (s.family === AF_INET6 ? 65527 : 65507),
  },
  [SO_RCVTIMEO]: {
    size: 4,
    get: (s) => s.options.rcvTimeoMs,
    set: (s, v) => {
      s.options.rcvTimeoMs = v >>> 0;
      return 0;
    },
  },
  [SO_SNDTIMEO]: {
    size: 4,
    get: (s) => s.options.sndTimeoMs,
    set: (s, v) => {
      s.options.sndTimeoMs = v >>> 0;
      return 0;
    },
  },
  [SO_KEEPALIVE]: {
    size: 4,
    applies: stream,
    get: (s) => (s.options.keepAlive ? 1 : 0),
    set: (s, v) => {
      s.options.keepAlive = bool(v);
      s.applyOption(SocketOption.KEEPALIVE, bool(v) ? 1 : 0);
      return 0;
    },
  },
  [SO_LINGER]: {
    size: 4,
    applies: stream,
    // struct linger { u_short l_onoff; u_short l_linger; }
    get: (s) => (s.options.lingerOn ? 1 : 0) | (s.options.lingerSeconds << 16),
    set: (s, v) => {
      s.options.lingerOn = (v & 0xffff) !== 0;
      s.options.lingerSeconds = v >>> 16;
      return 0;
    },
  },
  [SO_DONTLINGER]: {
    size: 4,
    applies: stream,
    get: (s) => (s.options.lingerOn ? 0 : 1),
    set: (s, v) => {
      s.options.lingerOn = !bool(v);
      return 0;
    },
  },
  [SO_REUSEADDR]: {
    size: 4,
    get: (s) => (s.options.reuseAddr ? 1 : 0),
    set: (s, v) => {
      s.options.reuseAddr = bool(v);
      return 0;
    },
  },
  [SO_EXCLUSIVEADDRUSE]: {
    size: 4,
    get: (s) => (s.options.exclusiveAddrUse ? 1 : 0),
    set: (s, v) => {
      s.options.exclusiveAddrUse = bool(v);
      return 0;
    },
  },
  [SO_SNDBUF]: {
    size: 4,
    get: (s) => s.options.sndBuf,
    set: (s, v) => {
      s.options.sndBuf = v | 0;
      return 0;
    },
  },
  [SO_RCVBUF]: {
    size: 4,
    get: (s) => s.options.rcvBuf,
    set: (s, v) => {
      s.options.rcvBuf = v | 0;
      return 0;
    },
  },
  [SO_BROADCAST]: {
    size: 4,
    get: (s) => (s.options.broadcast ? 1 : 0),
    set: (s, v) => {
      s.options.broadcast = bool(v);
      return 0;
    },
  },
  [SO_OOBINLINE]: {
    size: 4,
    applies: stream,
    get: (s) => (s.options.oobInline ? 1 : 0),
    set: (s, v) => {
      s.options.oobInline = bool(v);
      return 0;
    },
  },
  // Set after AcceptEx / ConnectEx so the socket behaves as after accept / connect (for AcceptEx it
  // already does; a ConnectEx socket refuses connect with WSAEINVAL until then).
  [SO_UPDATE_ACCEPT_CONTEXT]: { size: 4, applies: stream, set: () => 0 },
  [SO_UPDATE_CONNECT_CONTEXT]: {
    size: 0,
    applies: stream,
    set: (s) => {
      s.updateConnectContext();
      return 0;
    },
  },
  [SO_DEBUG]: {
    size: 4,
    get: (s) => (s.options.debug ? 1 : 0),
    set: (s, v) => {
      s.options.debug = bool(v);
      return 0;
    },
  },
  [SO_DONTROUTE]: {
    size: 4,
    get: (s) => (s.options.dontRoute ? 1 : 0),
    set: (s, v) => {
      s.options.dontRoute = bool(v);
      return 0;
    },
  },
};

const ipprotoTcp: Record<number, OptionSpec> = {
  [TCP_NODELAY]: {
    size: 4,
    applies: stream,
    get: (s) => (s.options.noDelay ? 1 : 0),
    set: (s, v) => {
      s.options.noDelay = bool(v);
      s.applyOption(SocketOption.NODELAY, bool(v) ? 1 : 0);
      return 0;
    },
  },
  // Keep-alive idle time in seconds (TCP_KEEPIDLE); the relay applies it, within its bounds.
  [TCP_KEEPALIVE]: {
    size: 4,
    applies: stream,
    get: (s) => Math.floor((s.options.keepAliveTimeMs ?? WINDOWS_KEEPALIVE_MS) / 1000),
    set: (s, v) => {
      setKeepAliveTime(s, (v >>> 0) * 1000);
      return 0;
    },
  },
  // Probe interval (seconds) and count: Windows 10 1709+ has them; the relay's Node cannot set
  // them (its probes go 1 s apart, 10 at most: Windows' defaults), so they are only reported back.
  [TCP_KEEPINTVL]: {
    size: 4,
    applies: stream,
    get: (s) => Math.floor(s.options.keepAliveIntervalMs / 1000),
    set: (s, v) => {
      s.options.keepAliveIntervalMs = (v >>> 0) * 1000;
      return 0;
    },
  },
  [TCP_KEEPCNT]: {
    size: 4,
    applies: stream,
    get: (s) => s.options.keepAliveCount,
    set: (s, v) => {
      if (v >>> 0 > 255) return WSAEINVAL; // Windows: a count above 255 is refused
      s.options.keepAliveCount = v >>> 0;
      return 0;
    },
  },
};

/** Windows' keep-alive idle time until a program sets one: 2 hours. */
const WINDOWS_KEEPALIVE_MS = 7_200_000;

/**
 * Sets the keep-alive idle time (TCP_KEEPALIVE, SIO_KEEPALIVE_VALS) and passes it to the
 * relay's socket; it takes effect whenever keep-alive is on.
 */
export function setKeepAliveTime(s: Socket, ms: number): void {
  s.options.keepAliveTimeMs = ms;
  s.applyOption(SocketOption.KEEPALIVE_TIME, ms);
}

/** SIO_KEEPALIVE_VALS: keep-alive on or off, with its idle time and interval (ms). */
export function setKeepAliveVals(s: Socket, on: boolean, timeMs: number, intervalMs: number): void {
  s.options.keepAliveIntervalMs = intervalMs;
  if (on) setKeepAliveTime(s, timeMs);
  s.options.keepAlive = on;
  s.applyOption(SocketOption.KEEPALIVE, on ? 1 : 0);
}

const datagram = (s: Socket) => s.type === SOCK_DGRAM;

const ipprotoIp: Record<number, OptionSpec> = {
  // Control data for WSARecvMsg: datagram sockets of either family (a dual-stack socket gets it
  // for its IPv4 datagrams).
  [IP_PKTINFO]: {
    size: 4,
    applies: datagram,
    get: (s) => (s.options.pktInfo ? 1 : 0),
    set: (s, v) => {
      s.options.pktInfo = bool(v);
      return 0;
    },
  },
};

const ipprotoIpv6: Record<number, OptionSpec> = {
  [IPV6_PKTINFO]: {
    size: 4,
    applies: (s) => datagram(s) && s.family === AF_INET6,
    get: (s) => (s.options.pktInfo6 ? 1 : 0),
    set: (s, v) => {
      s.options.pktInfo6 = bool(v);
      return 0;
    },
  },
  [IPV6_V6ONLY]: {
    size: 4,
    applies: (s) => s.family === AF_INET6,
    get: (s) => (s.options.v6Only ? 1 : 0),
    set: (s, v) => {
      if (!s.isUnbound) return WSAEINVAL; // Windows: only before bind/connect
      s.options.v6Only = bool(v);
      return 0;
    },
  },
};

const levels: Record<number, Record<number, OptionSpec>> = {
  [SOL_SOCKET]: solSocket,
  [IPPROTO_TCP]: ipprotoTcp,
  [IPPROTO_IP]: ipprotoIp,
  [IPPROTO_IPV6]: ipprotoIpv6,
};

function lookup(s: Socket, level: number, optname: number): OptionSpec | number {
  const table = levels[level];
  if (!table) return WSAEINVAL;
  const spec = table[optname];
  if (!spec || (spec.applies && !spec.applies(s))) return WSAENOPROTOOPT;
  return spec;
}

/** getsockopt: writes the value into optval and its size into optlen.value. */
export function getOption(
  s: Socket,
  level: number,
  optname: number,
  optval: Uint8Array | null,
  optlen: { value: number } | null,
): number {
  const spec = lookup(s, level, optname);
  if (typeof spec === 'number') return spec;
  if (!spec.get && !spec.write) return WSAENOPROTOOPT;
  if (!(optval instanceof Uint8Array) || !optlen || typeof optlen.value !== 'number') return WSAEFAULT;
  if (optlen.value < spec.size || optval.length < spec.size) return WSAEFAULT;
  if (spec.write) spec.write(s, optval);
  else if (spec.get) new DataView(optval.buffer, optval.byteOffset, spec.size).setUint32(0, spec.get(s) >>> 0, true);
  optlen.value = spec.size;
  return 0;
}

/** setsockopt: reads the value from optval[0..optlen). */
export function setOption(
  s: Socket,
  level: number,
  optname: number,
  optval: Uint8Array | null,
  optlen: number,
): number {
  const spec = lookup(s, level, optname);
  if (typeof spec === 'number') return spec;
  if (!spec.set) return WSAENOPROTOOPT;
  if (spec.size === 0) return spec.set(s, 0); // takes no value (SO_UPDATE_CONNECT_CONTEXT)
  if (!(optval instanceof Uint8Array) || !Number.isInteger(optlen) || optlen < spec.size || optval.length < spec.size) {
    return WSAEFAULT;
  }
  return spec.set(s, new DataView(optval.buffer, optval.byteOffset, spec.size).getUint32(0, true));
}
