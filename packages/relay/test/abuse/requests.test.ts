/**
 * Requests a page never reads the answers to (PEER CHECK → VERDICT), and pongs nobody asked for:
 * the relay stops reading a page over its request budget or its backlog, counts only pongs that
 * answer its own pings, and cuts a page whose WebSocket does not drain.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FrameType, PROTOCOL_VERSION, PeerMode, encodeFrames, type Frame } from '@ws2web/protocol';
import { startUdpPeer } from '../support/udp-peers.js';
import type { Relay } from '../../src/index.js';
import { LOOPBACK, defer, ipv4, stalled, usePage, useRelay, waitUntil, type PageClient } from '../support/index.js';
import { honestPage, latencyCeiling, mib, stopReading, watch } from './measure.js';

describe('request floods', () => {
  /** A page with a UDP socket that floods PEER CHECKs, 2,000 per message, and never reads. */
  async function peerFlood(
    relay: Relay,
    port: number,
  ): Promise<{ attacker: PageClient; sent: () => number; stop: () => void }> {
    const attacker = await usePage(relay);
    expect((await attacker.dgramOpen(1, 4)).type).toBe(FrameType.DGRAM_OPENED);
    stopReading(attacker);
    // 21 B each on the wire, each answered by a 15 B VERDICT.
    const checks: Frame[] = Array.from({ length: 2_000 }, (_, seq) => ({
      type: FrameType.PEER,
      stream: 1,
      seq,
      mode: PeerMode.CHECK,
      address: ipv4(port),
    }));
    const message = encodeFrames(checks);
    let sent = 0;
    const flood = setInterval(() => {
      for (let i = 0; i < 40 && attacker.ws.bufferedAmount < 8 << 20; i++, sent++) attacker.ws.send(message);
    }, 5);
    const stop = (): void => clearInterval(flood);
    // The relay is not reading this page (its budget is in debt for seconds): no close handshake.
    defer(() => attacker.ws.terminate());
    defer(stop);
    return { attacker, sent: () => sent, stop };
  }

  it('a PEER CHECK flood is held to requestsPerSecond: answers over 2 s stay within the budget', async () => {
    const sink = await startUdpPeer();
    defer(() => sink.close());
    const RATE = 5000;
    const relay = await useRelay({ allow: LOOPBACK, requestsPerSecond: RATE });
    const honest = await honestPage(relay);
    const idle = await honest.p99();
    const seen = watch(relay);
    const started = performance.now();
    const flood = await peerFlood(relay, sink.port);
    await waitUntil(() => (relay.metrics().limitHits.request_rate ?? 0) > 0, 5000, 'the request budget');
    const during = await honest.p99();
    await waitUntil(() => performance.now() - started > 2000, 5000, '2 s of flood');
    flood.stop();
    const elapsed = (performance.now() - started) / 1000;
    const figures = seen.stop();
    // What the relay answered so far is what it read: count the VERDICTs once the page reads.
    flood.attacker.ws.resume();
    const verdicts = (): number => flood.attacker.inbox.filter((f) => f.type === FrameType.VERDICT).length;
    await waitUntil(stalled(verdicts, 20), 10_000, 'the answers to stop arriving');
    const answered = verdicts();
    console.log(
      `PEER CHECK flood, ${flood.sent()} messages × 2,000 offered in ${elapsed.toFixed(1)} s: ${answered} answered (budget ${RATE}/s), peak held ${mib(figures.peakHeldBytes)} MiB, RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, during ${during.toFixed(2)} ms`,
    );
    // The budget, plus the first message (read before the debt shows) and a tenth of a second of burst.
    expect(answered).toBeLessThanOrEqual(RATE * (elapsed + 0.1) + 2_000);
    expect(during).toBeLessThan(latencyCeiling(idle));
  }, 20_000);

  it('without a request budget the backlog bound holds it, and the page that never drains is cut', async () => {
    const sink = await startUdpPeer();
    defer(() => sink.close());
    const relay = await useRelay({
      allow: LOOPBACK,
      requestsPerSecond: 0,
      maxPageBacklogBytes: 256 * 1024,
      stalledPageMs: 1000,
    });
    const honest = await honestPage(relay);
    const idle = await honest.p99();
    const seen = watch(relay);
    const flood = await peerFlood(relay, sink.port);
    await waitUntil(() => (relay.metrics().limitHits.stalled_page ?? 0) > 0, 10_000, 'the stalled page to be cut');
    flood.stop();
    const figures = seen.stop();
    const during = await honest.p99();
    console.log(
      `PEER CHECK flood, no request budget: cut after ${flood.sent()} messages; peak held ${mib(figures.peakHeldBytes)} MiB (bound 0.25 MiB), RSS ${figures.rssStartMiB} → ${figures.peakRssMiB} MiB; honest p99 idle ${idle.toFixed(2)} ms, after ${during.toFixed(2)} ms`,
    );
    // One turn's answers (1,024 × 15 B) and one coalesced message may land before the check after it.
    expect(figures.peakHeldBytes).toBeLessThan(256 * 1024 + 1024 * 15 + (1 << 20));
    await waitUntil(() => relay.metrics().connections === 1, 5000, 'the attacker gone');
    expect(during).toBeLessThan(latencyCeiling(idle));
  }, 20_000);

  it('unsolicited pongs do not keep a page that never answers pings alive', async () => {
    const relay = await useRelay({ allow: LOOPBACK, heartbeatMs: 200 });
    // autoPong off: this client never answers the relay's pings, but pongs on its own every 50 ms.
    const ws = new WebSocket(relay.url, { autoPong: false, perMessageDeflate: false });
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(encodeFrames([{ type: FrameType.HELLO, version: PROTOCOL_VERSION, token: '' }]));
    const pongs = setInterval(() => ws.pong(), 50);
    defer(() => clearInterval(pongs));
    defer(() => ws.terminate());
    expect(await closed).toBe(1006);
    expect(relay.metrics().limitHits.heartbeat).toBe(1);
  });

  it('a page that answers pings stays through several heartbeats', async () => {
    const relay = await useRelay({ allow: LOOPBACK, heartbeatMs: 100 });
    const page = await usePage(relay);
    let pings = 0;
    page.ws.on('ping', () => pings++);
    await waitUntil(() => pings >= 4, 5000, 'four pings');
    await page.roundTrip();
    expect(relay.metrics().limitHits.heartbeat ?? 0).toBe(0);
  });
});
