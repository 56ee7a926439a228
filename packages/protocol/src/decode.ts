/**
 * The decoding half of the codec: bytes → frames. No I/O, no sockets, no timers.
 *
 * `decodeMessage` is total: any byte string yields either the frames it holds or a
 * ProtocolError value; nothing it does throws (packages/protocol/test checks it, and that what
 * decodes re-encodes to the same bytes).
 */
import { FrameType, HEADER_BYTES, RELAY_STREAM_BASE, type Endpoint, type Frame } from './frames.js';
import { formatIPv4, formatIPv6 } from './ip.js';
import {
  ADDR_IPV4,
  ADDR_IPV6,
  ADDR_NAME,
  ADDR_NONE,
  connectionFrames,
  dgramFamilies,
  frameName,
  optionalSlots,
  resolveFamilies,
  type EndpointSlot,
} from './layout.js';

/** Largest body the codec accepts unless the caller says less (16 MiB). */
export const MAX_BODY_LIMIT = 16 * 1024 * 1024;

export type ProtocolErrorCode =
  /** Empty message, short header, or a body length running past the message end. */
  | 'TRUNCATED'
  | 'UNKNOWN_TYPE'
  /** Declared body length above `maxBody` (checked before the bytes arrive). */
  | 'TOO_LARGE'
  /**
   * Body too short, trailing bytes in it, invalid UTF-8 in a string, a RESOLVED count larger
   * than its body, a family byte outside its set (DGRAM_OPEN, LISTEN, BIND: 4, 6; RESOLVE: 0, 4, 6),
   * or an INCOMING newStream below RELAY_STREAM_BASE (a page-allocated id).
   */
  | 'BAD_BODY'
  /** Unknown address kind, or a kind not allowed there (none/host name where an IP is needed). */
  | 'BAD_ADDRESS'
  /** Stream id 0 on a stream frame, or a stream id on HELLO/WELCOME/GOAWAY. */
  | 'BAD_STREAM';

/** What a malformed message decodes to. A value, never thrown. */
export class ProtocolError {
  readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    readonly message: string,
    /** Offset in the message where decoding stopped. */
    readonly offset: number,
  ) {}
  toString(): string {
    return `ProtocolError ${this.code} at byte ${this.offset}: ${this.message}`;
  }
}

export type DecodeResult = { ok: true; frames: Frame[] } | { ok: false; error: ProtocolError };

// ignoreBOM: a leading U+FEFF is part of the string (a token or name may start with one);
// by default TextDecoder would silently drop it and the value would not survive a round trip.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Cursor over one frame body; every read checks bounds and reports failure by returning null. */
export class Reader {
  #view: DataView;
  #pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
  }
  get position(): number {
    return this.#pos;
  }
  get remaining(): number {
    return this.end - this.#pos;
  }
  u8(): number | null {
    if (this.remaining < 1) return null;
    const v = this.#view.getUint8(this.#pos);
    this.#pos += 1;
    return v;
  }
  u16(): number | null {
    if (this.remaining < 2) return null;
    const v = this.#view.getUint16(this.#pos);
    this.#pos += 2;
    return v;
  }
  u32(): number | null {
    if (this.remaining < 4) return null;
    const v = this.#view.getUint32(this.#pos);
    this.#pos += 4;
    return v;
  }
  take(n: number): Uint8Array | null {
    if (this.remaining < n) return null;
    const v = this.bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }
}

function readString(r: Reader, lenBytes: 1 | 2): string | null {
  const len = lenBytes === 1 ? r.u8() : r.u16();
  if (len === null) return null;
  const b = r.take(len);
  if (!b) return null;
  try {
    return utf8Decoder.decode(b);
  } catch {
    return null; // invalid UTF-8 is a malformed body, reported by the caller
  }
}

/**
 * Reads an endpoint that `slot` allows: a destination may be a host name, a bind address may be
 * "none", a socket address (OPENED) must be an IP. A kind the slot does not allow is BAD_ADDRESS;
 * a short or non-UTF-8 endpoint is BAD_BODY.
 */
