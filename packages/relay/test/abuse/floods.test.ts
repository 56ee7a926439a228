/**
 * Floods that cost the page almost nothing: empty DATAGRAMs (no credit spent), FIN frames, tiny
 * messages. Each is held to a rate — packets per socket and per page, frames and messages per
 * page — by dropping (datagrams) or by not reading the page's WebSocket for a while (frames).
 */
import { describe, expect, it } from 'vitest';
import { FrameType, Reason, encodeFrames, type Frame } from '@ws2web/protocol';
import { startUdpPeer } from '../support/udp-peers.js';
import { LOOPBACK, defer, ipv4, startEchoServer, usePage, useRelay, useServer, waitUntil } from '../support/index.js';
import { honestPage, latencyCeiling, mib, watch } from './measure.js';

describe('cheap floods', () => {
  it('empty DATAGRAMs: the relay emits at most datagramsPerSecond packets per socket, drops the rest', async () => {
    const sink = await startUdpPeer();
    defer(() => sink.close());
    const RATE = 2000;
    // Every DATAGRAM is a frame to decode even when it is dropped: the frame budget is what
    // bounds the relay's CPU here (20,000 frames/s instead of the default 100,000).
    const relay = await useRelay({
      allow: LOOPBACK,
      datagramsPerSecond: RATE,
      pageDatagramsPerSecond: 3000,
      framesPerSecond: 20_000,
    });
    const honest = await honestPage(relay);
    const idle = await honest.p99();
    const attacker = await usePage(relay);
    expect((await attacker.dgramOpen(1, 4)).type).toBe(FrameType.DGRAM_OPENED);
    // The relay is not reading this page for a while at the end: no close handshake.
    defer(() => attacker.ws.terminate());
    const seen = watch(relay);
    // 10 B each on the wire, no credit spent; 1,000 per message, as fast as the socket takes them.
    const message = encodeFrames(
      Array.from(
        { length: 1000 },
        (): Frame => ({ type: FrameType.DATAGRAM, stream: 1, address: ipv4(sink.port), data: new Uint8Array(0) }),
      ),
    );
    let offered = 0;
    const started = performance.now();
    const flood = setInterval(() => {
      for (let i = 0; i < 20 && attacker.ws.bufferedAmount < 4 << 20; i++, offered += 1000) attacker.ws.send(message);
    }, 5);
    defer(() => clearInterval(flood));
    await waitUntil(() => (relay.metrics().datagramsDropped.rate ?? 0) > 0, 5000, 'the packet rate');
    // Measured once the attacker is held back (its own send buffer full), not while this same
    // process is busy encoding its flood.
    await waitUntil(() => attacker.ws.bufferedAmount >= 4 << 20, 5000, 'the attacker to be held back');
    const during = await honest.p99();
    await waitUntil(() => performance.now() - started > 1500, 5000, '1.5 s of flood');
    clearInterval(flood);
    const elapsed = (performance.now() - started) / 1000;
    const sent = relay.metrics().datagramsPageToPeer;
    const figures = seen.stop();
    console.log(
      `empty DATAGRAM flood: ${offered} offered in ${elapsed.toFixed(1)} s, ${sent} emitted (cap ${RATE}/s), ${relay.metrics().datagramsDropped.rate} dropped; peak held ${mib(figures.peakHeldBytes)} MiB, RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, during ${during.toFixed(2)} ms`,
    );
    expect(sent).toBeLessThanOrEqual(RATE * (elapsed + 0.1) + 1);
    expect(sink.received.length).toBeLessThanOrEqual(sent);
    expect(during).toBeLessThan(latencyCeiling(idle));
  });

  it('the page-wide packet cap holds across sockets', async () => {
    const sink = await startUdpPeer();
    defer(() => sink.close());
    const relay = await useRelay({ allow: LOOPBACK, datagramsPerSecond: 0, pageDatagramsPerSecond: 1000 });
    const attacker = await usePage(relay);
    for (const s of [1, 3, 5, 7]) expect((await attacker.dgramOpen(s, 4)).type).toBe(FrameType.DGRAM_OPENED);
    const started = performance.now();
    for (let round = 0; round < 5; round++) {
      for (const s of [1, 3, 5, 7])
        attacker.send(
          ...Array.from(
            { length: 500 },
            (): Frame => ({ type: FrameType.DATAGRAM, stream: s, address: ipv4(sink.port), data: new Uint8Array(0) }),
          ),
        );
    }
    await waitUntil(
      () => relay.metrics().datagramsPageToPeer + (relay.metrics().datagramsDropped.rate ?? 0) === 10_000,
      5000,
      'every datagram handled',
    );
    const elapsed = (performance.now() - started) / 1000;
    expect(relay.metrics().datagramsPageToPeer).toBeLessThanOrEqual(1000 * (elapsed + 0.1) + 1);
  });

  it('FIN frames and tiny messages: held to framesPerSecond / messagesPerSecond by not reading, the honest page keeps its latency', async () => {
    const echo = await useServer(startEchoServer());
    const FRAMES = 20_000;
    const MESSAGES = 2000;
    const relay = await useRelay({ allow: LOOPBACK, framesPerSecond: FRAMES, messagesPerSecond: MESSAGES });
    const honest = await honestPage(relay);
    const idle = await honest.p99();
    const finPage = await usePage(relay);
    expect((await finPage.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    const tinyPage = await usePage(relay);
    // The relay stops reading these pages for seconds: no close handshake at the end.
    defer(() => finPage.ws.terminate());
    defer(() => tinyPage.ws.terminate());
    const fins = encodeFrames(Array.from({ length: 1000 }, (): Frame => ({ type: FrameType.FIN, stream: 1 })));
    const tiny = encodeFrames([{ type: FrameType.CREDIT, stream: 99, bytes: 1 }]); // 13 B, for a stream that is gone: ignored
    const seen = watch(relay);
    let fin = 0;
    let small = 0;
    const flood = setInterval(() => {
      for (let i = 0; i < 20 && finPage.ws.bufferedAmount < 4 << 20; i++, fin++) finPage.ws.send(fins);
      for (let i = 0; i < 500 && tinyPage.ws.bufferedAmount < 1 << 20; i++, small++) tinyPage.ws.send(tiny);
    }, 5);
    defer(() => clearInterval(flood));
    await waitUntil(() => (relay.metrics().limitHits.frame_rate ?? 0) > 1, 5000, 'the frame budgets');
    await waitUntil(
      () => finPage.ws.bufferedAmount >= 4 << 20 && tinyPage.ws.bufferedAmount >= 1 << 20,
      10_000,
      'the attackers to be held back',
    );
    const during = await honest.p99();
    clearInterval(flood);
    const figures = seen.stop();
    console.log(
      `FIN flood ${fin} × 1,000 frames and ${small} tiny messages offered: frame_rate limit hit ${relay.metrics().limitHits.frame_rate} times; peak held ${mib(figures.peakHeldBytes)} MiB, RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, during ${during.toFixed(2)} ms`,
    );
    expect(during).toBeLessThan(latencyCeiling(idle));
  });

  it('refused OPENs: past maxRefusalsPerSecond the page gets GOAWAY(LIMIT) and 1008', async () => {
    const echo = await useServer(startEchoServer());
    const relay = await useRelay({ allow: LOOPBACK, maxStreams: 1, maxRefusalsPerSecond: 10 });
    const page = await usePage(relay);
    page.send(
      ...Array.from(
        { length: 40 },
        (_, i): Frame => ({
          type: FrameType.OPEN,
          stream: 2 * i + 1,
          transport: 1,
          flags: 0,
          window: 1 << 16,
          remote: ipv4(echo.port),
          local: null,
        }),
      ),
    );
    expect(await page.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.LIMIT });
    expect((await page.closed).code).toBe(1008);
    // One stream is open (maxStreams); the 11th refusal ends the page: the OPENs after it are never looked at.
    expect(page.inbox.filter((f) => f.type === FrameType.OPEN_FAILED)).toHaveLength(11);
    expect(relay.metrics().limitHits.refusals).toBe(1);
  });
});
