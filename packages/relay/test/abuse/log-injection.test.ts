/**
 * A page chooses host names (and, through its ticket's issuer, subjects); those reach log
 * fields. In the text format a control character must never be written raw: `\x1b[2J` would
 * clear an operator's terminal, `\n` would forge a record.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import { formatJsonLine, formatTextLine } from '../../src/ops/log.js';
import { recordingRelay } from './recording-relay.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const ATTACK = '\u001b[2J\u001b[H\nFAKE-ADMIN-LOGIN-OK\r\u009b31m\u2028x';

describe('log fields with control characters', () => {
  it('text format: escaped, one line, readable back as the original string', () => {
    const line = formatTextLine('info', 'name query failed', { name: ATTACK, n: 3 }, new Date(0));
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toBe(
      '1970-01-01T00:00:00.000Z info name query failed name="\\u001b[2J\\u001b[H\\nFAKE-ADMIN-LOGIN-OK\\r\\u009b31m\\u2028x" n=3',
    );
    const quoted = line.slice(line.indexOf('name=') + 5, line.lastIndexOf(' n='));
    expect(JSON.parse(quoted)).toBe(ATTACK);
  });

  it('text format: keys, messages and values inside objects are escaped too; plain values stay bare', () => {
    const line = formatTextLine(
      'warn',
      'm\u001bsg',
      { 'k\u0007ey': { nested: '\u009b' }, plain: 'api.example.com' },
      new Date(0),
    );
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toContain('plain=api.example.com');
  });

  it('json format: DEL, C1 and line separators escaped as well as C0; still valid JSON', () => {
    const line = formatJsonLine('info', 'x', { name: ATTACK }, new Date(0));
    expect(line).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(line).name).toBe(ATTACK);
  });

  it("a page's RESOLVE of a hostile name is logged escaped by the relay", async () => {
    const lines: string[] = [];
    const { page } = await recordingRelay({
      logLevel: 'debug',
      log: (level, msg, fields) => lines.push(formatTextLine(level, msg, fields)),
    });
    expect(await page.resolve(1, ATTACK)).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.HOST_NOT_FOUND,
    });
    const record = lines.find((l) => l.includes('FAKE-ADMIN-LOGIN-OK'));
    expect(record).toBeDefined();
    expect(record).not.toMatch(RAW_CONTROL);
    expect(lines.join('\n').split('\n')).toHaveLength(lines.length);
  });
});
