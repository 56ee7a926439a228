/**
 * IP literal text ↔ bytes. Expected bytes are written by hand; formatting follows RFC 5952
 * (the examples in its sections 4 and 5).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalIPv6, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../src/ip.js';

/** "2001 0db8 …" → bytes; whitespace ignored. */
function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => parseInt(b, 16));
}

describe('parseIPv4 / formatIPv4', () => {
  it.each([
    ['0.0.0.0', [0, 0, 0, 0]],
    ['127.0.0.1', [127, 0, 0, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['10.200.3.40', [10, 200, 3, 40]],
  ])('%s ↔ %j', (text, bytes) => {
    expect(parseIPv4(text)).toEqual(Uint8Array.from(bytes));
    expect(formatIPv4(Uint8Array.from(bytes))).toBe(text);
  });

  it('formats from an offset', () => {
    expect(formatIPv4(Uint8Array.from([9, 9, 192, 168, 1, 2]), 2)).toBe('192.168.1.2');
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '00.1.1.1',
    '256.1.1.1',
    '1.2.3.256',
    '1.2.3.1000',
    '-1.2.3.4',
    '1.2.3.-4',
    '1..3.4',
    '.1.2.3',
    '1.2.3.',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4\n',
    '0x7f.0.0.1',
    '1.2.3.a',
    '1.2.3.4/8',
    '١.٢.٣.٤',
    '+1.2.3.4',
    '1e2.0.0.1',
  ])('rejects %j', (text) => {
    expect(parseIPv4(text)).toBeNull();
  });
});

describe('parseIPv6 / formatIPv6 (RFC 5952)', () => {
  it.each([
    ['2001:db8::1', '20010db8 00000000 00000000 00000001'],
    ['::1', '00000000 00000000 00000000 00000001'],
    ['::', '00000000 00000000 00000000 00000000'],
    ['1::', '00010000 00000000 00000000 00000000'],
    ['fe80::1', 'fe800000 00000000 00000000 00000001'],
    ['::ffff:127.0.0.1', '00000000 00000000 0000ffff 7f000001'],
    ['::ffff:0.0.0.0', '00000000 00000000 0000ffff 00000000'],
    ['2001:db8::1:0:0:1', '20010db8 00000000 00010000 00000001'],
    // §4.2.2: a single zero group is not compressed.
    ['2001:db8:0:1:1:1:1:1', '20010db8 00000001 00010001 00010001'],
    // §4.2.3: the longest run is compressed…
    ['2001:0:0:1::1', '20010000 00000001 00000000 00000001'],
    // …and of two equal runs, the first one.
    ['1::1:0:0:1:1', '00010000 00000001 00000000 00010001'],
    ['1:2:3:4:5:6:7:8', '00010002 00030004 00050006 00070008'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffffffff ffffffff ffffffff ffffffff'],
    // IPv4-compatible (deprecated) is not IPv4-mapped: plain hex groups.
    ['::102:304', '00000000 00000000 00000000 01020304'],
  ])('%s ↔ canonical bytes', (text, bytesHex) => {
    expect(parseIPv6(text)).toEqual(hex(bytesHex));
    expect(formatIPv6(hex(bytesHex))).toBe(text);
  });

  it.each([
    // [non-canonical input, RFC 5952 canonical output]
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:0:0::1', '2001:db8::1'],
    ['2001:DB8::ABCD:1', '2001:db8::abcd:1'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:0:1', '2001:db8:aaaa:bbbb:cccc:dddd:0:1'],
    ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::0', '::'],
    ['1::2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // "::" standing for one group parses, formats without it
    ['::FFFF:7f00:1', '::ffff:127.0.0.1'],
    ['0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['0001:0002:0003:0004:0005:0006:0007:0008', '1:2:3:4:5:6:7:8'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalIPv6(input)).toBe(canonical);
  });

  it('formats from an offset', () => {
    const bytes = new Uint8Array(20);
    bytes.set(hex('20010db8 00000000 00000000 00000001'), 4);
    expect(formatIPv6(bytes, 4)).toBe('2001:db8::1');
  });

  it.each([
    '',
    ':',
    ':::',
    '::::',
    '1::2::3',
    '::1::',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4::5:6:7:8',
    ':1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:',
    '12345::1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::ffff:1.2.3',
    '::ffff:256.1.1.1',
    '::ffff:01.2.3.4',
    '1.2.3.4',
    '1.2::3',
    '::1.2.3.4:5',
    'fe80::1%eth0',
    '[::1]',
    ' ::1',
    '::1 ',
    '::-1',
    '0x1::',
    '1:2:3:4:5:6:7:8'.repeat(3),
  ])('rejects %j', (text) => {
    expect(parseIPv6(text)).toBeNull();
    expect(canonicalIPv6(text)).toBeNull();
  });

  it('round-trips any 16 bytes: parse(format(b)) = b and format is stable', () => {
    // Random bytes rarely hold zero groups, so bias groups toward 0 to exercise compression
    // and toward ::ffff: to exercise the dotted tail.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    const biased = fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => {
      const b = new Uint8Array(16);
      gs.forEach((g, i) => {
        b[i * 2] = g >> 8;
        b[i * 2 + 1] = g & 0xff;
      });
      return b;
    });
    const mapped = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => {
      const b = new Uint8Array(16);
      b[10] = 0xff;
      b[11] = 0xff;
      b.set(v4, 12);
      return b;
    });
    const bytes = fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), biased, mapped);
    fc.assert(
      fc.property(bytes, (b) => {
        const text = formatIPv6(b);
        const parsed = parseIPv6(text);
        expect(parsed).toEqual(b);
        expect(formatIPv6(parsed!)).toBe(text);
        // Canonical text: lower case, no leading zeros, at most one "::".
        expect(text).toBe(text.toLowerCase());
        expect(text.split('::').length).toBeLessThanOrEqual(2);
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        expect(text).not.toContain(':::');
        // "::" never stands for a single zero group (RFC 5952 §4.2.2).
        if (text.includes('::') && !text.includes('.')) {
          const explicit = text.split('::').flatMap((h) => (h === '' ? [] : h.split(':'))).length;
          expect(explicit).toBeLessThanOrEqual(6);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any 4 bytes through the IPv4 text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(parseIPv4(formatIPv4(b))).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });
});
