// The demo page, driven in headless Chromium through the real relay to the real line-echo server
// (examples/demo/screenshot.mjs does the driving; this makes CI run it).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { checkDemo } from './screenshot.mjs';

test('the demo page connects, sends a line and shows the echo and the FD_* events', async () => {
  const message = `line ${Date.now()}`;
  const result = await checkDemo({ message, screenshotPath: join(tmpdir(), `ws2web-demo-${process.pid}.png`) });
  expect(result.replies).toBe(`echo: ${message}\n`);
  expect(result.status).toMatch(/^connected to 127\.0\.0\.1:\d+$/);
  const events = result.log.split('\n').filter((line) => /FD_[A-Z]+/.test(line));
  expect(events.some((line) => /FD_CONNECT\s+ok/.test(line))).toBe(true);
  expect(events.some((line) => /FD_READ\s+ok/.test(line))).toBe(true);
}, 60_000);
