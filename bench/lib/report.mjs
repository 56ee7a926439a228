// The bench's tables and the targets (issue 6's, and the user-style ones of issue 13), judged on
// the figures of one run. A multi-run figure's `value` is the median of its runs.

/**
 * Buffers (after GC) a relay may hold for one socket that meets a slow reader: its window
 * (streamWindow, 1 MiB) or one WebSocket message (1 MiB), one 64 KiB read chunk, and slack.
 * RSS is reported beside it but not judged: freed memory is not returned to the OS at once.
 */
export const SLOW_READER_CEILING_MIB = 2.5;
/** A socket "starves" below this share of the median socket's throughput. */
const STARVED_SHARE = 0.25;
/** A pinger beside a saturating socket "starves" below this many round trips per second. */
const STARVED_ROUNDS_PER_SECOND = 20;

const BASELINES = ['direct', 'proxy', 'websockify'];

function cell(value, width, left = false) {
  const text = String(value);
  return left ? text.padEnd(width) : text.padStart(width);
}

/** One table: a row per path with its figure and its ratio to each baseline of the run. */
export function printCase(name, c) {
  const baselines = BASELINES.filter((b) => c.paths[b]);
  const header = [cell(name, 16, true), cell(c.unit, 24), ...baselines.map((b) => cell(`÷ ${b}`, 12)), '  detail'];
  console.log(header.join(' '));
  for (const [path, r] of Object.entries(c.paths)) {
    const ratios = baselines.map((b) => cell((r.value / c.paths[b].value).toFixed(2), 12));
    console.log([cell(`  ${path}`, 16, true), cell(r.value, 24), ...ratios, `  ${detail(r)}`].join(' '));
  }
  console.log('');
}

function detail(r) {
  const parts = [];
  if (r.n !== undefined) parts.push(`min ${r.min} / median ${r.median} / max ${r.max} of ${r.n}`);
  else if (r.runs) parts.push(`runs ${r.runs.join('/')}`);
  if (r.p99ms !== undefined) parts.push(`p50 ${r.p50ms} p99 ${r.p99ms} ms`);
  if (r.minPerSocket !== undefined) parts.push(`per socket min ${r.minPerSocket} max ${r.maxPerSocket}`);
  if (r.minRoundsPerSecond !== undefined)
    parts.push(`bulk ${r.bulkMiBPerSecond} MiB/s, pinger min ${r.minRoundsPerSecond}/s`);
  if (r.lost !== undefined) parts.push(`${r.lost} lost`);
  if (r.upload) {
    parts.push(
      `upload: buffers +${r.upload.liveBuffersGrowthMiB.toFixed(2)} MiB, RSS +${r.upload.liveRssGrowthMiB.toFixed(1)} MiB`,
    );
    parts.push(
      `unread flood: buffers +${r.unreadDownload.liveBuffersGrowthMiB.toFixed(2)} MiB, page holds ${r.unreadDownload.pageBufferedKiB} KiB`,
    );
  }
  if (r.levels) parts.push(r.levels.map((l) => `${l.sockets}: ${l.rssMiB.toFixed(1)} MiB`).join(', '));
  if (r.verified !== undefined) parts.push(r.verified ? 'verified' : 'MISMATCH');
  if (r.capped) parts.push('time cap');
  return parts.join(', ');
}

