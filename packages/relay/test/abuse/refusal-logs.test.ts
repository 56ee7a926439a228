/**
 * A page refused in a loop must not make the relay write a log line per refusal: at most 10
 * refusal lines per page per second, the rest counted and the count logged.
 */
import { describe, expect, it } from 'vitest';
import { FrameType, type Frame } from '@ws2web/protocol';
import { LOOPBACK, ipv4, startEchoServer, usePage, useRelay, useServer, waitUntil } from '../support/index.js';

describe('refusal log lines', () => {
  it('100 refused OPENs: at most 10 lines each second, the rest counted in the next line or at close', async () => {
    const echo = await useServer(startEchoServer());
    const lines: Array<{ msg: string; fields: Record<string, unknown> }> = [];
    const relay = await useRelay({
      allow: LOOPBACK,
      maxStreams: 1,
      maxRefusalsPerSecond: 0,
      logLevel: 'info',
      log: (_level, msg, fields) => {
        lines.push({ msg, fields });
      },
    });
    const page = await usePage(relay);
    expect((await page.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    page.send(
      ...Array.from(
        { length: 100 },
        (_, i): Frame => ({
          type: FrameType.OPEN,
          stream: 2 * i + 3,
          transport: 1,
          flags: 0,
          window: 1 << 16,
          remote: ipv4(echo.port),
          local: null,
        }),
      ),
    );
    await waitUntil(
      () => page.inbox.filter((f) => f.type === FrameType.OPEN_FAILED).length === 100,
      5000,
      '100 refusals',
    );
    const refusalLines = (): number => lines.filter((l) => l.msg === 'open failed').length;
    expect(refusalLines()).toBeLessThanOrEqual(20); // 10 per second; the burst may straddle a second
    await page.close();
    await waitUntil(() => lines.some((l) => l.msg === 'refusal lines suppressed'), 5000, 'the count at close');
    const counted = lines.reduce((n, l) => n + (typeof l.fields.suppressed === 'number' ? l.fields.suppressed : 0), 0);
    expect(refusalLines() + counted).toBe(100);
    console.log(`100 refusals: ${refusalLines()} lines, ${counted} counted as suppressed`);
  });
});
