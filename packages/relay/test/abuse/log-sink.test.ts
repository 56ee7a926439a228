/**
 * A log sink that never drains (a collector that stopped reading its pipe): the relay's log
 * holds at most maxLogBufferBytes, drops the rest with a counter (in /metrics), and says once how
 * many it dropped when the sink moves again. The event loop is never blocked by the log.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatTextLine } from '../../src/ops/log.js';
import { BoundedLogSink } from '../../src/ops/log-sink.js';
import { PageClient, defer, scrape, useRelay, waitUntil } from '../support/index.js';

/** A stream whose writes never complete until `release()`; then it takes everything at once. */
function stuckSink(highWaterMark = 16 * 1024): { stream: Writable; lines: () => string[]; release(): void } {
  const written: string[] = [];
  const pending: Array<() => void> = [];
  let stuck = true;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString());
      if (stuck) pending.push(() => callback());
      else callback();
    },
  });
  return {
    stream,
    lines: () => written.join('').split('\n').filter(Boolean),
    release() {
      stuck = false;
      for (const callback of pending.splice(0)) callback();
    },
  };
}

describe('the relay log under a sink that never drains', () => {
  it('holds at most maxBufferedBytes, counts every dropped line, and reports the drop once when the sink recovers', async () => {
    const sink = stuckSink();
    const max = 64 * 1024;
    const log = new BoundedLogSink(formatTextLine, sink.stream, max);
    const fields = { conn: 1, peer: '203.0.113.7', detail: 'x'.repeat(100) };
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      log.sink('info', 'open failed', { ...fields, i });
      peak = Math.max(peak, sink.stream.writableLength);
    }
    expect(peak).toBeLessThanOrEqual(max);
    const accepted = Math.floor(max / 200); // lines are ~160-200 bytes: a few hundred fit
    expect(log.dropped).toBeGreaterThan(20_000 - accepted * 2);
    expect(log.dropped).toBeLessThan(20_000);
    const beforeRelease = log.dropped;

    sink.release();
    await waitUntil(() => sink.stream.writableLength === 0, 2000, 'the sink to drain');
    const reports = sink.lines().filter((line) => line.includes('log lines dropped'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(`dropped=${beforeRelease}`);
    // Back to normal: nothing more dropped, no second report.
    log.sink('info', 'page connected', { conn: 2 });
    expect(log.dropped).toBe(beforeRelease);
    expect(sink.lines().at(-1)).toContain('page connected');
    expect(sink.lines().filter((line) => line.includes('log lines dropped'))).toHaveLength(1);
  });

  it('a relay logging at debug into a stuck sink keeps serving pages; the drops are in /metrics', async () => {
    // Its buffer says "full" (write() false, then 'drain') below the bound, as fd 2's does below the default bound.
    const sink = stuckSink(1024);
    const max = 8 * 1024;
    // No `log` function: the relay's own sink, writing to the stuck stream.
    const relay = await useRelay({ log: undefined, logStream: sink.stream, logLevel: 'debug', maxLogBufferBytes: max });
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      const page = await PageClient.ready(relay.url);
      defer(() => page.close());
      await page.close();
      peak = Math.max(peak, sink.stream.writableLength);
    }
    await waitUntil(() => relay.metrics().connections === 0, 5000, 'the pages to go');
    expect(peak).toBeLessThanOrEqual(max);
    const dropped = relay.metrics().logLinesDropped;
    expect(dropped).toBeGreaterThan(0);
    expect(await scrape(relay)).toContain(`ws2web_relay_log_lines_dropped_total ${dropped}`);
    sink.release();
    await waitUntil(() => sink.lines().some((line) => line.includes('log lines dropped')), 2000, 'the drop report');
  });
});
