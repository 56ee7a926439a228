/**
 * Frame types of the ws2web wire protocol, version 1. See docs/protocol.md for the byte layouts.
 *
 * Every WebSocket message carries one or more frames back to back:
 *   u8 type | u32 stream id (big-endian) | u32 body length | body
 * Stream id 0 is the connection itself (HELLO, WELCOME, GOAWAY); the page allocates stream ids
 * 1..0x7fffffff for the sockets it opens; ids from 0x80000000 are reserved for relay-initiated
 * streams (inbound connections).
 */

export const PROTOCOL_VERSION = 1;

/** Size of the fixed frame header. */
export const HEADER_BYTES = 9;

export const FrameType = {
  /** page → relay: first message; protocol version and optional ticket. */
  HELLO: 0x01,
  /** relay → page: handshake accepted; limits and capabilities. */
  WELCOME: 0x02,
  /** relay → page: the connection is being refused or closed; a reason and a message. */
  GOAWAY: 0x03,
  /** page → relay: open a stream (a TCP connection) to a destination. */
  OPEN: 0x10,
  /** relay → page: the stream is connected; real local and remote addresses, initial send credit. */
  OPENED: 0x11,
  /** relay → page: the stream could not be opened; a reason. The stream id is then free. */
  OPEN_FAILED: 0x12,
  /** both ways: stream bytes, counted against the receiver's credit. */
  DATA: 0x20,
  /** both ways: the receiver consumed bytes; the sender may send this many more. */
  CREDIT: 0x21,
  /** both ways: the sender will send no more DATA (TCP half-close). */
  FIN: 0x22,
  /**
   * both ways: the stream is gone; the reason field says how. Page → relay: Reason.OK closes
   * gracefully (queued bytes, then FIN), Reason.RESET aborts (RST). Relay → page: Reason.OK after
   * an orderly end, otherwise why it failed (RESET, ABORTED, PROTOCOL_ERROR…). Nothing more is
   * sent for a stream after its CLOSE, in either direction.
   */
  CLOSE: 0x23,
  /** page → relay: set a socket option on the relay's real socket. */
  SETOPT: 0x24,
  /** page → relay: open a UDP socket of a family, bound to a local address or an ephemeral one. */
  DGRAM_OPEN: 0x13,
  /** relay → page: the UDP socket is bound; its real local address and the initial send credit. */
  DGRAM_OPENED: 0x14,
  /**
   * both ways on a UDP stream: one datagram. Page → relay: to `address`, or (none) to the
   * connected peer. Relay → page: from `address`. Payload bytes count against the credit.
   */
  DATAGRAM: 0x25,
  /**
   * page → relay on a UDP stream: check a destination against the policy (mode CHECK), or make
   * it the connected peer (mode CONNECT; none dissolves the association). Answered by VERDICT.
   */
  PEER: 0x26,
  /** relay → page: the answer to PEER `seq`: Reason.OK or why not (POLICY_DENIED…). */
  VERDICT: 0x27,
  /** page → relay on a fresh stream id: resolve a host name (one-shot stream). */
  RESOLVE: 0x30,
  /** relay → page: the addresses of a RESOLVE, in resolver order; the stream is then finished. */
  RESOLVED: 0x31,
  /** page → relay on a fresh stream id: listen for inbound TCP connections on a relay address. */
  LISTEN: 0x15,
  /** relay → page: the listener is bound; its real local address. */
  LISTENING: 0x16,
  /**
   * relay → page on a listener stream: a connection arrived. It becomes stream `newStream`
   * (relay-allocated, ≥ 0x80000000), connected, and the relay reads nothing from it until the page
   * accepts it by granting credit (CREDIT on newStream) or rejects it (CLOSE RESET on newStream).
   */
  INCOMING: 0x17,
  /**
   * page → relay on a fresh stream id: hold a TCP address for a bound socket (Windows' bind). The
   * relay judges it as a LISTEN and answers LISTENING (the address is held: the real listening
   * socket exists, every connection to it is reset) or OPEN_FAILED. A later LISTEN on this stream
   * makes it a listener with that backlog; CLOSE releases the address.
   */
  BIND: 0x18,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** WELCOME capability bits. */
export const Capability = { TCP: 1 << 0, UDP: 1 << 1, RESOLVE: 1 << 2, INBOUND: 1 << 3, BIND: 1 << 4 } as const;

/** First stream id the relay allocates (inbound connections); the page's ids stay below it. */
export const RELAY_STREAM_BASE = 0x80000000;

/** LISTEN flag bits. */
export const ListenFlag = { REUSEADDR: 1 << 0, EXCLUSIVEADDRUSE: 1 << 1, DUAL_STACK: 1 << 2 } as const;

/** OPEN transport byte. */
export const Transport = { TCP: 1 } as const;

/** DGRAM_OPEN flag bits. */
export const DgramFlag = {
  /** SO_BROADCAST: the relay may send to broadcast addresses its policy allows. */
  BROADCAST: 1 << 0,
  /** IPV6_V6ONLY off: an AF_INET6 socket that may reach IPv4 through ::ffff:a.b.c.d. */
  DUAL_STACK: 1 << 1,
} as const;

/** PEER modes. */
export const PeerMode = { CHECK: 0, CONNECT: 1 } as const;

/** RESOLVE family byte (0 = any) and flag bits. */
export const ResolveFamily = { ANY: 0, IPV4: 4, IPV6: 6 } as const;
/** REVERSE: `host` is an IP literal and the answer's canonical name is its PTR name. */
export const ResolveFlag = { CANONNAME: 1 << 0, REVERSE: 1 << 1 } as const;

/** OPEN flag bits (socket options applied before the dial). */
export const OpenFlag = { NODELAY: 1 << 0, KEEPALIVE: 1 << 1 } as const;

/**
 * SETOPT option ids. KEEPALIVE turns keep-alive on (value ≠ 0) or off; KEEPALIVE_TIME is the
 * idle time in milliseconds before the first probe (SIO_KEEPALIVE_VALS, TCP_KEEPALIVE), used
 * whenever keep-alive is on; the relay bounds it (minKeepAliveMs).
 */
export const SocketOption = { NODELAY: 1, KEEPALIVE: 2, KEEPALIVE_TIME: 3 } as const;

/** An endpoint on the wire: an IP literal or (destinations only) a host name. */
export type Endpoint =
  | { kind: 'ipv4'; address: string; port: number }
  | { kind: 'ipv6'; address: string; port: number; scopeId: number }
  | { kind: 'name'; host: string; port: number };

export interface HelloFrame {
  type: typeof FrameType.HELLO;
  version: number;
  token: string;
}
export interface WelcomeFrame {
  type: typeof FrameType.WELCOME;
  version: number;
  /** Largest frame body either side may send. */
  maxFrameBody: number;
  /** Largest number of streams open at once on this connection. */
  maxStreams: number;
  capabilities: number;
}
export interface GoawayFrame {
  type: typeof FrameType.GOAWAY;
  reason: number;
  message: string;
}
export interface OpenFrame {
  type: typeof FrameType.OPEN;
  stream: number;
  transport: number;
  flags: number;
  /** Credit granted to the relay: bytes it may send before the page grants more. */
  window: number;
  remote: Endpoint;
  /** Local address to bind before dialling (from `bind`), or null. */
  local: Endpoint | null;
}
export interface OpenedFrame {
  type: typeof FrameType.OPENED;
  stream: number;
  /** Credit granted to the page: bytes it may send before the relay grants more. */
  window: number;
  local: Endpoint;
  remote: Endpoint;
}
export interface OpenFailedFrame {
  type: typeof FrameType.OPEN_FAILED;
  stream: number;
  reason: number;
}
export interface DataFrame {
  type: typeof FrameType.DATA;
  stream: number;
  data: Uint8Array;
}
export interface CreditFrame {
  type: typeof FrameType.CREDIT;
  stream: number;
  bytes: number;
}
export interface FinFrame {
  type: typeof FrameType.FIN;
  stream: number;
}
export interface CloseFrame {
  type: typeof FrameType.CLOSE;
  stream: number;
  reason: number;
}
export interface SetoptFrame {
  type: typeof FrameType.SETOPT;
  stream: number;
  option: number;
  value: number;
}

export interface DgramOpenFrame {
  type: typeof FrameType.DGRAM_OPEN;
  stream: number;
  /** 4 or 6. */
  family: number;
  flags: number;
  /** Credit granted to the relay, in datagram payload bytes. */
  window: number;
  local: Endpoint | null;
}
export interface DgramOpenedFrame {
  type: typeof FrameType.DGRAM_OPENED;
  stream: number;
  window: number;
  local: Endpoint;
}
export interface DatagramFrame {
  type: typeof FrameType.DATAGRAM;
  stream: number;
  address: Endpoint | null;
  data: Uint8Array;
}
export interface PeerFrame {
  type: typeof FrameType.PEER;
  stream: number;
  seq: number;
  mode: number;
  address: Endpoint | null;
}
export interface VerdictFrame {
  type: typeof FrameType.VERDICT;
  stream: number;
  seq: number;
  reason: number;
}
export interface ResolveFrame {
  type: typeof FrameType.RESOLVE;
  stream: number;
  family: number;
  flags: number;
  host: string;
}
export interface ResolvedFrame {
  type: typeof FrameType.RESOLVED;
  stream: number;
  canonName: string;
  addresses: Endpoint[];
}

export interface ListenFrame {
  type: typeof FrameType.LISTEN;
  stream: number;
  /** 4 or 6. */
  family: number;
  flags: number;
  backlog: number;
  /** Address to listen on; port 0 = an ephemeral port. */
  local: Endpoint;
}
/** Body of LISTEN without the backlog: what a bound socket holds until it listens. */
export interface BindFrame {
  type: typeof FrameType.BIND;
  stream: number;
  /** 4 or 6. */
  family: number;
  /** LISTEN flag bits. */
  flags: number;
  /** Address to hold; a fixed port (port 0 is answered as a LISTEN would answer it). */
  local: Endpoint;
}
export interface ListeningFrame {
  type: typeof FrameType.LISTENING;
  stream: number;
  local: Endpoint;
}
export interface IncomingFrame {
  type: typeof FrameType.INCOMING;
  stream: number;
  newStream: number;
  /** Credit granted to the page on the new stream. */
  window: number;
  local: Endpoint;
  remote: Endpoint;
}

export type Frame =
  | ListenFrame
  | BindFrame
  | ListeningFrame
  | IncomingFrame
  | DgramOpenFrame
  | DgramOpenedFrame
  | DatagramFrame
  | PeerFrame
  | VerdictFrame
  | ResolveFrame
  | ResolvedFrame
  | HelloFrame
  | WelcomeFrame
  | GoawayFrame
  | OpenFrame
  | OpenedFrame
  | OpenFailedFrame
  | DataFrame
  | CreditFrame
  | FinFrame
  | CloseFrame
  | SetoptFrame;