/** Each target of the issue that this run measured: the figure, the bound, and whether it holds. */
export function evaluateTargets(cases) {
  const targets = [];
  const ratio = (caseName, path, base, field = 'value') => {
    const c = cases[caseName];
    if (!c?.paths[path] || !c.paths[base]) return null;
    return c.paths[path][field] / c.paths[base][field];
  };
  const add = (name, measured, op, bound) => {
    if (measured === null || measured === undefined || Number.isNaN(measured)) return;
    const holds = op === '≥' ? measured >= bound : measured <= bound;
    targets.push({ name, measured: Math.round(measured * 1000) / 1000, bound: `${op} ${bound}`, holds });
  };
  add('bulk echo, ws2web (Node) ÷ proxy', ratio('bulkEcho', 'ws2web', 'proxy'), '≥', 0.75);
  add('bulk echo, ws2web (Node) ÷ websockify', ratio('bulkEcho', 'ws2web', 'websockify'), '≥', 3);
  add('bulk echo, ws2web (Chromium) ÷ proxy', ratio('bulkEcho', 'chromium', 'proxy'), '≥', 0.5);
  add('connect + first byte p50, ws2web ÷ direct', ratio('connectLatency', 'ws2web', 'direct', 'p50ms'), '≤', 2);
  add('connect + first byte p99, ws2web ÷ direct', ratio('connectLatency', 'ws2web', 'direct', 'p99ms'), '≤', 3);
  add('ping-pong 64 B, ws2web ÷ proxy', ratio('pingPong64', 'ws2web', 'proxy'), '≥', 0.6);
  add('ping-pong 1 KiB, ws2web ÷ proxy', ratio('pingPong1k', 'ws2web', 'proxy'), '≥', 0.6);
  for (const [caseName, what] of [
    ['userBulk64k', '64 KiB sends'],
    ['userBulk4k', '4 KiB sends'],
    ['userBulkPieces', 'echo in 1 KiB pieces'],
  ]) {
    add(`user-style bulk (${what}), ws2web ÷ proxy`, ratio(caseName, 'ws2web', 'proxy'), '≥', 0.75);
    add(`user-style bulk (${what}), ws2web ÷ websockify`, ratio(caseName, 'ws2web', 'websockify'), '≥', 1.5);
  }
  add(
    'user-style connect + first byte p50, ws2web ÷ direct',
    ratio('userConnect', 'ws2web', 'direct', 'p50ms'),
    '≤',
    2,
  );
  add(
    'user-style connect + first byte p99, ws2web ÷ direct',
    ratio('userConnect', 'ws2web', 'direct', 'p99ms'),
    '≤',
    3,
  );
  add('user-style request/response 64 B, ws2web ÷ proxy', ratio('userRequest64', 'ws2web', 'proxy'), '≥', 0.6);
  const idle = cases.idleMemory?.paths.ws2web;
  const tenThousand = idle?.levels.find((l) => l.sockets === 10_000);
  if (tenThousand) add('relay RSS per idle socket at 10,000 sockets (KiB)', tenThousand.perSocketKiB, '≤', 16);
  const parallel = cases.parallel?.paths.ws2web;
  if (parallel) add('100 sockets, one WebSocket: slowest ÷ median socket', parallel.minOverMedian, '≥', STARVED_SHARE);
  const fairness = cases.fairness?.paths.ws2web;
  if (fairness)
    add(
      'beside a saturating socket: slowest pinger round trips/s',
      fairness.minRoundsPerSecond,
      '≥',
      STARVED_ROUNDS_PER_SECOND,
    );
  const slow = cases.slowReader?.paths.ws2web;
  if (slow) add('relay buffers held for a slow reader (MiB, after GC)', slow.value, '≤', SLOW_READER_CEILING_MIB);
  return targets;
}

/** Ratios that explain the targets (no bound of their own). */
export function evaluateContext(cases) {
  const out = [];
  const echo = cases.bulkEcho?.paths;
  if (echo?.chromium && echo['chromium-ws']) {
    out.push({
      name: "bulk echo, ws2web (Chromium) ÷ Chromium's own WebSocket echo",
      measured: Math.round((echo.chromium.value / echo['chromium-ws'].value) * 1000) / 1000,
    });
  }
  if (echo?.['chromium-ws'] && echo.proxy) {
    out.push({
      name: "bulk echo, Chromium's own WebSocket echo ÷ proxy",
      measured: Math.round((echo['chromium-ws'].value / echo.proxy.value) * 1000) / 1000,
    });
  }
  if (echo?.websockify && echo.proxy) {
    out.push({
      name: 'bulk echo, websockify ÷ proxy',
      measured: Math.round((echo.websockify.value / echo.proxy.value) * 1000) / 1000,
    });
  }
  const latency = cases.connectLatency?.paths;
  if (latency?.proxy && latency.direct) {
    out.push({
      name: 'connect + first byte p50, proxy ÷ direct',
      measured: Math.round((latency.proxy.p50ms / latency.direct.p50ms) * 1000) / 1000,
    });
  }
  return out;
}

export function printTargets(targets, context = []) {
  console.log('targets, from this run (ratios of medians):');
  for (const t of targets) {
    console.log(
      `  ${t.holds ? 'holds ' : 'MISSED'}  ${t.name.padEnd(58)} ${String(t.measured).padStart(9)}  (${t.bound})`,
    );
  }
  if (context.length) console.log('context:');
  for (const c of context) console.log(`          ${c.name.padEnd(58)} ${String(c.measured).padStart(9)}`);
}
