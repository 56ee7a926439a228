/**
 * The codec against bytes written by hand from docs/protocol.md (never produced by the encoder):
 *   frame = type:u8 stream:u32 length:u32 body[length], big-endian.
 * Each fixture is encoded to exactly its hex and decoded back to exactly its value; malformed
 * messages decode to a ProtocolError value, never an exception.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeData,
  encodeFrame,
  encodeFrames,
  frameName,
  FrameType,
  HEADER_BYTES,
  MAX_BODY_LIMIT,
  ProtocolError,
  type DecodeResult,
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

/** [label, frame, hand-written hex]. */
const fixtures: Array<[string, Frame, string]> = [
  [
    'HELLO v1 with a token',
    { type: FrameType.HELLO, version: 1, token: 'abc' },
    '01 00000000 00000007  0001 0003 616263',
  ],
  [
    'HELLO v1 without a token',
    { type: FrameType.HELLO, version: 1, token: '' },
    '01 00000000 00000004  0001 0000',
  ],
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
      type: FrameType.OPEN, stream: 1, transport: 1, flags: 3, window: 65536,
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 8080 }, local: null,
    },
    '10 00000001 0000000e  01 03 00010000  04 7f000001 1f90  00',
  ],
  [
    'OPEN to localhost:443 bound to 0.0.0.0:0',
    {
      type: FrameType.OPEN, stream: 2, transport: 1, flags: 0, window: 4096,
      remote: { kind: 'name', host: 'localhost', port: 443 },
      local: { kind: 'ipv4', address: '0.0.0.0', port: 0 },
    },
    `10 00000002 0000001a  01 00 00001000  4e 09 ${ascii('localhost')} 01bb  04 00000000 0000`,
  ],
  [
    'OPEN to [::1]:80 bound to [fe80::1%3]:0, highest page stream id',
    {
      type: FrameType.OPEN, stream: 0x7fffffff, transport: 1, flags: 0, window: 1024,
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
      type: FrameType.OPENED, stream: 1, window: 262144,
      local: { kind: 'ipv4', address: '127.0.0.1', port: 54321 },
      remote: { kind: 'ipv4', address: '127.0.0.1', port: 8080 },
    },
    '11 00000001 00000012  00040000  04 7f000001 d431  04 7f000001 1f90',
  ],
  [
    'OPENED over IPv6 (IPv4-mapped remote)',
    {
      type: FrameType.OPENED, stream: 9, window: 0,
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
  ['CLOSE OK on the largest stream id', { type: FrameType.CLOSE, stream: 0xffffffff, reason: 0 }, '23 ffffffff 00000002  0000'],
  ['SETOPT TCP_NODELAY on', { type: FrameType.SETOPT, stream: 1, option: 1, value: 1 }, '24 00000001 00000006  0001 00000001'],
];

describe('each frame type ↔ hand-written bytes', () => {
  it('covers every frame type', () => {
    expect(new Set(fixtures.map(([, f]) => f.type))).toEqual(new Set(Object.values(FrameType)));
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
    const bad = hex(hello + data + '23 00000007 00000001  00');
    expectError(decodeMessage(bad), 'BAD_BODY', 13 + 12);
  });

  it('encodeFrames of nothing is an empty message, which does not decode', () => {
    expect(encodeFrames([])).toHaveLength(0);
    expectError(decodeMessage(encodeFrames([])), 'TRUNCATED', 0);
  });

  it('grows past its size estimate for long strings', () => {
    const token = 'x'.repeat(1000);
    const out = encodeFrames([{ type: FrameType.HELLO, version: 1, token }, { type: FrameType.FIN, stream: 1 }]);
    expect(out).toHaveLength(HEADER_BYTES + 4 + 1000 + HEADER_BYTES);
    expect(frames(decodeMessage(out))).toEqual([
      { type: FrameType.HELLO, version: 1, token },
      { type: FrameType.FIN, stream: 1 },
    ]);
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

  it.each(['00', '04', '13', '25', 'ff'])('unknown type 0x%s → UNKNOWN_TYPE', (type) => {
    expectError(decodeMessage(hex(`${type} 00000001 00000000`)), 'UNKNOWN_TYPE', 0);
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
  ])('trailing bytes in a body (%s) → BAD_BODY', (_label, bytes) => {
    expectError(decodeMessage(hex(bytes)), 'BAD_BODY', 0);
  });

  it.each([
    ['HELLO without its token length', '01 00000000 00000002  0001'],
    ['HELLO whose token length runs past the body', '01 00000000 00000005  0001 0002 61'],
    ['WELCOME cut short', '02 00000000 00000008  0001 00010000 0000'],
    ['GOAWAY without a message length', '03 00000000 00000002  000c'],
    ['OPEN without its window', '10 00000001 00000004  01 00 0000'],
    ['OPEN without a local address byte', '10 00000001 0000000d  01 00 00000000  04 7f000001 0050'],
    ['OPEN with a cut IPv4 address', '10 00000001 00000009  01 00 00000000  04 7f00'],
    ['OPEN with an IPv6 address missing its scope', '10 00000001 00000019  01 00 00000000  06 00000000000000000000000000000001 0050'],
    ['OPEN with a host name length past the body', '10 00000001 0000000c  01 00 00000000  4e 05 6162 0050'],
    ['OPENED cut after the window', '11 00000001 00000004  00000000'],
    ['OPEN_FAILED empty', '12 00000001 00000000'],
    ['CREDIT of 3 bytes', '21 00000001 00000003  000001'],
    ['CLOSE empty', '23 00000001 00000000'],
    ['SETOPT without value', '24 00000001 00000002  0001'],
  ])('short body (%s) → BAD_BODY', (_label, bytes) => {
    expectError(decodeMessage(hex(bytes)), 'BAD_BODY', 0);
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
  ])('stream id 0 on %s → BAD_STREAM', (_label, bytes) => {
    expectError(decodeMessage(hex(bytes)), 'BAD_STREAM', 0);
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
    ['a host name as OPEN local', `10 00000001 0000001a  01 00 00000000  04 7f000001 0050  4e 09 ${ascii('localhost')} 0000`],
    ['a host name as OPENED remote', `11 00000001 00000018  00000000  04 7f000001 0050  4e 09 ${ascii('localhost')} 0050`],
    ['a host name as OPENED local', `11 00000001 00000018  00000000  4e 09 ${ascii('localhost')} 0050  04 7f000001 0050`],
    ['"none" as OPENED local', '11 00000001 0000000c  00000000  00  04 7f000001 0050'],
    ['"none" as OPENED remote', '11 00000001 0000000c  00000000  04 7f000001 0050  00'],
  ])('%s → BAD_ADDRESS', (_label, bytes) => {
    expectError(decodeMessage(hex(bytes)), 'BAD_ADDRESS', 0);
  });

  it('an error in a later frame reports that frame\'s offset', () => {
    const r = decodeMessage(hex('22 00000001 00000000' + '22 00000002 00000000' + '20 00000000 00000000'));
    expectError(r, 'BAD_STREAM', 18);
  });

  it('ProtocolError is a value with a name, not something thrown', () => {
    const e = expectError(decodeMessage(hex('ff')), 'TRUNCATED', 0);
    expect(e.name).toBe('ProtocolError');
    expect(e.message).toMatch(/header/);
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
  const bad: Array<[string, unknown]> = [
    ['HELLO version 65536', { type: FrameType.HELLO, version: 65536, token: '' }],
    ['HELLO version -1', { type: FrameType.HELLO, version: -1, token: '' }],
    ['HELLO version 1.5', { type: FrameType.HELLO, version: 1.5, token: '' }],
    ['HELLO version NaN', { type: FrameType.HELLO, version: NaN, token: '' }],
    ['HELLO token of 65536 UTF-8 bytes', { type: FrameType.HELLO, version: 1, token: 'é'.repeat(32768) }],
    ['WELCOME maxFrameBody 2^32', { type: FrameType.WELCOME, version: 1, maxFrameBody: 2 ** 32, maxStreams: 1, capabilities: 0 }],
    ['WELCOME maxStreams Infinity', { type: FrameType.WELCOME, version: 1, maxFrameBody: 1, maxStreams: Infinity, capabilities: 0 }],
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
    ['OPENED host name as remote', { type: FrameType.OPENED, stream: 1, window: 0, local: v4, remote: { kind: 'name', host: 'a', port: 1 } }],
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
    ['an unknown frame type', { type: 0x7f, stream: 1 }],
  ];

  it.each(bad)('%s', (_label, frame) => {
    expect(() => encodeFrame(frame as Frame)).toThrow(RangeError);
    expect(() => encodeFrames([{ type: FrameType.FIN, stream: 1 }, frame as Frame])).toThrow(RangeError);
  });

  it('accepts the extremes of each field', () => {
    const hello = encodeFrame({ type: FrameType.HELLO, version: 0xffff, token: 'é'.repeat(32767) + 'a' });
    expect(hello).toHaveLength(HEADER_BYTES + 4 + 65535);
    const name = { kind: 'name', host: 'é'.repeat(127) + 'a', port: 65535 } as const;
    expect(frames(decodeMessage(encodeFrame({ ...open, stream: 0xffffffff, window: 0xffffffff, flags: 255, transport: 255, remote: name })))).toEqual([
      { ...open, stream: 0xffffffff, window: 0xffffffff, flags: 255, transport: 255, remote: name },
    ]);
  });

  it('writes a connection frame on stream 0 even if the object carries a stream id', () => {
    const f = { type: FrameType.HELLO, version: 1, token: '', stream: 5 } as unknown as Frame;
    expect(toHex(encodeFrame(f))).toBe(toHex(hex('01 00000000 00000004  0001 0000')));
  });

  it('canonicalises IPv6 text on the way through', () => {
    const f: Frame = {
      type: FrameType.OPEN, stream: 1, transport: 1, flags: 0, window: 0, local: null,
      remote: { kind: 'ipv6', address: '2001:DB8:0:0:1:0:0:1', port: 1, scopeId: 0 },
    };
    const [back] = frames(decodeMessage(encodeFrame(f)));
    expect((back as { remote: { address: string } }).remote.address).toBe('2001:db8::1:0:0:1');
  });
});
