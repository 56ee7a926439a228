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
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** WELCOME capability bits. */
export const Capability = { TCP: 1 << 0 } as const;

/** OPEN transport byte. */
export const Transport = { TCP: 1 } as const;

/** OPEN flag bits (socket options applied before the dial). */
export const OpenFlag = { NODELAY: 1 << 0, KEEPALIVE: 1 << 1 } as const;

/** SETOPT option ids. */
export const SocketOption = { NODELAY: 1, KEEPALIVE: 2 } as const;

/** An endpoint on the wire: an IP literal or (destinations only) a host name. */
export type Endpoint =
  | { kind: 'ipv4'; address: string; port: number }
  | { kind: 'ipv6'; address: string; port: number; scopeId: number }
  | { kind: 'name'; host: string; port: number };

export interface HelloFrame { type: typeof FrameType.HELLO; version: number; token: string }
export interface WelcomeFrame {
  type: typeof FrameType.WELCOME;
  version: number;
  /** Largest frame body either side may send. */
  maxFrameBody: number;
  /** Largest number of streams open at once on this connection. */
  maxStreams: number;
  capabilities: number;
}
export interface GoawayFrame { type: typeof FrameType.GOAWAY; reason: number; message: string }
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
export interface OpenFailedFrame { type: typeof FrameType.OPEN_FAILED; stream: number; reason: number }
export interface DataFrame { type: typeof FrameType.DATA; stream: number; data: Uint8Array }
export interface CreditFrame { type: typeof FrameType.CREDIT; stream: number; bytes: number }
export interface FinFrame { type: typeof FrameType.FIN; stream: number }
export interface CloseFrame { type: typeof FrameType.CLOSE; stream: number; reason: number }
export interface SetoptFrame { type: typeof FrameType.SETOPT; stream: number; option: number; value: number }

export type Frame =
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
