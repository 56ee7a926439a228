/**
 * The encoding half of the codec: frames → bytes. No I/O, no sockets, no timers.
 *
 * The encoders throw RangeError only on a programming error (a value outside its field, or a
 * frame the decoder would reject such as a stream frame on stream 0), never on input from the
 * network. Encoding is canonical: bytes that decode re-encode to exactly the same bytes
 * (packages/protocol/test checks it).
 */
import { FrameType, HEADER_BYTES, RELAY_STREAM_BASE, type Endpoint, type Frame } from './frames.js';
import { parseIPv4, parseIPv6 } from './ip.js';
import {
  ADDR_IPV4,
  ADDR_IPV6,
  ADDR_NAME,
  ADDR_NONE,
  connectionFrames,
  dgramFamilies,
  optionalSlots,
  resolveFamilies,
  type EndpointSlot,
} from './layout.js';

const utf8Encoder = new TextEncoder();

class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  constructor(size: number) {
    this.#buf = new Uint8Array(size);
    this.#view = new DataView(this.#buf.buffer);
  }
  #grow(need: number): void {
    if (this.#pos + need <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + need));
    next.set(this.#buf);
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  get position(): number {
    return this.#pos;
  }
  u8(v: number): void {
    this.#grow(1);
    this.#view.setUint8(this.#pos, checkInt(v, 0xff));
    this.#pos += 1;
  }
  u16(v: number): void {
    this.#grow(2);
    this.#view.setUint16(this.#pos, checkInt(v, 0xffff));
    this.#pos += 2;
  }
  u32(v: number): void {
    this.#grow(4);
    this.#view.setUint32(this.#pos, checkInt(v, 0xffffffff));
    this.#pos += 4;
  }
  u32At(at: number, v: number): void {
    this.#view.setUint32(at, checkInt(v, 0xffffffff));
  }
  bytes(b: Uint8Array): void {
    this.#grow(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }
  result(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }
}

function checkInt(v: number, max: number): number {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`ws2web codec: ${v} is not an integer in 0..${max}`);
  return v;
}

/** A stream frame needs a stream id 1..0xffffffff: the decoder rejects stream 0 as BAD_STREAM. */
function checkStreamId(stream: number): number {
  if (!Number.isInteger(stream) || stream < 1 || stream > 0xffffffff) {
    throw new RangeError(`ws2web codec: stream id ${stream} is not an integer in 1..${0xffffffff}`);
  }
  return stream;
}

/** A DATA payload must be bytes; anything else is a programming error, reported like the rest. */
function checkBytes(data: Uint8Array): Uint8Array {
  if (!ArrayBuffer.isView(data) || (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT !== 1) {
    throw new RangeError('ws2web codec: a DATA payload must be a Uint8Array');
  }
  return data;
}

/** INCOMING's new stream must be a relay-allocated id. */
function checkRelayStream(v: number): number {
  if (!Number.isInteger(v) || v < RELAY_STREAM_BASE || v > 0xffffffff)
    throw new RangeError(
      `ws2web codec: INCOMING stream ${String(v)} is not a relay stream id (0x80000000..0xffffffff)`,
    );
  return v;
}

function checkFamily(v: number, allowed: ReadonlySet<number>, frame: string): number {
  if (!allowed.has(v))
    throw new RangeError(`ws2web codec: ${frame} family ${String(v)} is not one of ${[...allowed].join(', ')}`);
  return v;
}

function writeShortString(w: Writer, s: string, lenBytes: 1 | 2): void {
  // TextEncoder would quietly turn undefined into "" and 42 into "42".
  if (typeof s !== 'string') throw new RangeError(`ws2web codec: ${typeof s} where a string is needed`);
  const b = utf8Encoder.encode(s);
  if (lenBytes === 1) w.u8(b.length);
  else w.u16(b.length);
  w.bytes(b);
}

function writeEndpoint(w: Writer, e: Endpoint | null, slot: EndpointSlot): void {
  if (e === null || e === undefined) {
    if (!optionalSlots.has(slot)) throw new RangeError(`ws2web codec: a ${slot} address is required`);
    w.u8(ADDR_NONE);
    return;
  }
  switch (e.kind) {
    case 'ipv4': {
      const b = parseIPv4(e.address);
      if (!b) throw new RangeError(`ws2web codec: bad IPv4 address ${e.address}`);
      w.u8(ADDR_IPV4);
      w.bytes(b);
      w.u16(e.port);
      return;
    }
    case 'ipv6': {
      const b = parseIPv6(e.address);
      if (!b) throw new RangeError(`ws2web codec: bad IPv6 address ${e.address}`);
      w.u8(ADDR_IPV6);
      w.bytes(b);
      w.u16(e.port);
      w.u32(e.scopeId);
      return;
    }
    case 'name':
      if (slot !== 'destination') throw new RangeError(`ws2web codec: a host name cannot be a ${slot} address`);
      w.u8(ADDR_NAME);
      writeShortString(w, e.host, 1);
      w.u16(e.port);
      return;
    default:
      throw new RangeError(`ws2web codec: unknown endpoint kind ${String((e as { kind: unknown }).kind)}`);
  }
}

/**
 * Writes the body of a frame every page sends (the handshake and a TCP stream's frames, DATAGRAM);
 * false for any other type.
 */
function writeCoreFrameBody(w: Writer, f: Frame): boolean {
  switch (f.type) {
    case FrameType.HELLO:
      w.u16(f.version);
      writeShortString(w, f.token, 2);
      return true;
    case FrameType.OPEN:
      w.u8(f.transport);
      w.u8(f.flags);
      w.u32(f.window);
      writeEndpoint(w, f.remote, 'destination');
      writeEndpoint(w, f.local, 'bind');
      return true;
    case FrameType.DATA:
      w.bytes(checkBytes(f.data));
      return true;
    case FrameType.CREDIT:
      w.u32(f.bytes);
      return true;
    case FrameType.FIN:
      return true;
    case FrameType.CLOSE:
      w.u16(f.reason);
      return true;
    case FrameType.SETOPT:
      w.u16(f.option);
      w.u32(f.value);
      return true;
    case FrameType.DATAGRAM:
      writeEndpoint(w, f.address, 'peer');
      w.bytes(checkBytes(f.data));
      return true;
    default:
      return false;
  }
}

/** Writes the body of a frame a page sends (or both sides send); false for any other type. */
function writePageFrameBody(w: Writer, f: Frame): boolean {
  if (writeCoreFrameBody(w, f)) return true;
  switch (f.type) {
    case FrameType.DGRAM_OPEN:
      w.u8(checkFamily(f.family, dgramFamilies, 'DGRAM_OPEN'));
      w.u8(f.flags);
      w.u32(f.window);
      writeEndpoint(w, f.local, 'bind');
      return true;
    case FrameType.PEER:
      w.u32(f.seq);
      w.u8(f.mode);
      writeEndpoint(w, f.address, 'peer');
      return true;
    case FrameType.RESOLVE:
      w.u8(checkFamily(f.family, resolveFamilies, 'RESOLVE'));
      w.u8(f.flags);
      writeShortString(w, f.host, 1);
      return true;
    case FrameType.LISTEN:
      w.u8(checkFamily(f.family, dgramFamilies, 'LISTEN'));
      w.u8(f.flags);
      w.u32(f.backlog);
      writeEndpoint(w, f.local, 'socket');
      return true;
    case FrameType.BIND:
      w.u8(checkFamily(f.family, dgramFamilies, 'BIND'));
      w.u8(f.flags);
      writeEndpoint(w, f.local, 'socket');
      return true;
    default:
      return false;
  }
}

/** Writes the body of any frame: a page's, or one only a relay sends. */
function writeBody(w: Writer, f: Frame): boolean {
  if (writePageFrameBody(w, f)) return true;
  switch (f.type) {
    case FrameType.WELCOME:
      w.u16(f.version);
      w.u32(f.maxFrameBody);
      w.u32(f.maxStreams);
      w.u32(f.capabilities);
      return true;
    case FrameType.GOAWAY:
      w.u16(f.reason);
      writeShortString(w, f.message, 2);
      return true;
    case FrameType.OPENED:
      w.u32(f.window);
      writeEndpoint(w, f.local, 'socket');
      writeEndpoint(w, f.remote, 'socket');
      return true;
    case FrameType.OPEN_FAILED:
      w.u16(f.reason);
      return true;
    case FrameType.DGRAM_OPENED:
      w.u32(f.window);
      writeEndpoint(w, f.local, 'socket');
      return true;
    case FrameType.VERDICT:
      w.u32(f.seq);
      w.u16(f.reason);
      return true;
    case FrameType.LISTENING:
      writeEndpoint(w, f.local, 'socket');
      return true;
    case FrameType.INCOMING:
      w.u32(checkRelayStream(f.newStream));
      w.u32(f.window);
      writeEndpoint(w, f.local, 'socket');
      writeEndpoint(w, f.remote, 'socket');
      return true;
    case FrameType.RESOLVED:
      // Without this, a missing list would escape as a TypeError from `.length`.
      if (!Array.isArray(f.addresses)) throw new RangeError('ws2web codec: RESOLVED addresses must be an array');
      writeShortString(w, f.canonName, 1);
      w.u16(f.addresses.length);
      for (const a of f.addresses) writeEndpoint(w, a, 'socket');
      return true;
    default:
      return false;
  }
}

/** Connection frames go on stream 0 whatever the object says; stream frames need an id. */
function streamOf(f: Frame): number {
  return connectionFrames.has(f.type) ? 0 : checkStreamId((f as { stream: number }).stream);
}

/** Writes the 9-byte header at the start of `out` (values already checked). */
function writeHeader(out: Uint8Array, type: number, stream: number, length: number): void {
  out[0] = type;
  out[1] = stream >>> 24;
  out[2] = stream >>> 16;
  out[3] = stream >>> 8;
  out[4] = stream;
  out[5] = length >>> 24;
  out[6] = length >>> 16;
  out[7] = length >>> 8;
  out[8] = length;
}

type BodyWriter = (w: Writer, f: Frame) => boolean;

function writeFrame(w: Writer, f: Frame, writeFrameBody: BodyWriter): void {
  w.u8(f.type);
  w.u32(streamOf(f));
  const lengthAt = w.position;
  w.u32(0);
  const bodyStart = w.position;
  if (!writeFrameBody(w, f))
    throw new RangeError(`ws2web codec: unknown frame type ${String((f as { type: unknown }).type)}`);
  w.u32At(lengthAt, w.position - bodyStart);
}

/**
 * Encodes one DATA frame as a complete message: the hot path of every `send`. One allocation of
 * exactly header + payload and one copy of the payload, no intermediate writer or DataView.
 * The result does not alias `data`, so the caller may reuse its buffer at once.
 */
export function encodeData(stream: number, data: Uint8Array): Uint8Array {
  checkStreamId(stream);
  checkBytes(data);
  checkInt(data.length, 0xffffffff);
  const out = new Uint8Array(HEADER_BYTES + data.length);
  writeHeader(out, FrameType.DATA, stream, data.length);
  out.set(data, HEADER_BYTES);
  return out;
}

/** Encodes one frame as a complete message. */
export function encodeFrame(f: Frame): Uint8Array {
  return encodeWith(f, writeBody);
}

/**
 * encodeFrame for a frame a page sends: one only a relay sends (WELCOME, OPENED…) throws as an
 * unknown type. A page carries only these encoders, not the relay's.
 */
export function encodePageFrame(f: Frame): Uint8Array {
  return encodeWith(f, writePageFrameBody);
}

/**
 * encodePageFrame for the frames every page sends: HELLO, OPEN, DATA, CREDIT, FIN, CLOSE, SETOPT,
 * DATAGRAM; any other throws as an unknown type. The relay connection encodes with it, so a page
 * carries the other frames' encoders (DGRAM_OPEN, PEER, RESOLVE, LISTEN, BIND) only with the
 * features that send them, which encode them with encodePageFrame.
 */
export function encodeCoreFrame(f: Frame): Uint8Array {
  return encodeWith(f, writeCoreFrameBody);
}

function encodeWith(f: Frame, writeFrameBody: BodyWriter): Uint8Array {
  if (f.type === FrameType.DATA) return encodeData(f.stream, f.data);
  const w = new Writer(HEADER_BYTES + 64);
  writeFrame(w, f, writeFrameBody);
  return w.result();
}

/** Encodes several frames into one message (they are decoded in order). */
export function encodeFrames(frames: readonly Frame[]): Uint8Array {
  let size = 0;
  // Only a hint (the writer grows); must not throw before writeFrame validates the frame.
  for (const f of frames) size += HEADER_BYTES + (f.type === FrameType.DATA ? (f.data?.byteLength ?? 0) : 64);
  const w = new Writer(size);
  for (const f of frames) writeFrame(w, f, writeBody);
  return w.result();
}
