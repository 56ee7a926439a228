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
  const names = result.log.map((entry) => entry.name);
  expect(names.slice(0, 4)).toEqual(['WSAStartup', 'socket', 'WSAEventSelect', 'connect']);
  expect(result.log).toContainEqual({ name: 'FD_CONNECT', detail: 'ok' });
  expect(result.log).toContainEqual({ name: 'FD_READ', detail: 'ok' });
  expect(result.log).toContainEqual({ name: 'send', detail: `→ ${message.length + 1} bytes` });
  // FD_CONNECT comes before the first FD_READ: the loop reports events in the order they happen.
  expect(names.indexOf('FD_CONNECT')).toBeLessThan(names.indexOf('FD_READ'));
}, 60_000);
