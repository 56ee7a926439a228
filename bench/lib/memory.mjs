// Memory cases (Node client, against a relay process of their own started with --expose-gc):
//  - idle sockets: relay RSS with 0, 1,000 and 10,000 idle relayed TCP sockets spread over 100
//    WebSockets (and, for comparison, a plain proxy process with as many idle connections);
//  - slow readers: relay RSS while one socket uploads to a TCP peer that reads slowly, and while
//    a TCP peer floods a page that does not read. Both must stay under a fixed ceiling.
import { connect } from 'node:net';
import { openWinsock } from './ws2web-client.mjs';
import { openWs2webPipe } from './ws2web-pipe.mjs';
import * as ws2web from '../../packages/browser/dist/index.js';

const KiB = 1024;
/** Connects in flight at once while opening idle sockets (the echo server's backlog is 4096). */
const OPEN_BATCH = 500;

async function inBatches(count, openOne) {
  const opened = [];
  for (let at = 0; at < count; at += OPEN_BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(OPEN_BATCH, count - at) }, (_, i) => openOne(at + i)),
    );
    opened.push(...batch);
  }
  return opened;
}

/**
 * Relay RSS per idle socket. `levels` ascending (e.g. [1000, 10000]); sockets stay open between
 * levels. Returns RSS at each level and per-socket figures above the empty relay.
 */
export async function idleRelayMemory({ relay, relayUrl, port, levels, webSockets }) {
  const empty = await relay.memory();
  const winsocks = Array.from({ length: webSockets }, () => openWinsock(relayUrl));
  const sockets = [];
  const openOne = async (i) => {
    const w = winsocks[i % webSockets];
    const pipe = await openWs2webPipe(ws2web, w, port);
    return pipe;
  };
  const rows = [];
  try {
    for (const level of levels) {
      const more = await inBatches(level - sockets.length, (i) => openOne(sockets.length + i));
      sockets.push(...more);
      await new Promise((r) => setTimeout(r, 500)); // let the last OPENED / CREDIT frames settle
      const m = await relay.memory();
      rows.push({
        sockets: level,
        rssMiB: m.rss / (KiB * KiB),
        heapUsedMiB: m.heapUsed / (KiB * KiB),
        perSocketKiB: (m.rss - empty.rss) / level / KiB,
      });
    }
  } finally {
    for (const pipe of sockets) pipe.close();
    for (const w of winsocks) w.WSACleanup();
  }
  return { emptyRssMiB: empty.rss / (KiB * KiB), webSockets, levels: rows };
}

/** The same for a plain Node TCP proxy: `levels` idle client connections through it. */
export async function idleProxyMemory({ proxy, port, levels }) {
  const empty = await proxy.memory();
  const sockets = [];
  const openOne = () =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  const rows = [];
  try {
    for (const level of levels) {
      sockets.push(...(await inBatches(level - sockets.length, openOne)));
      await new Promise((r) => setTimeout(r, 500));
      const m = await proxy.memory();
      rows.push({ sockets: level, rssMiB: m.rss / (KiB * KiB), perSocketKiB: (m.rss - empty.rss) / level / KiB });
    }
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  return { emptyRssMiB: empty.rss / (KiB * KiB), levels: rows };
}

/**
 * Samples `relay` every 100 ms while `work` runs, alternately as it is (RSS with garbage not yet
 * collected) and after a full GC (what it really holds: live buffers and objects). Returns the
 * peaks of both.
 */
async function peakDuring(relay, work) {
  const peak = { rss: 0, liveRss: 0, liveExternal: 0 };
  let sampling = true;
  const sampler = (async () => {
    for (let i = 0; sampling; i++) {
      const gc = i % 2 === 1;
      const m = await relay.memory(gc);
      if (gc) {
        peak.liveRss = Math.max(peak.liveRss, m.rss);
        peak.liveExternal = Math.max(peak.liveExternal, m.external);
      } else {
        peak.rss = Math.max(peak.rss, m.rss);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    sampling = false;
    await sampler;
  }
}

const growth = (peak, before) => ({
  peakRssGrowthMiB: Math.max(0, peak.rss - before.rss) / (KiB * KiB),
  liveRssGrowthMiB: Math.max(0, peak.liveRss - before.rss) / (KiB * KiB),
  liveBuffersGrowthMiB: Math.max(0, peak.liveExternal - before.external) / (KiB * KiB),
});

/**
 * One socket sends as fast as credit allows to a TCP peer reading at `slowBytesPerSecond`, for
 * `durationMs`; a second socket's peer floods a page that does not read. The growth over the idle
 * relay (after GC) of its live buffers and RSS is what it holds for that socket; the growth of
 * its RSS without GC adds the garbage of the bytes that went through.
 */
export async function slowReaderMemory({ relay, relayUrl, slowPort, sourcePort, durationMs, payload, chunkSize }) {
  const w = openWinsock(relayUrl);
  try {
    const before = await relay.memory();
    // Upload to the slow reader.
    const up = await peakDuring(relay, async () => {
      const pipe = await openWs2webPipe(ws2web, w, slowPort);
      let sent = 0;
      const end = performance.now() + durationMs;
      await new Promise((resolve) => {
        const writeMore = () => {
          if (performance.now() >= end) return resolve();
          const chunk = payload.view(sent % payload.length, chunkSize);
          sent += chunk.length;
          pipe.write(chunk);
        };
        pipe.onDrain(writeMore);
        writeMore();
      });
      pipe.close();
      return { sentMiB: sent / (KiB * KiB) };
    });
    const afterUp = await relay.memory();
    // A flood towards a page that does not read.
    const down = await peakDuring(relay, async () => {
      const { AF_INET, IPPROTO_TCP, SOCK_STREAM, FIONREAD } = ws2web;
      const s = w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      const address = ws2web.sockaddrIn('127.0.0.1', sourcePort);
      await w.connect(s, address, address.length);
      await new Promise((r) => setTimeout(r, durationMs));
      const pending = { value: 0 };
      w.ioctlsocket(s, FIONREAD, pending);
      w.closesocket(s);
      return { pageBufferedKiB: pending.value / KiB };
    });
    return {
      durationMs,
      idleRssMiB: before.rss / (KiB * KiB),
      upload: { ...up.result, ...growth(up.peak, before) },
      unreadDownload: { ...down.result, ...growth(down.peak, afterUp) },
    };
  } finally {
    w.WSACleanup();
  }
}