function readEndpoint(r: Reader, slot: EndpointSlot): Endpoint | null | Malformed {
  const kind = r.u8();
  switch (kind) {
    case null:
      return missing;
    case ADDR_NONE:
      return optionalSlots.has(slot) ? null : new Malformed('BAD_ADDRESS', `a ${slot} address is required`);
    case ADDR_IPV4: {
      const b = r.take(4);
      const port = r.u16();
      if (!b || port === null) return missing;
      return { kind: 'ipv4', address: formatIPv4(b), port };
    }
    case ADDR_IPV6: {
      const b = r.take(16);
      const port = r.u16();
      const scopeId = r.u32();
      if (!b || port === null || scopeId === null) return missing;
      return { kind: 'ipv6', address: formatIPv6(b), port, scopeId };
    }
    case ADDR_NAME: {
      if (slot !== 'destination') return new Malformed('BAD_ADDRESS', `a host name cannot be a ${slot} address`);
      const host = readString(r, 1);
      const port = r.u16();
      if (host === null || port === null) return missing;
      return { kind: 'name', host, port };
    }
    default:
      return new Malformed('BAD_ADDRESS', `unknown address kind 0x${kind.toString(16)}`);
  }
}

/** Why a body did not decode: BAD_BODY (short, trailing, bad UTF-8) or BAD_ADDRESS (wrong kind). */
export class Malformed {
  constructor(
    readonly code: 'BAD_BODY' | 'BAD_ADDRESS',
    readonly message: string,
  ) {}
}

type BodyDecoder = (r: Reader, stream: number) => Frame | Malformed;

/**
 * Body decoders by frame type, for decodeMessageWith. A page starts with streamFrameDecoders and
 * adds a table when it opens a stream whose answers need it (datagramFrameDecoders with
 * DGRAM_OPEN…), so it carries the decoders of the features it uses only.
 */
export type FrameDecoders = Readonly<Record<number, BodyDecoder>>;

const missing = new Malformed('BAD_BODY', 'body too short or malformed');

/** Decoders of the relay's handshake frames and a TCP stream's: what every page decodes. */
export const streamFrameDecoders: FrameDecoders = {
  [FrameType.WELCOME]: (r) => {
    const version = r.u16();
    const maxFrameBody = r.u32();
    const maxStreams = r.u32();
    const capabilities = r.u32();
    if (version === null || maxFrameBody === null || maxStreams === null || capabilities === null) return missing;
    return { type: FrameType.WELCOME, version, maxFrameBody, maxStreams, capabilities };
  },
  [FrameType.GOAWAY]: (r) => {
    const reason = r.u16();
    const message = readString(r, 2);
    return reason === null || message === null ? missing : { type: FrameType.GOAWAY, reason, message };
  },
  [FrameType.OPENED]: (r, stream) => {
    const window = r.u32();
    if (window === null) return missing;
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    const remote = readEndpoint(r, 'socket');
    if (remote === null || remote instanceof Malformed) return remote ?? missing;
    return { type: FrameType.OPENED, stream, window, local, remote };
  },
  [FrameType.OPEN_FAILED]: (r, stream) => {
    const reason = r.u16();
    return reason === null ? missing : { type: FrameType.OPEN_FAILED, stream, reason };
  },
  [FrameType.DATA]: (r, stream) => ({ type: FrameType.DATA, stream, data: r.take(r.remaining)! }),
  [FrameType.CREDIT]: (r, stream) => {
    const bytes = r.u32();
    return bytes === null ? missing : { type: FrameType.CREDIT, stream, bytes };
  },
  [FrameType.FIN]: (_r, stream) => ({ type: FrameType.FIN, stream }),
  [FrameType.CLOSE]: (r, stream) => {
    const reason = r.u16();
    return reason === null ? missing : { type: FrameType.CLOSE, stream, reason };
  },
};

/** The answers to DGRAM_OPEN and PEER, and a UDP stream's datagrams. */
export const datagramFrameDecoders: FrameDecoders = {
  [FrameType.DGRAM_OPENED]: (r, stream) => {
    const window = r.u32();
    if (window === null) return missing;
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    return { type: FrameType.DGRAM_OPENED, stream, window, local };
  },
  [FrameType.DATAGRAM]: (r, stream) => {
    const address = readEndpoint(r, 'peer');
    if (address instanceof Malformed) return address;
    return { type: FrameType.DATAGRAM, stream, address, data: r.take(r.remaining)! };
  },
  [FrameType.VERDICT]: (r, stream) => {
    const seq = r.u32();
    const reason = r.u16();
    return seq === null || reason === null ? missing : { type: FrameType.VERDICT, stream, seq, reason };
  },
};

