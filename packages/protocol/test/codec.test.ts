/**
 * The codec against bytes written by hand from docs/protocol.md (never produced by the encoder):
 *   frame = type:u8 stream:u32 length:u32 body[length], big-endian.
 * Each fixture is encoded to exactly its hex and decoded back to exactly its value; malformed
 * messages decode to a ProtocolError value, never an exception.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  datagramFrameDecoders,
  decodeMessage,
  decodeMessageWith,
  listenerFrameDecoders,
  resolveFrameDecoders,
  streamFrameDecoders,
  encodeData,
  encodeFrame,
  encodeFrames,
  frameName,
  FrameType,
  HEADER_BYTES,
  Capability,
  ListenFlag,
  MAX_BODY_LIMIT,
  ProtocolError,
  RELAY_STREAM_BASE,
  type DecodeResult,
  type Endpoint,
  type Frame,
  type ProtocolErrorCode,
} from '../src/index.js';

/** "01 00000000 …" → bytes; whitespace is only for the reader. */
function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`bad hex fixture: ${text}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function frames(r: DecodeResult): Frame[] {
  if (!r.ok) throw new Error(`expected frames, got ${r.error.toString()}`);
  return r.frames;
}

function expectError(r: DecodeResult, code: ProtocolErrorCode, offset?: number): ProtocolError {
  if (r.ok) throw new Error(`expected ${code}, got ${r.frames.length} frame(s)`);
  expect(r.error).toBeInstanceOf(ProtocolError);
  expect(r.error.code).toBe(code);
  if (offset !== undefined) expect(r.error.offset).toBe(offset);
  return r.error;
}

const ascii = (s: string) => toHex(new TextEncoder().encode(s));

/**
 * A one-frame fixture whose header length is exactly its body, so that an error it decodes to
 * comes from the body itself and not from a miscounted length (which would be TRUNCATED or,
 * worse, a "short body" for the wrong reason).
 */
function oneFrame(text: string): Uint8Array {
  const b = hex(text);
  expect(new DataView(b.buffer).getUint32(5), `declared length of ${text}`).toBe(b.length - HEADER_BYTES);
  return b;
}

/** [label, frame, hand-written hex]. */
const fixtures: Array<[string, Frame, string]> = [
  [
    'HELLO v1 with a token',
    { type: FrameType.HELLO, version: 1, token: 'abc' },
    '01 00000000 00000007  0001 0003 616263',
  ],
  ['HELLO v1 without a token', { type: FrameType.HELLO, version: 1, token: '' }, '01 00000000 00000004  0001 0000'],
  [
    'HELLO with a non-ASCII token (UTF-8 length, not UTF-16 length)',
    { type: FrameType.HELLO, version: 1, token: 'é€😀' },
    '01 00000000 0000000d  0001 0009 c3a9 e282ac f09f9880',
  ],
  [
    'WELCOME',
    { type: FrameType.WELCOME, version: 1, maxFrameBody: 65536, maxStreams: 256, capabilities: 1 },
    '02 00000000 0000000e  0001 00010000 00000100 00000001',
  ],
  [
    'GOAWAY VERSION_MISMATCH "v2"',
    { type: FrameType.GOAWAY, reason: 16, message: 'v2' },
    '03 00000000 00000006  0010 0002 7632',
  ],
  [
    'OPEN TCP to 127.0.0.1:8080, NODELAY|KEEPALIVE, no local',
    {
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 3,
      window: 65536,
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 8080 },
      local: null,
    },
    '10 00000001 0000000e  01 03 00010000  04 7f000001 1f90  00',
  ],
  [
    'OPEN to localhost:443 bound to 0.0.0.0:0',
    {
      type: FrameType.OPEN,
      stream: 2,
      transport: 1,
      flags: 0,
      window: 4096,
      remote: { kind: 'name', host: 'localhost', port: 443 },
      local: { kind: 'ipv4', address: '0.0.0.0', port: 0 },
    },
    `10 00000002 0000001a  01 00 00001000  4e 09 ${ascii('localhost')} 01bb  04 00000000 0000`,
  ],
  [
    'OPEN to [::1]:80 bound to [fe80::1%3]:0, highest page stream id',
    {
      type: FrameType.OPEN,
      stream: 0x7fffffff,
      transport: 1,
      flags: 0,
      window: 1024,
      remote: { kind: 'ipv6', address: '::1', port: 80, scopeId: 0 },
      local: { kind: 'ipv6', address: 'fe80::1', port: 0, scopeId: 3 },
    },
    '10 7fffffff 00000034  01 00 00000400' +
      '  06 00000000000000000000000000000001 0050 00000000' +
      '  06 fe800000000000000000000000000001 0000 00000003',
  ],
  [
    'OPENED 127.0.0.1:54321 → 127.0.0.1:8080',
    {
      type: FrameType.OPENED,
      stream: 1,
      window: 262144,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 54321 },
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 8080 },
    },
    '11 00000001 00000012  00040000  04 7f000001 d431  04 7f000001 1f90',
  ],
  [
    'OPENED over IPv6 (IPv4-mapped remote)',
    {
      type: FrameType.OPENED,
      stream: 9,
      window: 0,
      local: { kind: 'ipv6', address: '::1', port: 65535, scopeId: 0 },
      remote: { kind: 'ipv6', address: '::ffff:127.0.0.1', port: 1, scopeId: 0xffffffff },
    },
    '11 00000009 00000032  00000000' +
      '  06 00000000000000000000000000000001 ffff 00000000' +
      '  06 00000000000000000000ffff7f000001 0001 ffffffff',
  ],
  ['OPEN_FAILED REFUSED', { type: FrameType.OPEN_FAILED, stream: 3, reason: 1 }, '12 00000003 00000002  0001'],
  ['DATA "hi"', { type: FrameType.DATA, stream: 1, data: hex('6869') }, '20 00000001 00000002  6869'],
  ['empty DATA', { type: FrameType.DATA, stream: 5, data: new Uint8Array(0) }, '20 00000005 00000000'],
  ['CREDIT', { type: FrameType.CREDIT, stream: 1, bytes: 0xdeadbeef }, '21 00000001 00000004  deadbeef'],
  ['FIN on a relay-initiated stream id', { type: FrameType.FIN, stream: 0x80000000 }, '22 80000000 00000000'],
  ['CLOSE RESET', { type: FrameType.CLOSE, stream: 1, reason: 6 }, '23 00000001 00000002  0006'],
  [
    'CLOSE OK on the largest stream id',
    { type: FrameType.CLOSE, stream: 0xffffffff, reason: 0 },
    '23 ffffffff 00000002  0000',
  ],
  [
    'SETOPT TCP_NODELAY on',
    { type: FrameType.SETOPT, stream: 1, option: 1, value: 1 },
    '24 00000001 00000006  0001 00000001',
  ],
  [
    'DGRAM_OPEN udp4, no local address (implicit bind)',
    { type: FrameType.DGRAM_OPEN, stream: 1, family: 4, flags: 0, window: 65536, local: null },
    '13 00000001 00000007  04 00 00010000  00',
  ],
  [
    'DGRAM_OPEN udp4 bound to 127.0.0.1:0, SO_BROADCAST',
    {
      type: FrameType.DGRAM_OPEN,
      stream: 2,
      family: 4,
      flags: 1,
      window: 1024,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 0 },
    },
    '13 00000002 0000000d  04 01 00000400  04 7f000001 0000',
  ],
  [
    'DGRAM_OPEN udp6 dual-stack + broadcast bound to [::]:5353',
    {
      type: FrameType.DGRAM_OPEN,
      stream: 3,
      family: 6,
      flags: 3,
      window: 4096,
      local: { kind: 'ipv6', address: '::', port: 5353, scopeId: 0 },
    },
    '13 00000003 0000001d  06 03 00001000  06 00000000000000000000000000000000 14e9 00000000',
  ],
  [
    'DGRAM_OPENED 127.0.0.1:49152',
    {
      type: FrameType.DGRAM_OPENED,
      stream: 1,
      window: 65536,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 49152 },
    },
    '14 00000001 0000000b  00010000  04 7f000001 c000',
  ],
  [
    'DGRAM_OPENED [::1]:53 with no send credit',
    {
      type: FrameType.DGRAM_OPENED,
      stream: 2,
      window: 0,
      local: { kind: 'ipv6', address: '::1', port: 53, scopeId: 0 },
    },
    '14 00000002 0000001b  00000000  06 00000000000000000000000000000001 0035 00000000',
  ],
  [
    'DATAGRAM "hi" to 127.0.0.1:53',
    {
      type: FrameType.DATAGRAM,
      stream: 1,
      address: { kind: 'ipv4', address: '127.0.0.1', port: 53 },
      data: hex('6869'),
    },
    '25 00000001 00000009  04 7f000001 0035  6869',
  ],
  [
    'DATAGRAM "abc" to the connected peer (none)',
    { type: FrameType.DATAGRAM, stream: 1, address: null, data: hex('616263') },
    '25 00000001 00000004  00  616263',
  ],
  [
    'empty DATAGRAM from [fe80::1%2]:7',
    {
      type: FrameType.DATAGRAM,
      stream: 4,
      address: { kind: 'ipv6', address: 'fe80::1', port: 7, scopeId: 2 },
      data: new Uint8Array(0),
    },
    '25 00000004 00000017  06 fe800000000000000000000000000001 0007 00000002',
  ],
  [
    'empty DATAGRAM to the connected peer (the whole body is the "none" byte)',
    { type: FrameType.DATAGRAM, stream: 5, address: null, data: new Uint8Array(0) },
    '25 00000005 00000001  00',
  ],
  [
    'DATAGRAM whose payload starts with bytes that look like an address',
    { type: FrameType.DATAGRAM, stream: 1, address: null, data: hex('04 7f000001 0035') },
    '25 00000001 00000008  00  04 7f000001 0035',
  ],
  [
    'PEER CHECK 127.0.0.1:9',
    { type: FrameType.PEER, stream: 1, seq: 1, mode: 0, address: { kind: 'ipv4', address: '127.0.0.1', port: 9 } },
    '26 00000001 0000000c  00000001 00  04 7f000001 0009',
  ],
  [
    'PEER CONNECT [fe80::1%3]:443',
    {
      type: FrameType.PEER,
      stream: 1,
      seq: 2,
      mode: 1,
      address: { kind: 'ipv6', address: 'fe80::1', port: 443, scopeId: 3 },
    },
    '26 00000001 0000001c  00000002 01  06 fe800000000000000000000000000001 01bb 00000003',
  ],
  [
    'PEER CONNECT none (dissolve the association), last seq',
    { type: FrameType.PEER, stream: 1, seq: 0xffffffff, mode: 1, address: null },
    '26 00000001 00000006  ffffffff 01  00',
  ],
  ['VERDICT OK', { type: FrameType.VERDICT, stream: 1, seq: 1, reason: 0 }, '27 00000001 00000006  00000001 0000'],
  [
    'VERDICT POLICY_DENIED',
    { type: FrameType.VERDICT, stream: 9, seq: 0x01020304, reason: 5 },
    '27 00000009 00000006  01020304 0005',
  ],
  [
    'RESOLVE localhost, any family, canonical name',
    { type: FrameType.RESOLVE, stream: 1, family: 0, flags: 1, host: 'localhost' },
    `30 00000001 0000000c  00 01 09 ${ascii('localhost')}`,
  ],
  [
    'RESOLVE localhost, IPv6 only',
    { type: FrameType.RESOLVE, stream: 2, family: 6, flags: 0, host: 'localhost' },
    `30 00000002 0000000c  06 00 09 ${ascii('localhost')}`,
  ],
  [
    'RESOLVE a non-ASCII name, IPv4 (UTF-8 length)',
    { type: FrameType.RESOLVE, stream: 3, family: 4, flags: 0, host: 'bücher.example' },
    `30 00000003 00000012  04 00 0f 62 c3bc ${ascii('cher.example')}`,
  ],
  [
    'RESOLVE an empty name',
    { type: FrameType.RESOLVE, stream: 4, family: 4, flags: 0, host: '' },
    '30 00000004 00000003  04 00 00',
  ],
  [
    'RESOLVED localhost → 127.0.0.1, ::1',
    {
      type: FrameType.RESOLVED,
      stream: 1,
      canonName: 'localhost',
      addresses: [
        { kind: 'ipv4', address: '127.0.0.1', port: 0 },
        { kind: 'ipv6', address: '::1', port: 0, scopeId: 0 },
      ],
    },
    `31 00000001 0000002a  09 ${ascii('localhost')} 0002` +
      '  04 7f000001 0000' +
      '  06 00000000000000000000000000000001 0000 00000000',
  ],
  [
    'RESOLVED one address, no canonical name',
    { type: FrameType.RESOLVED, stream: 2, canonName: '', addresses: [{ kind: 'ipv4', address: '10.0.0.1', port: 0 }] },
    '31 00000002 0000000a  00 0001  04 0a000001 0000',
  ],
  [
    'RESOLVED no addresses at all',
    { type: FrameType.RESOLVED, stream: 3, canonName: '', addresses: [] },
    '31 00000003 00000003  00 0000',
  ],
  [
    'LISTEN on 127.0.0.1, ephemeral port, SO_REUSEADDR, backlog 5',
    {
      type: FrameType.LISTEN,
      stream: 1,
      family: 4,
      flags: 1,
      backlog: 5,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 0 },
    },
    '15 00000001 0000000d  04 01 00000005  04 7f000001 0000',
  ],
  [
    'LISTEN on [::]:8080, dual-stack + SO_EXCLUSIVEADDRUSE, backlog SOMAXCONN (0x7fffffff)',
    {
      type: FrameType.LISTEN,
      stream: 2,
      family: 6,
      flags: 6,
      backlog: 0x7fffffff,
      local: { kind: 'ipv6', address: '::', port: 8080, scopeId: 0 },
    },
    '15 00000002 0000001d  06 06 7fffffff  06 00000000000000000000000000000000 1f90 00000000',
  ],
  [
    'LISTEN on [fe80::1%3]:0, backlog 0',
    {
      type: FrameType.LISTEN,
      stream: 0x7fffffff,
      family: 6,
      flags: 0,
      backlog: 0,
      local: { kind: 'ipv6', address: 'fe80::1', port: 0, scopeId: 3 },
    },
    '15 7fffffff 0000001d  06 00 00000000  06 fe800000000000000000000000000001 0000 00000003',
  ],
  [
    'BIND 127.0.0.1:8080 (a bound socket holds its address)',
    { type: FrameType.BIND, stream: 3, family: 4, flags: 0, local: { kind: 'ipv4', address: '127.0.0.1', port: 8080 } },
    '18 00000003 00000009  04 00  04 7f000001 1f90',
  ],
  [
    'BIND [::]:5000, dual-stack + SO_EXCLUSIVEADDRUSE',
    {
      type: FrameType.BIND,
      stream: 4,
      family: 6,
      flags: 6,
      local: { kind: 'ipv6', address: '::', port: 5000, scopeId: 0 },
    },
    '18 00000004 00000019  06 06  06 00000000000000000000000000000000 1388 00000000',
  ],
  [
    'LISTENING 127.0.0.1:49152',
    { type: FrameType.LISTENING, stream: 1, local: { kind: 'ipv4', address: '127.0.0.1', port: 49152 } },
    '16 00000001 00000007  04 7f000001 c000',
  ],
  [
    'LISTENING [::1]:443',
    { type: FrameType.LISTENING, stream: 2, local: { kind: 'ipv6', address: '::1', port: 443, scopeId: 0 } },
    '16 00000002 00000017  06 00000000000000000000000000000001 01bb 00000000',
  ],
  [
    'INCOMING 127.0.0.1:54321 → 127.0.0.1:8080 as the first relay stream id',
    {
      type: FrameType.INCOMING,
      stream: 1,
      newStream: 0x80000000,
      window: 65536,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 8080 },
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 54321 },
    },
    '17 00000001 00000016  80000000 00010000  04 7f000001 1f90  04 7f000001 d431',
  ],
  [
    'INCOMING over IPv6 (IPv4-mapped remote) as the last relay stream id, no send credit',
    {
      type: FrameType.INCOMING,
      stream: 0x7fffffff,
      newStream: 0xffffffff,
      window: 0,
      local: { kind: 'ipv6', address: '::1', port: 8080, scopeId: 0 },
      remote: { kind: 'ipv6', address: '::ffff:127.0.0.1', port: 1, scopeId: 0xffffffff },
    },
    '17 7fffffff 00000036  ffffffff 00000000' +
      '  06 00000000000000000000000000000001 1f90 00000000' +
      '  06 00000000000000000000ffff7f000001 0001 ffffffff',
  ],
];

describe('each frame type ↔ hand-written bytes', () => {
  it('covers every frame type', () => {
    expect(new Set(fixtures.map(([, f]) => f.type))).toEqual(new Set(Object.values(FrameType)));
    // The wire values themselves are frozen: a change here breaks every deployed peer.
    expect(FrameType).toEqual({
      HELLO: 0x01,
      WELCOME: 0x02,
      GOAWAY: 0x03,
      OPEN: 0x10,
      OPENED: 0x11,
      OPEN_FAILED: 0x12,
      DGRAM_OPEN: 0x13,
      DGRAM_OPENED: 0x14,
      DATA: 0x20,
      CREDIT: 0x21,
      FIN: 0x22,
      CLOSE: 0x23,
      SETOPT: 0x24,
      DATAGRAM: 0x25,
      PEER: 0x26,
      VERDICT: 0x27,
      RESOLVE: 0x30,
      RESOLVED: 0x31,
      LISTEN: 0x15,
      LISTENING: 0x16,
      INCOMING: 0x17,
      BIND: 0x18,
    });
  });

  it('freezes the capability bits, the LISTEN flags and the first relay stream id', () => {
    expect(Capability).toEqual({ TCP: 1, UDP: 2, RESOLVE: 4, INBOUND: 8, BIND: 16 });
    expect(ListenFlag).toEqual({ REUSEADDR: 1, EXCLUSIVEADDRUSE: 2, DUAL_STACK: 4 });
    expect(RELAY_STREAM_BASE).toBe(0x80000000);
  });

  it('matches the frame table of docs/protocol.md, type by type', () => {
    const md = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const rows = md.split('\n').filter((l) => /^\| 0x[0-9a-f]{2} \|/i.test(l));
    const doc = rows
      .map((l) => l.split('|').map((c) => c.trim()))
      .map(([, type, name]) => [name!, parseInt(type!, 16)]);
    expect(Object.fromEntries(doc)).toEqual({ ...FrameType });
    expect(doc).toHaveLength(Object.keys(FrameType).length);
  });

  it('matches the capability bits, LISTEN flags and relay stream ids that docs/protocol.md states', () => {
    const text = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
    const md = text.replace(/\s+/g, ' ');
    /** "bit0 TCP, bit1 UDP (…)" → { TCP: 1, UDP: 2 }: each named bit as its value. */
    const bits = (s: string, rename: Record<string, string> = {}) =>
      Object.fromEntries(
        [...s.matchAll(/bit(\d+) ([\w-]+)/g)].map(([, n, name]) => [rename[name!] ?? name!, 1 << Number(n)]),
      );
    // The Versioning section: "bit0 TCP, bit1 UDP (…), bit2 RESOLVE, bit3 INBOUND (LISTEN / LISTENING / INCOMING)".
    const caps = md.match(/announced by WELCOME capability bits: (.*?)\. /);
    expect(caps, 'capability sentence in docs/protocol.md').not.toBeNull();
    expect(bits(caps![1]!)).toEqual({ ...Capability });
    expect(caps![1]).toContain('bit3 INBOUND (LISTEN / LISTENING / INCOMING)');
    // [type, name, dir, body] of the frame-table row named `name`.
    const table = text
      .split('\n')
      .filter((l) => /^\| 0x[0-9a-f]{2} \|/i.test(l))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    const row = (name: string): string[] => {
      const found = table.find((c) => c[1] === name);
      if (!found) throw new Error(`no frame-table row for ${name}`);
      return found;
    };
    const listen = row('LISTEN');
    expect(listen.slice(0, 3)).toEqual(['0x15', 'LISTEN', 'page → relay']);
    expect(
      bits(listen[3]!, {
        SO_REUSEADDR: 'REUSEADDR',
        SO_EXCLUSIVEADDRUSE: 'EXCLUSIVEADDRUSE',
        'dual-stack': 'DUAL_STACK',
      }),
    ).toEqual({ ...ListenFlag });
    expect(listen[3]).toMatch(
      /^family:u8 \(4 or 6\), flags:u8 \(.*\), backlog:u32, local:endpoint \(IP; port 0 = ephemeral\)$/,
    );
    expect(row('BIND')).toEqual([
      '0x18',
      'BIND',
      'page → relay',
      'family:u8 (4 or 6), flags:u8 (the LISTEN flags), local:endpoint (IP)',
    ]);
    expect(row('LISTENING')).toEqual(['0x16', 'LISTENING', 'relay → page', 'local:endpoint']);
    const incoming = row('INCOMING');
    expect(incoming.slice(0, 3)).toEqual(['0x17', 'INCOMING', 'relay → page']);
    expect(incoming[3]).toBe(
      `newStream:u32 (≥ 0x${RELAY_STREAM_BASE.toString(16)}), window:u32, local:endpoint, remote:endpoint`,
    );
    expect(md).toContain(
      `Ids from 0x${RELAY_STREAM_BASE.toString(16)} are allocated by the relay for inbound connections (INCOMING).`,
    );
  });

  it.each(fixtures)('%s: encodes to exactly the documented bytes', (_label, frame, bytes) => {
    expect(toHex(encodeFrame(frame))).toBe(toHex(hex(bytes)));
    expect(toHex(encodeFrames([frame]))).toBe(toHex(hex(bytes)));
  });

  it.each(fixtures)('%s: decodes back to the same value', (_label, frame, bytes) => {
    expect(frames(decodeMessage(hex(bytes)))).toEqual([frame]);
  });

  it('names frame types for logs', () => {
    expect(frameName(0x20)).toBe('DATA');
    expect(frameName(0x01)).toBe('HELLO');
    expect(frameName(0x13)).toBe('DGRAM_OPEN');
    expect(frameName(0x31)).toBe('RESOLVED');
    expect(frameName(0x15)).toBe('LISTEN');
    expect(frameName(0x16)).toBe('LISTENING');
    expect(frameName(0x17)).toBe('INCOMING');
    expect(frameName(0x99)).toBe('0x99');
  });
});

describe('several frames in one message', () => {
  const hello = '01 00000000 00000004  0001 0000';
  const data = '20 00000007 00000003  616263';
  const fin = '22 00000007 00000000';
  const credit = '21 00000007 00000004  00001000';
  const message = hex(hello + data + fin + credit);
  const expected: Frame[] = [
    { type: FrameType.HELLO, version: 1, token: '' },
    { type: FrameType.DATA, stream: 7, data: hex('616263') },
    { type: FrameType.FIN, stream: 7 },
    { type: FrameType.CREDIT, stream: 7, bytes: 4096 },
  ];

  it('decodes them in order', () => {
    expect(frames(decodeMessage(message))).toEqual(expected);
  });

  it('encodeFrames writes them back to back', () => {
    expect(toHex(encodeFrames(expected))).toBe(toHex(message));
  });

  it('a message is whole frames only: an error in the last frame fails the whole message', () => {
    const bad = hex(`${hello + data}23 00000007 00000001  00`);
    expectError(decodeMessage(bad), 'BAD_BODY', 13 + 12);
  });

  it('encodeFrames of nothing is an empty message, which does not decode', () => {
    expect(encodeFrames([])).toHaveLength(0);
    expectError(decodeMessage(encodeFrames([])), 'TRUNCATED', 0);
  });

  it('grows past its size estimate for long strings', () => {
    const token = 'x'.repeat(1000);
    const out = encodeFrames([
      { type: FrameType.HELLO, version: 1, token },
      { type: FrameType.FIN, stream: 1 },
    ]);
    expect(out).toHaveLength(HEADER_BYTES + 4 + 1000 + HEADER_BYTES);
    expect(frames(decodeMessage(out))).toEqual([
      { type: FrameType.HELLO, version: 1, token },
      { type: FrameType.FIN, stream: 1 },
    ]);
  });
});

describe('a UDP exchange coalesced into one message', () => {
  const message = hex(
    '14 00000003 0000000b  00010000  04 7f000001 c000' +
      '27 00000003 00000006  00000001 0000' +
      '25 00000003 0000000a  04 7f000001 0035  616263' +
      '21 00000003 00000004  00000003' +
      '31 00000004 00000003  00 0000',
  );
  const expected: Frame[] = [
    {
      type: FrameType.DGRAM_OPENED,
      stream: 3,
      window: 65536,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 49152 },
    },
    { type: FrameType.VERDICT, stream: 3, seq: 1, reason: 0 },
    {
      type: FrameType.DATAGRAM,
      stream: 3,
      address: { kind: 'ipv4', address: '127.0.0.1', port: 53 },
      data: hex('616263'),
    },
    { type: FrameType.CREDIT, stream: 3, bytes: 3 },
    { type: FrameType.RESOLVED, stream: 4, canonName: '', addresses: [] },
  ];

  it('decodes in order and re-encodes to the same bytes', () => {
    expect(frames(decodeMessage(message))).toEqual(expected);
    expect(toHex(encodeFrames(expected))).toBe(toHex(message));
  });

  it('a DATAGRAM payload is a view of the input at its offset, after the address', () => {
    const [, , dgram] = frames(decodeMessage(message));
    if (dgram?.type !== FrameType.DATAGRAM) throw new Error('expected DATAGRAM');
    expect(dgram.data.buffer).toBe(message.buffer);
    expect(dgram.data.byteOffset).toBe(20 + 15 + 9 + 7);
  });

  it('an error in the RESOLVED at the end fails the whole message at its offset', () => {
    const bad = hex(`${toHex(message).slice(0, -3 * 2)}00 0001`); // same length, count 1, no address
    expectError(decodeMessage(bad), 'BAD_BODY', 20 + 15 + 19 + 13);
  });
});

describe('an inbound exchange coalesced into messages', () => {
  // Relay → page: the listener is bound, then two connections arrive on it.
  const relayToPage = hex(
    '16 00000001 00000007  04 7f000001 c000' +
      '17 00000001 00000016  80000000 00010000  04 7f000001 c000  04 7f000001 d431' +
      '17 00000001 00000016  80000001 00010000  04 7f000001 c000  04 7f000001 d432',
  );
  // Page → relay: accept the first (CREDIT = its receive window), reject the second, stop listening.
  const pageToRelay = hex(
    '21 80000000 00000004  00040000' + '23 80000001 00000002  0006' + '23 00000001 00000002  0000',
  );
  const local = { kind: 'ipv4', address: '127.0.0.1', port: 49152 } as const;
  const fromRelay: Frame[] = [
    { type: FrameType.LISTENING, stream: 1, local },
    {
      type: FrameType.INCOMING,
      stream: 1,
      newStream: 0x80000000,
      window: 65536,
      local,
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 54321 },
    },
    {
      type: FrameType.INCOMING,
      stream: 1,
      newStream: 0x80000001,
      window: 65536,
      local,
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 54322 },
    },
  ];
  const fromPage: Frame[] = [
    { type: FrameType.CREDIT, stream: 0x80000000, bytes: 262144 },
    { type: FrameType.CLOSE, stream: 0x80000001, reason: 6 },
    { type: FrameType.CLOSE, stream: 1, reason: 0 },
  ];

  it('decodes in order and re-encodes to the same bytes, both ways', () => {
    expect(frames(decodeMessage(relayToPage))).toEqual(fromRelay);
    expect(toHex(encodeFrames(fromRelay))).toBe(toHex(relayToPage));
    expect(frames(decodeMessage(pageToRelay))).toEqual(fromPage);
    expect(toHex(encodeFrames(fromPage))).toBe(toHex(pageToRelay));
  });

  it('an INCOMING with a page stream id at the end fails the whole message at its offset', () => {
    const bad = relayToPage.slice();
    bad[16 + 31 + 9] = 0x7f; // 0x80000001 → 0x7f000001
    expect(expectError(decodeMessage(bad), 'BAD_BODY', 16 + 31).message).toContain(
      `INCOMING: newStream ${0x7f000001} is below 0x80000000 (a page stream id)`,
    );
  });
});

describe('a message cut at every byte offset', () => {
  it.each(fixtures)('%s: every proper prefix is TRUNCATED', (_label, _frame, bytes) => {
    const whole = hex(bytes);
    for (let cut = 0; cut < whole.length; cut++) {
      expectError(decodeMessage(whole.subarray(0, cut)), 'TRUNCATED', 0);
    }
  });

  it('a multi-frame message cut inside its second frame is TRUNCATED at that frame', () => {
    const whole = hex('20 00000001 00000002 6869' + '24 00000001 00000006 0002 00000000');
    const first = 11;
    for (let cut = 0; cut < whole.length; cut++) {
      const r = decodeMessage(whole.subarray(0, cut));
      if (cut === first) {
        // A cut exactly at a frame boundary is a shorter, valid message.
        expect(frames(r)).toEqual([{ type: FrameType.DATA, stream: 1, data: hex('6869') }]);
      } else {
        expectError(r, 'TRUNCATED', cut < first ? 0 : first);
      }
      // The tail after the cut never throws either.
      const tail = decodeMessage(whole.subarray(cut));
      expect(tail.ok || tail.error instanceof ProtocolError).toBe(true);
    }
  });
});

describe('malformed messages are ProtocolError values', () => {
  it('empty message → TRUNCATED', () => {
    expectError(decodeMessage(new Uint8Array(0)), 'TRUNCATED', 0);
  });

  // Neighbours of the known types: 0x13..0x18 and 0x25..0x27 used to be unknown and no longer are.
  it.each(['00', '04', '19', '1f', '28', '2f', '32', 'ff'])('unknown type 0x%s → UNKNOWN_TYPE', (type) => {
    expectError(decodeMessage(hex(`${type} 00000001 00000000`)), 'UNKNOWN_TYPE', 0);
    expectError(decodeMessage(hex(`${type} 00000000 00000000`)), 'UNKNOWN_TYPE', 0);
  });

  it('every type byte outside FrameType is UNKNOWN_TYPE, and no type in it is', () => {
    const known = new Set<number>(Object.values(FrameType));
    for (let type = 0; type <= 0xff; type++) {
      const r = decodeMessage(Uint8Array.of(type, 0, 0, 0, 1, 0, 0, 0, 0));
      if (known.has(type)) expect(r.ok ? 'ok' : r.error.code, `type 0x${type.toString(16)}`).not.toBe('UNKNOWN_TYPE');
      else expectError(r, 'UNKNOWN_TYPE', 0);
    }
  });

  it('unknown type after a valid frame reports its offset', () => {
    const e = expectError(decodeMessage(hex('22 00000001 00000000' + '7f 00000001 00000000')), 'UNKNOWN_TYPE', 9);
    expect(e.message).toContain('0x7f');
    expect(e.toString()).toBe(`ProtocolError UNKNOWN_TYPE at byte 9: ${e.message}`);
  });

  it('length past the end → TRUNCATED', () => {
    expectError(decodeMessage(hex('20 00000001 00000005  6869')), 'TRUNCATED', 0);
    expectError(decodeMessage(hex('22 00000001 00000001')), 'TRUNCATED', 0);
  });

  it('length above maxBody → TOO_LARGE, checked before the bytes arrive', () => {
    const five = hex('20 00000001 00000005  0102030405');
    expectError(decodeMessage(five, { maxBody: 4 }), 'TOO_LARGE', 0);
    expect(frames(decodeMessage(five, { maxBody: 5 }))).toHaveLength(1);
    // A header alone that declares a huge body is TOO_LARGE, not TRUNCATED.
    expectError(decodeMessage(hex('20 00000001 ffffffff')), 'TOO_LARGE', 0);
    expectError(decodeMessage(hex('20 00000001 01000001')), 'TOO_LARGE', 0);
    expect(MAX_BODY_LIMIT).toBe(0x01000000);
    expectError(decodeMessage(hex('20 00000001 01000000')), 'TRUNCATED', 0); // at the limit: allowed, just short
    // maxBody 0 still allows empty frames.
    expect(frames(decodeMessage(hex('22 00000001 00000000'), { maxBody: 0 }))).toHaveLength(1);
  });

  it.each([
    ['FIN with a body', '22 00000001 00000001  00'],
    ['CLOSE with a byte too many', '23 00000001 00000003  0006 00'],
    ['CREDIT with a byte too many', '21 00000001 00000005  00000001 00'],
    ['OPEN_FAILED with a byte too many', '12 00000001 00000003  0001 00'],
    ['SETOPT with a byte too many', '24 00000001 00000007  0001 00000001 00'],
    ['HELLO with a byte after the token', '01 00000000 00000006  0001 0001 61 62'],
    ['WELCOME with a byte too many', '02 00000000 0000000f  0001 00010000 00000100 00000001 00'],
    ['GOAWAY with a byte after the message', '03 00000000 00000005  0000 0000 00'],
    ['OPEN with bytes after the local address', '10 00000001 0000000f  01 00 00000000  04 7f000001 0050  00 00'],
    ['OPENED with a byte after the remote', '11 00000001 00000013  00000000  04 7f000001 0050  04 7f000001 0051 00'],
    ['DGRAM_OPEN with a byte after "none"', '13 00000001 00000008  04 00 00010000  00 00'],
    ['DGRAM_OPEN with a byte after the local address', '13 00000001 0000000e  04 00 00010000  04 7f000001 0000 00'],
    ['DGRAM_OPENED with a byte after the local address', '14 00000001 0000000c  00010000  04 7f000001 c000 00'],
    ['PEER with a byte after the address', '26 00000001 0000000d  00000001 00  04 7f000001 0009 00'],
    ['PEER with a byte after "none"', '26 00000001 00000007  00000001 01  00 00'],
    ['VERDICT with a byte too many', '27 00000001 00000007  00000001 0000 00'],
    ['RESOLVE with a byte after the name', '30 00000001 00000005  00 00 01 61 62'],
    ['RESOLVED with a byte after the last address', '31 00000001 0000000b  00 0001  04 7f000001 0000 00'],
    ['RESOLVED count 0 followed by an address (7 bytes)', '31 00000001 0000000a  00 0000  04 7f000001 0000'],
    ['LISTEN with a byte after the local address', '15 00000001 0000000e  04 00 00000005  04 7f000001 0000 00'],
    [
      'LISTEN with a byte after an IPv6 local address',
      '15 00000001 0000001e  06 00 00000005  06 00000000000000000000000000000001 0000 00000000 00',
    ],
    ['LISTENING with a byte after the local address', '16 00000001 00000008  04 7f000001 c000 00'],
    ['LISTENING with a second address', '16 00000001 0000000e  04 7f000001 c000  04 7f000001 c000'],
    [
      'INCOMING with a byte after the remote',
      '17 00000001 00000017  80000000 00010000  04 7f000001 1f90  04 7f000001 d431 00',
    ],
  ])('trailing bytes in a body (%s) → BAD_BODY', (_label, bytes) => {
    expect(expectError(decodeMessage(oneFrame(bytes)), 'BAD_BODY', 0).message).toMatch(
      /\d+ unexpected trailing bytes$/,
    );
  });

  it.each([
    ['HELLO without its token length', '01 00000000 00000002  0001'],
    ['HELLO whose token length runs past the body', '01 00000000 00000005  0001 0002 61'],
    ['WELCOME cut short', '02 00000000 00000008  0001 00010000 0000'],
    ['GOAWAY without a message length', '03 00000000 00000002  000c'],
    ['OPEN without its window', '10 00000001 00000004  01 00 0000'],
    ['OPEN without a local address byte', '10 00000001 0000000d  01 00 00000000  04 7f000001 0050'],
    ['OPEN with a cut IPv4 address', '10 00000001 00000009  01 00 00000000  04 7f00'],
    [
      'OPEN with an IPv6 address missing its scope',
      '10 00000001 00000019  01 00 00000000  06 00000000000000000000000000000001 0050',
    ],
    ['OPEN with a host name length past the body', '10 00000001 0000000c  01 00 00000000  4e 05 6162 0050'],
    ['OPENED cut after the window', '11 00000001 00000004  00000000'],
    ['OPEN_FAILED empty', '12 00000001 00000000'],
    ['CREDIT of 3 bytes', '21 00000001 00000003  000001'],
    ['CLOSE empty', '23 00000001 00000000'],
    ['SETOPT without value', '24 00000001 00000002  0001'],
    ['DGRAM_OPEN empty', '13 00000001 00000000'],
    ['DGRAM_OPEN without its window', '13 00000001 00000004  04 00 0000'],
    ['DGRAM_OPEN without a local address byte', '13 00000001 00000006  04 00 00010000'],
    ['DGRAM_OPEN with a cut IPv4 local', '13 00000001 0000000b  04 00 00010000  04 7f000001'],
    [
      'DGRAM_OPEN with an IPv6 local missing its scope',
      '13 00000001 00000019  06 00 00010000  06 00000000000000000000000000000000 0000',
    ],
    ['DGRAM_OPENED cut after the window', '14 00000001 00000004  00010000'],
    ['DGRAM_OPENED with a cut IPv4 local', '14 00000001 00000008  00010000  04 7f00 00'],
    ['DGRAM_OPENED without a whole window', '14 00000001 00000003  000100'],
    ['DATAGRAM empty (no address byte)', '25 00000001 00000000'],
    ['DATAGRAM with a cut IPv4 address', '25 00000001 00000005  04 7f000001'],
    ['DATAGRAM with a cut IPv6 address', '25 00000001 00000013  06 00000000000000000000000000000001 0035'],
    ['PEER without its mode', '26 00000001 00000004  00000001'],
    ['PEER without an address byte', '26 00000001 00000005  00000001 00'],
    ['PEER with a cut IPv4 address', '26 00000001 0000000b  00000001 00  04 7f000001 00'],
    ['VERDICT without its reason', '27 00000001 00000004  00000001'],
    ['VERDICT with half a reason', '27 00000001 00000005  00000001 00'],
    ['RESOLVE without its name length', '30 00000001 00000002  00 00'],
    ['RESOLVE whose name length runs past the body', '30 00000001 00000005  00 00 03 6162'],
    ['RESOLVED empty', '31 00000001 00000000'],
    ['RESOLVED whose canonical name runs past the body', '31 00000001 00000003  05 6162'],
    ['RESOLVED without its count', '31 00000001 00000001  00'],
    ['RESOLVED with half a count', '31 00000001 00000002  00 00'],
    ['RESOLVED count 1 with no address', '31 00000001 00000003  00 0001'],
    ['RESOLVED count 2 with one address', '31 00000001 0000000a  00 0002  04 7f000001 0000'],
    ['RESOLVED count 65535 with one address', '31 00000001 0000000a  00 ffff  04 7f000001 0000'],
    [
      'RESOLVED count 3, the last address cut',
      '31 00000001 00000014  00 0003  04 7f000001 0000  04 7f000002 0000  04 7f00',
    ],
    ['LISTEN empty', '15 00000001 00000000'],
    ['LISTEN without its flags', '15 00000001 00000001  04'],
    ['LISTEN without its backlog', '15 00000001 00000002  04 00'],
    ['LISTEN with half a backlog', '15 00000001 00000004  04 00 0000'],
    ['LISTEN without a local address byte', '15 00000001 00000006  04 00 00000005'],
    ['LISTEN with a cut IPv4 local', '15 00000001 0000000b  04 00 00000005  04 7f000001'],
    ['LISTEN with an IPv4 local missing a port byte', '15 00000001 0000000c  04 00 00000005  04 7f000001 00'],
    [
      'LISTEN with an IPv6 local missing its scope',
      '15 00000001 00000019  06 00 00000005  06 00000000000000000000000000000000 0000',
    ],
    ['LISTENING empty', '16 00000001 00000000'],
    ['LISTENING with only the address kind', '16 00000001 00000001  04'],
    ['LISTENING with a cut IPv4 local', '16 00000001 00000005  04 7f000001'],
    [
      'LISTENING with an IPv6 local missing half its scope',
      '16 00000001 00000015  06 00000000000000000000000000000001 01bb 0000',
    ],
    ['INCOMING empty', '17 00000001 00000000'],
    ['INCOMING with half a newStream', '17 00000001 00000002  8000'],
    ['INCOMING without its window', '17 00000001 00000004  80000000'],
    ['INCOMING cut after the window', '17 00000001 00000008  80000000 00010000'],
    ['INCOMING without a remote', '17 00000001 0000000f  80000000 00010000  04 7f000001 1f90'],
    ['INCOMING with a cut IPv4 remote', '17 00000001 00000013  80000000 00010000  04 7f000001 1f90  04 7f00 00'],
    [
      'INCOMING with an IPv6 remote missing its scope',
      '17 00000001 00000022  80000000 00010000  04 7f000001 1f90  06 00000000000000000000000000000001 d431',
    ],
  ])('short body (%s) → BAD_BODY', (_label, bytes) => {
    expect(expectError(decodeMessage(oneFrame(bytes)), 'BAD_BODY', 0).message).toMatch(/body too short/);
  });

  it.each([
    ['DATA', '20 00000000 00000000'],
    ['OPEN', '10 00000000 0000000e  01 00 00010000 04 7f000001 0050 00'],
    ['OPENED', '11 00000000 00000012  00000000 04 7f000001 0050 04 7f000001 0051'],
    ['OPEN_FAILED', '12 00000000 00000002  0001'],
    ['CREDIT', '21 00000000 00000004  00000001'],
    ['FIN', '22 00000000 00000000'],
    ['CLOSE', '23 00000000 00000002  0000'],
    ['SETOPT', '24 00000000 00000006  0001 00000001'],
    ['DGRAM_OPEN', '13 00000000 00000007  04 00 00010000 00'],
    ['DGRAM_OPENED', '14 00000000 0000000b  00010000 04 7f000001 c000'],
    ['DATAGRAM', '25 00000000 00000001  00'],
    ['PEER', '26 00000000 00000006  00000001 00 00'],
    ['VERDICT', '27 00000000 00000006  00000001 0000'],
    ['RESOLVE', '30 00000000 00000003  00 00 00'],
    ['RESOLVED', '31 00000000 00000003  00 0000'],
    ['LISTEN', '15 00000000 0000000d  04 00 00000005  04 7f000001 0000'],
    ['LISTENING', '16 00000000 00000007  04 7f000001 c000'],
    ['INCOMING', '17 00000000 00000016  80000000 00010000  04 7f000001 1f90  04 7f000001 d431'],
  ])('stream id 0 on %s → BAD_STREAM', (_label, bytes) => {
    const b = oneFrame(bytes);
    expectError(decodeMessage(b), 'BAD_STREAM', 0);
    // The same bytes on stream 1 are a valid frame: only the stream id is wrong.
    b[4] = 1;
    expect(frames(decodeMessage(b))).toHaveLength(1);
  });

  it.each([
    ['HELLO', '01 00000001 00000004  0001 0000'],
    ['WELCOME', '02 80000000 0000000e  0001 00010000 00000100 00000001'],
    ['GOAWAY', '03 ffffffff 00000004  0011 0000'],
  ])('a stream id on %s → BAD_STREAM', (_label, bytes) => {
    expectError(decodeMessage(hex(bytes)), 'BAD_STREAM', 0);
  });

  it.each([
    ['a lone continuation byte', '80'],
    ['0xff', 'ff'],
    ['an overlong NUL', 'c080'],
    ['an overlong "/"', 'e080af'],
    ['a UTF-16 surrogate', 'eda080'],
    ['a code point above U+10FFFF', 'f4908080'],
    ['a sequence cut short', 'e282'],
  ])('invalid UTF-8 (%s) in a HELLO token → BAD_BODY', (_label, bad) => {
    const len = bad.length / 2;
    const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
    expectError(decodeMessage(hex(`01 00000000 ${h(4 + len, 8)} 0001 ${h(len, 4)} ${bad}`)), 'BAD_BODY', 0);
  });

  it('invalid UTF-8 in a GOAWAY message → BAD_BODY', () => {
    expectError(decodeMessage(hex('03 00000000 00000005  000c 0001 ff')), 'BAD_BODY', 0);
  });

  it('invalid UTF-8 in a host name → BAD_BODY', () => {
    expectError(decodeMessage(hex('10 00000001 0000000d  01 00 00000000  4e 02 c328 0050  00')), 'BAD_BODY', 0);
  });

  it('invalid UTF-8 in a RESOLVE name or a RESOLVED canonical name → BAD_BODY', () => {
    expectError(decodeMessage(hex('30 00000001 00000005  00 00 02 c328')), 'BAD_BODY', 0);
    expectError(decodeMessage(hex('30 00000001 00000004  00 00 01 80')), 'BAD_BODY', 0);
    expectError(decodeMessage(hex('31 00000001 00000005  02 eda0 0000')), 'BAD_BODY', 0);
  });

  // Everything but the family byte is a valid body, so the family alone decides.
  it('DGRAM_OPEN accepts family 4 and 6 only; any other byte → BAD_BODY', () => {
    for (let family = 0; family <= 0xff; family++) {
      const r = decodeMessage(hex(`13 00000001 00000007  ${family.toString(16).padStart(2, '0')} 00 00010000  00`));
      if (family === 4 || family === 6)
        expect(frames(r)).toEqual([
          { type: FrameType.DGRAM_OPEN, stream: 1, family, flags: 0, window: 65536, local: null },
        ]);
      else expect(expectError(r, 'BAD_BODY', 0).message).toContain(`family ${family}`);
    }
  });

  it('RESOLVE accepts family 0, 4 and 6 only; any other byte → BAD_BODY', () => {
    for (let family = 0; family <= 0xff; family++) {
      const r = decodeMessage(hex(`30 00000001 00000004  ${family.toString(16).padStart(2, '0')} 00 01 61`));
      if (family === 0 || family === 4 || family === 6)
        expect(frames(r)).toEqual([{ type: FrameType.RESOLVE, stream: 1, family, flags: 0, host: 'a' }]);
      else expect(expectError(r, 'BAD_BODY', 0).message).toContain(`family ${family}`);
    }
  });

  it('LISTEN accepts family 4 and 6 only; any other byte → BAD_BODY', () => {
    for (let family = 0; family <= 0xff; family++) {
      const r = decodeMessage(
        oneFrame(`15 00000001 0000000d  ${family.toString(16).padStart(2, '0')} 00 00000005  04 7f000001 0000`),
      );
      if (family === 4 || family === 6) {
        expect(frames(r)).toEqual([
          {
            type: FrameType.LISTEN,
            stream: 1,
            family,
            flags: 0,
            backlog: 5,
            local: { kind: 'ipv4', address: '127.0.0.1', port: 0 },
          },
        ]);
      } else {
        expect(expectError(r, 'BAD_BODY', 0).message).toBe(`LISTEN: family ${family} is neither 4 nor 6`);
      }
    }
  });

  // Everything but newStream is a valid body, so newStream alone decides.
  it.each([
    ['00000000', false],
    ['00000001', false],
    ['7f000001', false],
    ['7fffffff', false],
    ['80000000', true],
    ['80000001', true],
    ['fffffffe', true],
    ['ffffffff', true],
  ])('INCOMING newStream 0x%s: a relay stream id? %s', (ns, ok) => {
    const newStream = parseInt(ns, 16);
    const r = decodeMessage(oneFrame(`17 00000001 00000016  ${ns} 00010000  04 7f000001 1f90  04 7f000001 d431`));
    if (ok) {
      expect(frames(r)).toEqual([
        {
          type: FrameType.INCOMING,
          stream: 1,
          newStream,
          window: 65536,
          local: { kind: 'ipv4', address: '127.0.0.1', port: 8080 },
          remote: { kind: 'ipv4', address: '127.0.0.1', port: 54321 },
        },
      ]);
    } else {
      expect(expectError(r, 'BAD_BODY', 0).message).toBe(
        `INCOMING: newStream ${newStream} is below 0x80000000 (a page stream id)`,
      );
    }
  });

  it('INCOMING newStream below 0x80000000 is BAD_BODY whatever else is wrong after it', () => {
    // The stream id is read before the addresses: "none" as local still reports the stream id.
    expectError(decodeMessage(oneFrame('17 00000001 00000009  00000001 00010000  00')), 'BAD_BODY', 0);
    expectError(decodeMessage(oneFrame('17 00000001 00000008  7fffffff 00010000')), 'BAD_BODY', 0);
  });

  it('a bad family after a valid frame reports the offset of its frame', () => {
    expectError(decodeMessage(hex('22 00000001 00000000' + '13 00000002 00000007  05 00 00010000  00')), 'BAD_BODY', 9);
    expectError(decodeMessage(hex('22 00000001 00000000' + '30 00000002 00000003  01 00 00')), 'BAD_BODY', 9);
    expectError(
      decodeMessage(hex('22 00000001 00000000' + '15 00000002 0000000d  00 00 00000005  04 7f000001 0000')),
      'BAD_BODY',
      9,
    );
  });

  it('keeps a leading U+FEFF in a string (TextDecoder must not eat a BOM)', () => {
    const f: Frame = { type: FrameType.HELLO, version: 1, token: '\ufeffabc' };
    expect(toHex(encodeFrame(f))).toBe(toHex(hex('01 00000000 0000000a  0001 0006 efbbbf 616263')));
    expect(frames(decodeMessage(encodeFrame(f)))).toEqual([f]);
  });

  it.each([
    ['an unknown address kind as OPEN remote', '10 00000001 0000000c  01 00 00000000  05 7f000001 00'],
    ['kind 0x41 ("A") as OPEN remote', '10 00000001 00000008  01 00 00000000  41 00'],
    ['"none" as OPEN remote', '10 00000001 00000008  01 00 00000000  00 00'],
    ['an unknown address kind as OPEN local', '10 00000001 0000000e  01 00 00000000  04 7f000001 0050  07'],
    [
      'a host name as OPEN local',
      `10 00000001 0000001a  01 00 00000000  04 7f000001 0050  4e 09 ${ascii('localhost')} 0000`,
    ],
    [
      'a host name as OPENED remote',
      `11 00000001 00000018  00000000  04 7f000001 0050  4e 09 ${ascii('localhost')} 0050`,
    ],
    [
      'a host name as OPENED local',
      `11 00000001 00000018  00000000  4e 09 ${ascii('localhost')} 0050  04 7f000001 0050`,
    ],
    ['"none" as OPENED local', '11 00000001 0000000c  00000000  00  04 7f000001 0050'],
    ['"none" as OPENED remote', '11 00000001 0000000c  00000000  04 7f000001 0050  00'],
    ['a host name as DGRAM_OPEN local', `13 00000001 00000013  04 00 00010000  4e 09 ${ascii('localhost')} 0000`],
    ['an unknown address kind as DGRAM_OPEN local', '13 00000001 00000007  04 00 00010000  05'],
    ['"none" as DGRAM_OPENED local', '14 00000001 00000005  00010000  00'],
    ['a host name as DGRAM_OPENED local', `14 00000001 00000011  00010000  4e 09 ${ascii('localhost')} 0035`],
    // A 'peer' slot is IP or none: a page must resolve names (RESOLVE) before it sends to them.
    ['a host name as DATAGRAM address', `25 00000001 0000000f  4e 09 ${ascii('localhost')} 0035  6869`],
    ['a host name as DATAGRAM address, cut short', '25 00000001 00000001  4e'],
    ['an unknown address kind as DATAGRAM address', '25 00000001 00000003  05 6869'],
    ['kind 0x4f as DATAGRAM address', '25 00000001 00000001  4f'],
    ['a host name as PEER CHECK address', `26 00000001 00000012  00000001 00  4e 09 ${ascii('localhost')} 0009`],
    ['a host name as PEER CONNECT address', `26 00000001 00000012  00000001 01  4e 09 ${ascii('localhost')} 0009`],
    ['an unknown address kind as PEER address', '26 00000001 00000006  00000001 00  ff'],
    ['"none" as the only RESOLVED address', '31 00000001 00000004  00 0001  00'],
    ['"none" as the second RESOLVED address', '31 00000001 0000000b  00 0002  04 7f000001 0000  00'],
    ['a host name as a RESOLVED address', `31 00000001 00000010  00 0001  4e 09 ${ascii('localhost')} 0000`],
    ['an unknown address kind as a RESOLVED address', '31 00000001 00000004  00 0001  41'],
    // LISTEN, LISTENING and INCOMING carry socket addresses: IP only, never none or a name.
    ['"none" as LISTEN local (the wildcard is 0.0.0.0 or ::)', '15 00000001 00000007  04 00 00000005  00'],
    ['a host name as LISTEN local', `15 00000001 00000013  04 00 00000005  4e 09 ${ascii('localhost')} 0000`],
    ['an unknown address kind as LISTEN local', '15 00000001 0000000d  04 00 00000005  05 7f000001 0000'],
    ['"none" as LISTENING local', '16 00000001 00000001  00'],
    ['a host name as LISTENING local', `16 00000001 0000000d  4e 09 ${ascii('localhost')} c000`],
    ['an unknown address kind as LISTENING local', '16 00000001 00000001  4f'],
    ['"none" as INCOMING local', '17 00000001 00000010  80000000 00010000  00  04 7f000001 d431'],
    ['"none" as INCOMING remote', '17 00000001 00000010  80000000 00010000  04 7f000001 1f90  00'],
    [
      'a host name as INCOMING local',
      `17 00000001 0000001c  80000000 00010000  4e 09 ${ascii('localhost')} 1f90  04 7f000001 d431`,
    ],
    [
      'a host name as INCOMING remote',
      `17 00000001 0000001c  80000000 00010000  04 7f000001 1f90  4e 09 ${ascii('localhost')} d431`,
    ],
    ['an unknown address kind as INCOMING remote', '17 00000001 00000010  80000000 00010000  04 7f000001 1f90  41'],
  ])('%s → BAD_ADDRESS', (_label, bytes) => {
    expectError(decodeMessage(oneFrame(bytes)), 'BAD_ADDRESS', 0);
  });

  it("an error in a later frame reports that frame's offset", () => {
    const r = decodeMessage(hex('22 00000001 00000000' + '22 00000002 00000000' + '20 00000000 00000000'));
    expectError(r, 'BAD_STREAM', 18);
  });

  it('ProtocolError is a value with a name, not something thrown', () => {
    const e = expectError(decodeMessage(hex('ff')), 'TRUNCATED', 0);
    expect(e.name).toBe('ProtocolError');
    expect(e.message).toMatch(/header/);
  });
});

describe('decodeMessageWith: a page decodes only the frames of the streams it opened', () => {
  const relaySent = [
    FrameType.WELCOME,
    FrameType.GOAWAY,
    FrameType.OPENED,
    FrameType.OPEN_FAILED,
    FrameType.DATA,
    FrameType.CREDIT,
    FrameType.FIN,
    FrameType.CLOSE,
    FrameType.DGRAM_OPENED,
    FrameType.DATAGRAM,
    FrameType.VERDICT,
    FrameType.LISTENING,
    FrameType.INCOMING,
    FrameType.RESOLVED,
  ];
  const tables = { streamFrameDecoders, datagramFrameDecoders, listenerFrameDecoders, resolveFrameDecoders };

  it('the four tables split the frames a relay sends, each type in exactly one', () => {
    const owners = relaySent.map((type) =>
      Object.entries(tables)
        .filter(([, table]) => type in table)
        .map(([name]) => name),
    );
    expect(owners).toEqual([
      ...Array(8).fill(['streamFrameDecoders']),
      ...Array(3).fill(['datagramFrameDecoders']),
      ...Array(2).fill(['listenerFrameDecoders']),
      ['resolveFrameDecoders'],
    ]);
  });

  it('a DATAGRAM is UNKNOWN_TYPE with the stream table alone, and decodes once the datagram table is added', () => {
    const datagram = encodeFrame({ type: FrameType.DATAGRAM, stream: 3, address: null, data: Uint8Array.of(7) });
    const credit = hex('21 00000003 00000004 00000010');
    const both = new Uint8Array([...credit, ...datagram]);
    expectError(decodeMessageWith(streamFrameDecoders, both), 'UNKNOWN_TYPE', credit.length);
    expect(frames(decodeMessageWith({ ...streamFrameDecoders, ...datagramFrameDecoders }, both))).toEqual([
      { type: FrameType.CREDIT, stream: 3, bytes: 16 },
      { type: FrameType.DATAGRAM, stream: 3, address: null, data: Uint8Array.of(7) },
    ]);
  });

  it('a frame only a page sends is UNKNOWN_TYPE in every table', () => {
    const hello = encodeFrame({ type: FrameType.HELLO, version: 1, token: '' });
    const all = Object.assign({}, ...Object.values(tables));
    expectError(decodeMessageWith(all, hello), 'UNKNOWN_TYPE', 0);
  });
});

describe('DATA payload is a view of the input, not a copy', () => {
  it('shares the input buffer at the payload offset', () => {
    const message = hex('22 00000001 00000000' + '20 00000001 00000004  01020304');
    const [, data] = frames(decodeMessage(message));
    if (data?.type !== FrameType.DATA) throw new Error('expected DATA');
    expect(data.data.buffer).toBe(message.buffer);
    expect(data.data.byteOffset).toBe(9 + 9);
    expect(data.data.byteLength).toBe(4);
    message[9 + 9] = 0xaa;
    expect(data.data[0]).toBe(0xaa);
  });

  it('decodes from a view that does not start at byte 0 of its buffer (e.g. a pooled Buffer)', () => {
    const backing = new Uint8Array(64).fill(0xee);
    backing.set(hex('21 00000003 00000004  00000010' + '20 00000003 00000002  abcd'), 13);
    const view = backing.subarray(13, 13 + 13 + 11);
    expect(frames(decodeMessage(view))).toEqual([
      { type: FrameType.CREDIT, stream: 3, bytes: 16 },
      { type: FrameType.DATA, stream: 3, data: hex('abcd') },
    ]);
    const [, data] = frames(decodeMessage(view));
    expect((data as { data: Uint8Array }).data.byteOffset).toBe(13 + 13 + 9);
    // And it never reads past the view into the rest of the buffer.
    expectError(decodeMessage(backing.subarray(13, 13 + 13 + 10)), 'TRUNCATED', 13);
  });

  it('accepts a Node Buffer', () => {
    const buf = Buffer.from(hex('20 00000002 00000001  7a'));
    const [f] = frames(decodeMessage(buf));
    expect(f).toMatchObject({ type: FrameType.DATA, stream: 2 });
    expect((f as { data: Uint8Array }).data.buffer).toBe(buf.buffer);
  });
});

describe('encodeData (the DATA fast path)', () => {
  it('writes the documented bytes', () => {
    expect(toHex(encodeData(1, hex('6869')))).toBe(toHex(hex('20 00000001 00000002  6869')));
    expect(toHex(encodeData(0xffffffff, new Uint8Array(0)))).toBe(toHex(hex('20 ffffffff 00000000')));
  });

  it('returns a fresh, exactly-sized buffer holding a copy of the payload', () => {
    const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
    const out = encodeData(7, payload.subarray(10, 510));
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(HEADER_BYTES + 500);
    expect(out.subarray(HEADER_BYTES)).toEqual(payload.subarray(10, 510));
    payload[10] = 0xff; // the caller may reuse its buffer at once
    expect(out[HEADER_BYTES]).toBe(10);
  });

  it('equals encodeFrame for a DATA frame', () => {
    const data = new Uint8Array([1, 2, 3, 250]);
    expect(encodeData(42, data)).toEqual(encodeFrame({ type: FrameType.DATA, stream: 42, data }));
  });

  it.each([0, -1, 2 ** 32, 1.5, NaN])('rejects stream id %s with RangeError', (stream) => {
    expect(() => encodeData(stream, new Uint8Array(1))).toThrow(RangeError);
  });
});

describe('the encoder rejects values outside their field with RangeError', () => {
  const v4 = { kind: 'ipv4', address: '127.0.0.1', port: 80 } as const;
  const open = { type: FrameType.OPEN, stream: 1, transport: 1, flags: 0, window: 0, remote: v4, local: null } as const;
  const dgramOpen = { type: FrameType.DGRAM_OPEN, stream: 1, family: 4, flags: 0, window: 0, local: null } as const;
  const datagram = { type: FrameType.DATAGRAM, stream: 1, address: v4, data: new Uint8Array(1) } as const;
  const peer = { type: FrameType.PEER, stream: 1, seq: 1, mode: 0, address: v4 } as const;
  const resolve = { type: FrameType.RESOLVE, stream: 1, family: 0, flags: 0, host: 'localhost' } as const;
  const resolved = { type: FrameType.RESOLVED, stream: 1, canonName: '', addresses: [v4] } as const;
  const listen = { type: FrameType.LISTEN, stream: 1, family: 4, flags: 0, backlog: 5, local: v4 } as const;
  const listening = { type: FrameType.LISTENING, stream: 1, local: v4 } as const;
  const incoming = {
    type: FrameType.INCOMING,
    stream: 1,
    newStream: 0x80000000,
    window: 65536,
    local: v4,
    remote: v4,
  } as const;
  const bad: Array<[string, unknown]> = [
    ['HELLO version 65536', { type: FrameType.HELLO, version: 65536, token: '' }],
    ['HELLO version -1', { type: FrameType.HELLO, version: -1, token: '' }],
    ['HELLO version 1.5', { type: FrameType.HELLO, version: 1.5, token: '' }],
    ['HELLO version NaN', { type: FrameType.HELLO, version: NaN, token: '' }],
    ['HELLO token of 65536 UTF-8 bytes', { type: FrameType.HELLO, version: 1, token: 'é'.repeat(32768) }],
    [
      'WELCOME maxFrameBody 2^32',
      { type: FrameType.WELCOME, version: 1, maxFrameBody: 2 ** 32, maxStreams: 1, capabilities: 0 },
    ],
    [
      'WELCOME maxStreams Infinity',
      { type: FrameType.WELCOME, version: 1, maxFrameBody: 1, maxStreams: Infinity, capabilities: 0 },
    ],
    ['GOAWAY reason 65536', { type: FrameType.GOAWAY, reason: 65536, message: '' }],
    ['OPEN transport 256', { ...open, transport: 256 }],
    ['OPEN flags -1', { ...open, flags: -1 }],
    ['OPEN window 2^32', { ...open, window: 2 ** 32 }],
    ['OPEN stream 2^32', { ...open, stream: 2 ** 32 }],
    ['OPEN stream -1', { ...open, stream: -1 }],
    ['OPEN stream 0', { ...open, stream: 0 }],
    ['OPEN port 65536', { ...open, remote: { ...v4, port: 65536 } }],
    ['OPEN port -1', { ...open, remote: { ...v4, port: -1 } }],
    ['OPEN bad IPv4 text', { ...open, remote: { ...v4, address: '127.0.0.256' } }],
    ['OPEN IPv6 text with a zone', { ...open, remote: { kind: 'ipv6', address: 'fe80::1%eth0', port: 1, scopeId: 0 } }],
    ['OPEN IPv6 scopeId 2^32', { ...open, remote: { kind: 'ipv6', address: '::1', port: 1, scopeId: 2 ** 32 } }],
    ['OPEN IPv6 address in an ipv4 endpoint', { ...open, remote: { ...v4, address: '::1' } }],
    ['OPEN host name of 256 UTF-8 bytes', { ...open, remote: { kind: 'name', host: 'é'.repeat(128), port: 1 } }],
    ['OPEN unknown endpoint kind', { ...open, remote: { kind: 'unix', path: '/tmp/x', port: 1 } }],
    ['OPEN remote none', { ...open, remote: null }],
    ['OPEN host name as local', { ...open, local: { kind: 'name', host: 'localhost', port: 0 } }],
    [
      'OPENED host name as remote',
      { type: FrameType.OPENED, stream: 1, window: 0, local: v4, remote: { kind: 'name', host: 'a', port: 1 } },
    ],
    ['OPENED none as local', { type: FrameType.OPENED, stream: 1, window: 0, local: null, remote: v4 }],
    ['OPEN_FAILED reason 65536', { type: FrameType.OPEN_FAILED, stream: 1, reason: 65536 }],
    ['DATA stream 0', { type: FrameType.DATA, stream: 0, data: new Uint8Array(1) }],
    ['DATA without a stream', { type: FrameType.DATA, data: new Uint8Array(1) }],
    ['DATA without a payload', { type: FrameType.DATA, stream: 1 }],
    ['DATA with a string payload', { type: FrameType.DATA, stream: 1, data: 'abc' }],
    ['DATA with an ArrayBuffer payload', { type: FrameType.DATA, stream: 1, data: new ArrayBuffer(2) }],
    ['DATA with a Uint16Array payload', { type: FrameType.DATA, stream: 1, data: new Uint16Array(2) }],
    ['HELLO without a token', { type: FrameType.HELLO, version: 1 }],
    ['GOAWAY with a number as message', { type: FrameType.GOAWAY, reason: 0, message: 42 }],
    ['OPEN with a non-string host name', { ...open, remote: { kind: 'name', host: null, port: 1 } }],
    ['CREDIT bytes 2^32', { type: FrameType.CREDIT, stream: 1, bytes: 2 ** 32 }],
    ['CREDIT bytes -1', { type: FrameType.CREDIT, stream: 1, bytes: -1 }],
    ['FIN stream "1"', { type: FrameType.FIN, stream: '1' }],
    ['CLOSE reason -1', { type: FrameType.CLOSE, stream: 1, reason: -1 }],
    ['SETOPT option 65536', { type: FrameType.SETOPT, stream: 1, option: 65536, value: 0 }],
    ['SETOPT value 2^32', { type: FrameType.SETOPT, stream: 1, option: 1, value: 2 ** 32 }],
    ['DGRAM_OPEN family 0 (only RESOLVE means "any" by 0)', { ...dgramOpen, family: 0 }],
    ['DGRAM_OPEN family 5', { ...dgramOpen, family: 5 }],
    ['DGRAM_OPEN family 260 (4 + 256)', { ...dgramOpen, family: 260 }],
    ['DGRAM_OPEN family "4"', { ...dgramOpen, family: '4' }],
    ['DGRAM_OPEN family missing', { ...dgramOpen, family: undefined }],
    ['DGRAM_OPEN flags 256', { ...dgramOpen, flags: 256 }],
    ['DGRAM_OPEN window 2^32', { ...dgramOpen, window: 2 ** 32 }],
    ['DGRAM_OPEN stream 0', { ...dgramOpen, stream: 0 }],
    ['DGRAM_OPEN host name as local', { ...dgramOpen, local: { kind: 'name', host: 'localhost', port: 0 } }],
    ['DGRAM_OPENED none as local', { type: FrameType.DGRAM_OPENED, stream: 1, window: 0, local: null }],
    [
      'DGRAM_OPENED host name as local',
      { type: FrameType.DGRAM_OPENED, stream: 1, window: 0, local: { kind: 'name', host: 'a', port: 1 } },
    ],
    ['DGRAM_OPENED window -1', { type: FrameType.DGRAM_OPENED, stream: 1, window: -1, local: v4 }],
    ['DATAGRAM to a host name', { ...datagram, address: { kind: 'name', host: 'localhost', port: 53 } }],
    ['DATAGRAM port 65536', { ...datagram, address: { ...v4, port: 65536 } }],
    ['DATAGRAM without a payload', { ...datagram, data: undefined }],
    ['DATAGRAM with a string payload', { ...datagram, data: 'abc' }],
    ['DATAGRAM with a Uint32Array payload', { ...datagram, data: new Uint32Array(1) }],
    ['DATAGRAM stream 0', { ...datagram, stream: 0 }],
    ['PEER seq 2^32', { ...peer, seq: 2 ** 32 }],
    ['PEER seq -1', { ...peer, seq: -1 }],
    ['PEER mode 256', { ...peer, mode: 256 }],
    ['PEER host name as address', { ...peer, address: { kind: 'name', host: 'localhost', port: 9 } }],
    ['VERDICT seq 1.5', { type: FrameType.VERDICT, stream: 1, seq: 1.5, reason: 0 }],
    ['VERDICT reason 65536', { type: FrameType.VERDICT, stream: 1, seq: 1, reason: 65536 }],
    ['RESOLVE family 1', { ...resolve, family: 1 }],
    ['RESOLVE family 5', { ...resolve, family: 5 }],
    ['RESOLVE family 256', { ...resolve, family: 256 }],
    ['RESOLVE flags 256', { ...resolve, flags: 256 }],
    ['RESOLVE name of 256 UTF-8 bytes', { ...resolve, host: 'é'.repeat(128) }],
    ['RESOLVE name missing', { ...resolve, host: undefined }],
    ['RESOLVE stream 0', { ...resolve, stream: 0 }],
    ['RESOLVED canonical name of 256 UTF-8 bytes', { ...resolved, canonName: 'x'.repeat(256) }],
    ['RESOLVED canonical name missing', { ...resolved, canonName: undefined }],
    ['RESOLVED without addresses', { ...resolved, addresses: undefined }],
    ['RESOLVED with null addresses', { ...resolved, addresses: null }],
    ['RESOLVED with one address not in a list', { ...resolved, addresses: v4 }],
    ['RESOLVED with none in the list', { ...resolved, addresses: [v4, null] }],
    ['RESOLVED with a host name in the list', { ...resolved, addresses: [{ kind: 'name', host: 'a', port: 0 }] }],
    ['RESOLVED with 65536 addresses', { ...resolved, addresses: new Array<unknown>(65536).fill(v4) }],
    ['LISTEN family 0', { ...listen, family: 0 }],
    ['LISTEN family 5', { ...listen, family: 5 }],
    ['LISTEN family 260 (4 + 256)', { ...listen, family: 260 }],
    ['LISTEN family "6"', { ...listen, family: '6' }],
    ['LISTEN family missing', { ...listen, family: undefined }],
    ['LISTEN flags 256', { ...listen, flags: 256 }],
    ['LISTEN flags -1', { ...listen, flags: -1 }],
    ['LISTEN backlog 2^32', { ...listen, backlog: 2 ** 32 }],
    ['LISTEN backlog -1', { ...listen, backlog: -1 }],
    ['LISTEN backlog 1.5', { ...listen, backlog: 1.5 }],
    ['LISTEN stream 0', { ...listen, stream: 0 }],
    ['LISTEN without a stream', { ...listen, stream: undefined }],
    ['LISTEN none as local', { ...listen, local: null }],
    ['LISTEN without a local', { ...listen, local: undefined }],
    ['LISTEN host name as local', { ...listen, local: { kind: 'name', host: 'localhost', port: 0 } }],
    ['LISTEN port 65536', { ...listen, local: { ...v4, port: 65536 } }],
    ['LISTEN bad IPv4 text', { ...listen, local: { ...v4, address: '1.2.3' } }],
    ['LISTENING none as local', { ...listening, local: null }],
    ['LISTENING host name as local', { ...listening, local: { kind: 'name', host: 'a', port: 1 } }],
    ['LISTENING IPv6 scopeId -1', { ...listening, local: { kind: 'ipv6', address: '::1', port: 1, scopeId: -1 } }],
    ['LISTENING stream 0', { ...listening, stream: 0 }],
    ['INCOMING newStream 0', { ...incoming, newStream: 0 }],
    ['INCOMING newStream 1 (a page stream id)', { ...incoming, newStream: 1 }],
    ['INCOMING newStream 0x7fffffff (the last page stream id)', { ...incoming, newStream: 0x7fffffff }],
    ['INCOMING newStream 2^32', { ...incoming, newStream: 2 ** 32 }],
    ['INCOMING newStream 0x80000000.5', { ...incoming, newStream: 0x80000000 + 0.5 }],
    ['INCOMING newStream NaN', { ...incoming, newStream: NaN }],
    ['INCOMING newStream "2147483648"', { ...incoming, newStream: '2147483648' }],
    ['INCOMING newStream missing', { ...incoming, newStream: undefined }],
    ['INCOMING window 2^32', { ...incoming, window: 2 ** 32 }],
    ['INCOMING window -1', { ...incoming, window: -1 }],
    ['INCOMING none as local', { ...incoming, local: null }],
    ['INCOMING none as remote', { ...incoming, remote: null }],
    ['INCOMING host name as remote', { ...incoming, remote: { kind: 'name', host: 'localhost', port: 1 } }],
    ['INCOMING stream 0', { ...incoming, stream: 0 }],
    ['an unknown frame type', { type: 0x7f, stream: 1 }],
  ];

  it.each(bad)('%s', (_label, frame) => {
    expect(() => encodeFrame(frame as Frame)).toThrow(RangeError);
    expect(() => encodeFrames([{ type: FrameType.FIN, stream: 1 }, frame as Frame])).toThrow(RangeError);
  });

  it('accepts the extremes of each field', () => {
    const hello = encodeFrame({ type: FrameType.HELLO, version: 0xffff, token: `${'é'.repeat(32767)}a` });
    expect(hello).toHaveLength(HEADER_BYTES + 4 + 65535);
    const name = { kind: 'name', host: `${'é'.repeat(127)}a`, port: 65535 } as const;
    expect(
      frames(
        decodeMessage(
          encodeFrame({ ...open, stream: 0xffffffff, window: 0xffffffff, flags: 255, transport: 255, remote: name }),
        ),
      ),
    ).toEqual([{ ...open, stream: 0xffffffff, window: 0xffffffff, flags: 255, transport: 255, remote: name }]);
  });

  it('accepts the extremes of each field of the UDP and name frames', () => {
    const canonName = `${'é'.repeat(127)}a`; // 255 UTF-8 bytes
    const many = Array.from(
      { length: 65535 },
      (_, i): Endpoint => ({ kind: 'ipv4', address: `10.0.${i >> 8}.${i & 0xff}`, port: 0 }),
    );
    const extremes: Frame[] = [
      {
        ...dgramOpen,
        stream: 0xffffffff,
        family: 6,
        flags: 255,
        window: 0xffffffff,
        local: { kind: 'ipv6', address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', port: 65535, scopeId: 0xffffffff },
      },
      {
        type: FrameType.DGRAM_OPENED,
        stream: 1,
        window: 0xffffffff,
        local: { kind: 'ipv4', address: '255.255.255.255', port: 65535 },
      },
      { ...datagram, address: null, data: new Uint8Array(65536).fill(0xab) },
      { ...peer, seq: 0xffffffff, mode: 255, address: null },
      { type: FrameType.VERDICT, stream: 1, seq: 0xffffffff, reason: 0xffff },
      { ...resolve, family: 6, flags: 255, host: canonName },
      { ...resolved, canonName, addresses: many },
    ];
    for (const f of extremes) expect(frames(decodeMessage(encodeFrame(f)))).toEqual([f]);
    expect(encodeFrame(extremes[6]!)).toHaveLength(HEADER_BYTES + 1 + 255 + 2 + 65535 * 7);
  });

  it('accepts the extremes of each field of the inbound frames', () => {
    const v6max = {
      kind: 'ipv6',
      address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      port: 65535,
      scopeId: 0xffffffff,
    } as const;
    const v6zero = { kind: 'ipv6', address: '::', port: 0, scopeId: 0 } as const;
    const extremes: Frame[] = [
      { ...listen, stream: 0xffffffff, family: 6, flags: 255, backlog: 0xffffffff, local: v6max },
      { ...listen, family: 4, flags: 0, backlog: 0, local: { kind: 'ipv4', address: '0.0.0.0', port: 0 } },
      { ...listening, stream: 0xffffffff, local: v6max },
      { ...incoming, stream: 0xffffffff, newStream: 0xffffffff, window: 0xffffffff, local: v6max, remote: v6zero },
      {
        ...incoming,
        newStream: 0x80000000,
        window: 0,
        local: { kind: 'ipv4', address: '255.255.255.255', port: 65535 },
        remote: v6max,
      },
    ];
    for (const f of extremes) expect(frames(decodeMessage(encodeFrame(f)))).toEqual([f]);
  });

  it('writes a connection frame on stream 0 even if the object carries a stream id', () => {
    const f = { type: FrameType.HELLO, version: 1, token: '', stream: 5 } as unknown as Frame;
    expect(toHex(encodeFrame(f))).toBe(toHex(hex('01 00000000 00000004  0001 0000')));
  });

  it('canonicalises IPv6 text on the way through', () => {
    const f: Frame = {
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 0,
      window: 0,
      local: null,
      remote: { kind: 'ipv6', address: '2001:DB8:0:0:1:0:0:1', port: 1, scopeId: 0 },
    };
    const [back] = frames(decodeMessage(encodeFrame(f)));
    expect((back as { remote: { address: string } }).remote.address).toBe('2001:db8::1:0:0:1');
  });
});
