// The `chromiumTransports` case: bulk echo in headless Chromium over every transport a page
// has, round-robin in one run so load drift hits all alike, each against Chromium's own single
// WebSocket to a `ws` echo (the ceiling of any page-side relay client on one WebSocket).
// Rows (transport-echo.mjs does the work, in the page or in a dedicated Worker):
//   ws ×N           N raw WebSockets at once to the `ws` echo (N = 1 is the reference)
//   wss ×N          the same with WebSocketStream (when the browser has it)
//   ws2web main     @ws2web/browser on the main thread, 1 socket, relay → echo server
//   ws2web worker   the same Winsock object living in a Worker
//   ws2web ×N / 1ws N sockets over one Winsock object (one WebSocket)
//   ws2web ×N / Nws N Winsock objects (N WebSockets), one socket each: striping by socket
import { MiB, describeSpread, round, spread } from './stats.mjs';

/** Every row: [name, arg for bench.transport]. `webSocket` rows only where the browser has it. */
function rows({ wsEchoUrl, relayUrl, port, parallel, available }) {
  const ws2web = { relayUrl, port };
  const list = [
    ['ws ×1', { where: 'main', transport: 'websocket', wsEchoUrl }],
    ['ws ×1 worker', { where: 'worker', transport: 'websocket', wsEchoUrl }],
    [`ws ×${parallel}`, { where: 'main', transport: 'websocket', wsEchoUrl, sockets: parallel }],
    ['ws2web main, ws', { where: 'main', transport: 'ws2web', webSocket: 'WebSocket', ...ws2web }],
    ['ws2web worker, ws', { where: 'worker', transport: 'ws2web', webSocket: 'WebSocket', ...ws2web }],
    [
      `ws2web ×${parallel} / 1 ws`,
      { where: 'main', transport: 'ws2web', webSocket: 'WebSocket', sockets: parallel, ...ws2web },
    ],
    [
      `ws2web ×${parallel} / ${parallel} ws`,
      { where: 'main', transport: 'ws2web-striped', webSocket: 'WebSocket', sockets: parallel, ...ws2web },
    ],
  ];
  if (available.WebSocketStream) {
    list.splice(2, 0, ['wss ×1', { where: 'main', transport: 'websocketstream', wsEchoUrl }]);
    list.splice(3, 0, ['wss ×1 worker', { where: 'worker', transport: 'websocketstream', wsEchoUrl }]);
    list.splice(6, 0, [
      'ws2web main, wss',
      { where: 'main', transport: 'ws2web', webSocket: 'WebSocketStream', ...ws2web },
    ]);
    list.splice(8, 0, [
      'ws2web worker, wss',
      { where: 'worker', transport: 'ws2web', webSocket: 'WebSocketStream', ...ws2web },
    ]);
  }
  return list;
}

export async function chromiumTransports({
  chromium,
  wsEchoUrl,
  relayUrl,
  port,
  bytes,
  chunkSize,
  capMs,
  repeat,
  parallel,
  log,
}) {
  const available = await chromium.call('transportsAvailable');
  log(
    `  this Chromium: WebSocketStream ${available.WebSocketStream ? 'yes' : 'no'}, WebTransport ${available.WebTransport ? 'yes (no server for it here)' : 'no'}`,
  );
  const list = rows({ wsEchoUrl, relayUrl, port, parallel, available });
  const sizes = { bytes, chunkSize, capMs };
  const runs = new Map(list.map(([name]) => [name, []]));
  // Warm-up (JIT, the Worker's start, the relay's first WebSocket), then round-robin.
  for (const [, arg] of list) await chromium.call('transport', { ...arg, ...sizes, bytes: bytes / 8 });
  for (let i = 0; i < repeat; i++)
    for (const [name, arg] of list) runs.get(name).push(await chromium.call('transport', { ...arg, ...sizes }));
  const paths = {};
  let reference = NaN;
  for (const [name, arg] of list) {
    const results = runs.get(name);
    const s = spread(results.map((r) => r.received / MiB / r.seconds));
    if (name === 'ws ×1') reference = s.median;
    paths[name] = {
      value: s.median,
      ...s,
      where: arg.where,
      transport: arg.transport,
      sockets: arg.sockets ?? 1,
      overChromiumWebSocket: round(s.median / reference, 2),
      capped: results.some((r) => r.sent < bytes - chunkSize * (arg.sockets ?? 1)),
      verified: results.every((r) => r.verified),
    };
    log(
      `  ${name.padEnd(20)} ${describeSpread(s, ' MiB/s')} = ${paths[name].overChromiumWebSocket}× ws ×1${paths[name].capped ? ' (time cap)' : ''} ${paths[name].verified ? 'verified' : 'MISMATCH'}`,
    );
  }
  return { unit: 'MiB/s', higherIsBetter: true, available, paths };
}
