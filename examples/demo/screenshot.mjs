#!/usr/bin/env node
// The demo, checked the way a person uses it: start every server on free ports, open the page in
// headless Debian Chromium, click Connect, send a line, wait for the echo, save a screenshot.
//   node examples/demo/screenshot.mjs      exits 1 when no reply arrives
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS } from '../../scripts/lib/chromium-args.mjs';
import { startDemoServers } from './demo-servers.mjs';

export const SCREENSHOT_PATH = fileURLToPath(new URL('./screenshot.png', import.meta.url));

/**
 * @param {{ message?: string, screenshotPath?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ url: string, replies: string, log: { name: string, detail: string }[], status: string, screenshotPath: string }>}
 */
export async function checkDemo({
  message = 'hello from ws2web',
  screenshotPath = SCREENSHOT_PATH,
  timeoutMs = 20_000,
} = {}) {
  const servers = await startDemoServers({ quiet: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(servers.url);
    await page.click('#connect');
    try {
      await page.waitForSelector('#status[data-state="connected"]', { timeout: timeoutMs });
      await page.fill('#message', message);
      await page.click('#send');
      await page.waitForFunction(
        (expected) => document.getElementById('replies')?.textContent?.includes(expected),
        `echo: ${message}`,
        { timeout: timeoutMs },
      );
      // Let the log settle (FD_WRITE after the send) so the picture shows the whole exchange.
      await page.waitForTimeout(200);
    } finally {
      await page.screenshot({ path: screenshotPath, fullPage: true });
    }
    if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
    return {
      url: servers.url,
      replies: await page.textContent('#replies'),
      log: await page.$$eval('#log li', (items) =>
        items.map((item) => ({
          name: item.querySelector('.name')?.textContent ?? '',
          detail: item.lastElementChild?.textContent ?? '',
        })),
      ),
      status: await page.textContent('#status'),
      screenshotPath,
    };
  } finally {
    await browser.close();
    await servers.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const result = await checkDemo();
    console.log(`page:       ${result.url}`);
    console.log(`status:     ${result.status}`);
    console.log(`replies:    ${JSON.stringify(result.replies)}`);
    console.log(`screenshot: ${result.screenshotPath}`);
  } catch (error) {
    console.error(`demo check failed: ${error?.message ?? error}`);
    console.error(`screenshot (of the failure): ${SCREENSHOT_PATH}`);
    process.exitCode = 1;
  }
}