/** The answers to LISTEN and BIND: a listener's address and its connections. */
export const listenerFrameDecoders: FrameDecoders = {
  [FrameType.LISTENING]: (r, stream) => {
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    return { type: FrameType.LISTENING, stream, local };
  },
  [FrameType.INCOMING]: (r, stream) => {
    const newStream = r.u32();
    const window = r.u32();
    if (newStream === null || window === null) return missing;
    if (newStream < RELAY_STREAM_BASE)
      return new Malformed('BAD_BODY', `newStream ${newStream} is below 0x80000000 (a page stream id)`);
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    const remote = readEndpoint(r, 'socket');
    if (remote === null || remote instanceof Malformed) return remote ?? missing;
    return { type: FrameType.INCOMING, stream, newStream, window, local, remote };
  },
};

/** The answer to RESOLVE. */
export const resolveFrameDecoders: FrameDecoders = {
  [FrameType.RESOLVED]: (r, stream) => {
    const canonName = readString(r, 1);
    const count = r.u16();
    if (canonName === null || count === null) return missing;
    const addresses: Endpoint[] = [];
    for (let i = 0; i < count; i++) {
      const a = readEndpoint(r, 'socket');
      if (a === null || a instanceof Malformed) return a ?? missing;
      addresses.push(a);
    }
    return { type: FrameType.RESOLVED, stream, canonName, addresses };
  },
};

/** Every frame a relay sends. */
const fromRelayDecoders: FrameDecoders = {
  ...streamFrameDecoders,
  ...datagramFrameDecoders,
  ...listenerFrameDecoders,
  ...resolveFrameDecoders,
};

/** Decoders of the frames only a page sends: a relay decodes these too. */
const fromPageDecoders: FrameDecoders = {
  [FrameType.HELLO]: (r) => {
    const version = r.u16();
    const token = readString(r, 2);
    return version === null || token === null ? missing : { type: FrameType.HELLO, version, token };
  },
  [FrameType.OPEN]: (r, stream) => {
    const transport = r.u8();
    const flags = r.u8();
    const window = r.u32();
    if (transport === null || flags === null || window === null) return missing;
    const remote = readEndpoint(r, 'destination');
    if (remote === null || remote instanceof Malformed) return remote ?? missing;
    const local = readEndpoint(r, 'bind');
    if (local instanceof Malformed) return local;
    return { type: FrameType.OPEN, stream, transport, flags, window, remote, local };
  },
  [FrameType.SETOPT]: (r, stream) => {
    const option = r.u16();
    const value = r.u32();
    return option === null || value === null ? missing : { type: FrameType.SETOPT, stream, option, value };
  },
  [FrameType.DGRAM_OPEN]: (r, stream) => {
    const family = r.u8();
    const flags = r.u8();
    const window = r.u32();
    if (family === null || flags === null || window === null) return missing;
    if (!dgramFamilies.has(family)) return new Malformed('BAD_BODY', `family ${family} is neither 4 nor 6`);
    const local = readEndpoint(r, 'bind');
    if (local instanceof Malformed) return local;
    return { type: FrameType.DGRAM_OPEN, stream, family, flags, window, local };
  },
  [FrameType.PEER]: (r, stream) => {
    const seq = r.u32();
    const mode = r.u8();
    if (seq === null || mode === null) return missing;
    const address = readEndpoint(r, 'peer');
    if (address instanceof Malformed) return address;
    return { type: FrameType.PEER, stream, seq, mode, address };
  },
  [FrameType.RESOLVE]: (r, stream) => {
    const family = r.u8();
    const flags = r.u8();
    const host = readString(r, 1);
    if (family === null || flags === null || host === null) return missing;
    if (!resolveFamilies.has(family)) return new Malformed('BAD_BODY', `family ${family} is not 0, 4 or 6`);
    return { type: FrameType.RESOLVE, stream, family, flags, host };
  },
  [FrameType.LISTEN]: (r, stream) => {
    const family = r.u8();
    const flags = r.u8();
    const backlog = r.u32();
    if (family === null || flags === null || backlog === null) return missing;
    if (!dgramFamilies.has(family)) return new Malformed('BAD_BODY', `family ${family} is neither 4 nor 6`);
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    return { type: FrameType.LISTEN, stream, family, flags, backlog, local };
  },
  [FrameType.BIND]: (r, stream) => {
    const family = r.u8();
    const flags = r.u8();
    if (family === null || flags === null) return missing;
    if (!dgramFamilies.has(family)) return new Malformed('BAD_BODY', `family ${family} is neither 4 nor 6`);
    const local = readEndpoint(r, 'socket');
    if (local === null || local instanceof Malformed) return local ?? missing;
    return { type: FrameType.BIND, stream, family, flags, local };
  },
};

