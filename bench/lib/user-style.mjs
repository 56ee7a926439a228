// The user-style cases: what a user's own program sees. Each measurement is a fresh standalone
// client process (user-client.mjs) against servers a user writes (the plain echo, a plain proxy
// with Node's defaults) each in its own process, and a relay of its own with default options.
// Runs go round-robin over the paths, so a change in the machine's load hits every path alike.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRole, startWebsockify } from './children.mjs';
import { MiB, quantile, round, spread } from './stats.mjs';

const CLIENT = fileURLToPath(new URL('./user-client.mjs', import.meta.url));

/** Runs one client process; resolves with the JSON line it printed. */
function runClient(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLIENT, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * MiB },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`user client ${args.slice(0, 2).join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

/**
 * Starts the user-style world: the user's echo and the small-pieces echo, a plain proxy to each,
 * a relay, and websockify to each echo when `websockify` (its program path) is given.
 * Returns { paths: name → (echo: 'plain'|'pieces'|'tuned') → client args, order, runClient, stop }
 * ('tuned' is the older bench's echo with TCP_NODELAY and half-open, for bench/gap.mjs).
 */
export async function startUserWorld({ websockify }) {
  const targets = await startRole('user-targets');
  const { plainPort, piecesPort, tunedPort } = targets.info;
  const proxy = await startRole('user-proxy', [String(plainPort), String(piecesPort), String(tunedPort)]);
  const relay = await startRole('relay', ['{}']);
  const ports = { plain: plainPort, pieces: piecesPort, tuned: tunedPort };
  const proxyPorts = { plain: proxy.info.ports[0], pieces: proxy.info.ports[1], tuned: proxy.info.ports[2] };
  const paths = {
    direct: (echo) => ['net', '--port', String(ports[echo])],
    proxy: (echo) => ['net', '--port', String(proxyPorts[echo])],
    ws2web: (echo) => ['ws2web', '--relay', relay.info.relayUrl, '--port', String(ports[echo])],
  };
  const stoppers = [targets.stop, proxy.stop, relay.stop];
  if (websockify) {
    const urls = {};
    for (const echo of ['plain', 'pieces']) {
      const w = await startWebsockify(websockify, ports[echo]);
      urls[echo] = w.url;
      stoppers.push(w.stop);
    }
    paths.websockify = (echo) => ['websockify', '--url', urls[echo]];
  }
  const order = ['direct', 'proxy', 'websockify', 'ws2web'].filter((p) => paths[p]);
  return { paths, order, runClient, stop: () => Promise.all(stoppers.map((s) => s())) };
}

/** Bulk echo, `runs` fresh processes per path: MiB/s as min / median / max; every run verified. */
export async function userBulk(world, { echo, bytes, chunk, runs, timeoutMs, nodelay = false }) {
  const byPath = Object.fromEntries(world.order.map((p) => [p, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of world.order) {
      const args = [
        ...world.paths[name](echo),
        'bulk',
        '--bytes',
        String(bytes),
        '--chunk',
        String(chunk),
        ...(nodelay ? ['--nodelay'] : []),
      ];
      byPath[name].push(await runClient(args, timeoutMs));
    }
  }
  const rows = {};
  for (const [name, results] of Object.entries(byPath)) {
    const rates = results.map((r) => r.received / MiB / r.seconds);
    const s = spread(rates);
    rows[name] = {
      value: s.median,
      ...s,
      runs: rates.map((r) => round(r, 1)),
      mib: round(bytes / MiB, 1),
      verified: results.every((r) => r.verified),
      check: 'sha256 of both directions, computed by the client while sending and receiving',
      sha256: results[0].sha256,
    };
  }
  return rows;
}

function latencySummary(samples) {
  return {
    p50ms: round(quantile(samples, 0.5), 3),
    p99ms: round(quantile(samples, 0.99), 3),
    maxms: round(Math.max(...samples), 3),
  };
}

/** Connect + 1-byte echo + close, `count` in sequence in one fresh process per path; p50 / p99. */
export async function userConnect(world, { count, timeoutMs }) {
  const rows = {};
  for (const name of world.order) {
    const r = await runClient([...world.paths[name]('plain'), 'connect', '--count', String(count)], timeoutMs);
    const l = latencySummary(r.samples);
    rows[name] = { value: l.p50ms, ...l, connections: r.samples.length, verified: r.verified };
  }
  return rows;
}

/** Request/response of `size` bytes on one connection for `ms`, `runs` processes per path, round-robin. */
export async function userRequest(world, { size, ms, runs, timeoutMs }) {
  const byPath = Object.fromEntries(world.order.map((p) => [p, []]));
  for (let i = 0; i < runs; i++) {
    for (const name of world.order) {
      byPath[name].push(
        await runClient(
          [...world.paths[name]('plain'), 'request', '--size', String(size), '--ms', String(ms)],
          timeoutMs,
        ),
      );
    }
  }
  const rows = {};
  for (const [name, results] of Object.entries(byPath)) {
    const s = spread(
      results.map((r) => r.perSecond),
      0,
    );
    rows[name] = {
      value: s.median,
      ...s,
      runs: results.map((r) => round(r.perSecond, 0)),
      ...latencySummary(results.flatMap((r) => r.samples)),
      verified: results.every((r) => r.verified),
    };
  }
  return rows;
}