const allDecoders: FrameDecoders = { ...fromRelayDecoders, ...fromPageDecoders };

export interface DecodeOptions {
  /** Largest body accepted; a larger declared length is TOO_LARGE. Default MAX_BODY_LIMIT. */
  maxBody?: number;
}

/**
 * Decodes one WebSocket message into its frames. Total: returns a ProtocolError for any
 * malformed input (short header, unknown type, length past the end, malformed body, trailing
 * bytes inside a body, stream id 0 on a stream frame or non-zero on a connection frame).
 * DATA payloads are views into `bytes`, not copies.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  return decodeMessageWith(allDecoders, bytes, options);
}

/**
 * decodeMessage for a message a relay sent, as a page decodes it: a frame only a page sends is
 * UNKNOWN_TYPE. A page carries only these decoders, not the relay's.
 */
export function decodeRelayMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  return decodeMessageWith(fromRelayDecoders, bytes, options);
}

/**
 * decodeMessage with only the frame types `decoders` has: any other is UNKNOWN_TYPE. A page
 * decodes with the tables of the streams it opened (see FrameDecoders).
 */
export function decodeMessageWith(
  decoders: FrameDecoders,
  bytes: Uint8Array,
  options: DecodeOptions = {},
): DecodeResult {
  const maxBody = options.maxBody ?? MAX_BODY_LIMIT;
  const frames: Frame[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  if (bytes.length === 0) return fail('TRUNCATED', 'empty message', 0);
  while (pos < bytes.length) {
    if (bytes.length - pos < HEADER_BYTES)
      return fail('TRUNCATED', `frame header needs ${HEADER_BYTES} bytes, ${bytes.length - pos} left`, pos);
    const type = view.getUint8(pos);
    const stream = view.getUint32(pos + 1);
    const length = view.getUint32(pos + 5);
    const decodeBody = decoders[type];
    if (!decodeBody) return fail('UNKNOWN_TYPE', `unknown frame type 0x${type.toString(16)}`, pos);
    if (length > maxBody) return fail('TOO_LARGE', `frame body of ${length} bytes exceeds ${maxBody}`, pos);
    const bodyStart = pos + HEADER_BYTES;
    if (length > bytes.length - bodyStart)
      return fail('TRUNCATED', `frame body of ${length} bytes runs past the message end`, pos);
    const isConnectionFrame = connectionFrames.has(type);
    if (isConnectionFrame !== (stream === 0)) {
      return fail(
        'BAD_STREAM',
        isConnectionFrame ? 'connection frame with a stream id' : 'stream frame with stream id 0',
        pos,
      );
    }
    const reader = new Reader(bytes, bodyStart, bodyStart + length);
    const frame = decodeBody(reader, stream);
    if (frame instanceof Malformed) return fail(frame.code, `${frameName(type)}: ${frame.message}`, pos);
    if (reader.remaining !== 0)
      return fail('BAD_BODY', `${frameName(type)}: ${reader.remaining} unexpected trailing bytes`, pos);
    frames.push(frame);
    pos = bodyStart + length;
  }
  return { ok: true, frames };
}

function fail(code: ProtocolErrorCode, message: string, offset: number): DecodeResult {
  return { ok: false, error: new ProtocolError(code, message, offset) };
}
