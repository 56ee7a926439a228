#!/usr/bin/env node
// A client written the way a user writes one, run as a standalone process (a fresh Node, no
// warm-up, nothing else on its event loop): one connection, a sender loop and a receiver loop at
// once, sha256 of both directions computed while the bytes move. The bench (user-style.mjs)
// starts one process per measurement and reads the one JSON line it prints.
//
//   node bench/lib/user-client.mjs <path> <mode> [options]
//     path   ws2web --relay URL --port P    @ws2web/browser (built) in Node, `ws` WebSocket
//            net --port P                   node:net (direct, or to the plain proxy's port)
//            websockify --url URL           a `ws` WebSocket to websockify
//     mode   bulk      --bytes N --chunk N [--recv N]   send N bytes in chunks while receiving
//            connect   --count N                        connect + 1-byte echo + close, N times
//            request   --size N --ms N                  request/response of N bytes for N ms
//   No TCP_NODELAY anywhere (a user does not set it); --nodelay sets it, to measure what it does.
//   To take apart how the older in-process bench differs (bench/gap.mjs): --warmup N moves N bytes
//   on a first connection before the timed one (same Winsock object / process), --hash-after
//   hashes the sent bytes after the clock stops instead of while sending.
//   --cost adds `cost` to the result (bench/cost.mjs): this process's CPU time and read/write
//   syscalls over the measured part, and for ws2web the WebSocket messages and frames each way.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { patternBlock } from './cases.mjs';
import { costDelta, countingWebSocket, processCost } from './cost-counters.mjs';

const { positionals, values: opt } = parseArgs({
  allowPositionals: true,
  options: {
    relay: { type: 'string' },
    port: { type: 'string' },
    url: { type: 'string' },
    bytes: { type: 'string', default: String(64 * 1024 * 1024) },
    chunk: { type: 'string', default: String(64 * 1024) },
    recv: { type: 'string', default: String(256 * 1024) },
    count: { type: 'string', default: '300' },
    size: { type: 'string', default: '64' },
    ms: { type: 'string', default: '1000' },
    nodelay: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '0' },
    'hash-after': { type: 'boolean', default: false },
    cost: { type: 'boolean', default: false },
  },
});
const [pathName, mode] = positionals;
const now = () => performance.now();

/** --cost: the WebSocket class counts messages and frames; `meter` brackets the measured part. */
const counting = opt.cost ? countingWebSocket(WebSocket) : null;
const snapshot = () => ({ process: processCost(), ws: structuredClone(counting?.counters ?? null) });
let costFrom = null;
const meter = {
  start() {
    costFrom = snapshot();
  },
  result() {
    if (!opt.cost || costFrom === null) return undefined;
    const to = snapshot();
    const ws = to.ws && {
      sent: wsDelta(costFrom.ws.sent, to.ws.sent),
      received: wsDelta(costFrom.ws.received, to.ws.received),
    };
    return { client: costDelta(costFrom.process, to.process), ws };
  },
};
function wsDelta(a, b) {
  const frames = Object.fromEntries(Object.entries(b.frames).map(([k, v]) => [k, v - (a.frames[k] ?? 0)]));
  return { messages: b.messages - a.messages, bytes: b.bytes - a.bytes, frames };
}

/** The bytes a user's program sends: pseudo-random, one 1 MiB block repeated (no allocation per chunk). */
const makeBlock = (size = 1024 * 1024) => patternBlock(size, 0x2545f491);

// ------------------------------------------------------------------------------------------------
// Each path as a "blocking socket": connect(), send(bytes) resolving when the bytes were taken,
// recv(buffer) resolving with the count read (0 at the end), close().

async function ws2webSocket() {
  const ws2web = await import('../../packages/browser/dist/index.js');
  const w = ws2web.createWinsock({ relay: opt.relay, WebSocket: counting?.WebSocket ?? WebSocket });
  if (w.WSAStartup(0x0202, {}) !== 0) throw new Error('WSAStartup failed');
  const fail = (call) => new Error(`${call} failed with Winsock error ${w.WSAGetLastError()}`);
  return {
    async connect() {
      const s = w.socket(ws2web.AF_INET, ws2web.SOCK_STREAM, ws2web.IPPROTO_TCP);
      if (s === ws2web.INVALID_SOCKET) throw fail('socket');
      if (opt.nodelay && w.setsockopt(s, ws2web.IPPROTO_TCP, ws2web.TCP_NODELAY, Uint8Array.of(1, 0, 0, 0), 4) !== 0)
        throw fail('setsockopt');
      const address = ws2web.sockaddrIn('127.0.0.1', Number(opt.port));
      if ((await w.connect(s, address, address.length)) !== 0) throw fail('connect');
      return {
        async send(bytes) {
          for (let at = 0; at < bytes.length; ) {
            const view = bytes.subarray(at);
            const n = await w.send(s, view, view.length, 0);
            if (n === ws2web.SOCKET_ERROR) throw fail('send');
            at += n;
          }
        },
        async recv(buffer) {
          const n = await w.recv(s, buffer, buffer.length, 0);
          if (n === ws2web.SOCKET_ERROR) throw fail('recv');
          return n;
        },
        close: () => void w.closesocket(s),
      };
    },
    end: () => void w.WSACleanup(),
  };
}

/** node:net as a blocking socket: write, and wait for 'drain' when it says so; reads queue up. */
function netSocket() {
  return {
    async connect() {
      const socket = netConnect({ host: '127.0.0.1', port: Number(opt.port), noDelay: opt.nodelay });
      await once(socket, 'connect');
      return streamSocket({
        write: (bytes) => socket.write(bytes),
        waitDrain: () => once(socket, 'drain'),
        onData: (fn) => socket.on('data', fn),
        onEnd: (fn) => socket.once('end', fn),
        close: () => socket.destroy(),
      });
    },
    end() {},
  };
}

/** A `ws` WebSocket to websockify: binary messages, waiting while more than 1 MiB is unsent. */
function websockifySocket() {
  return {
    async connect() {
      const ws = new WebSocket(opt.url, { perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      await once(ws, 'open');
      let lastSent = Promise.resolve();
      return streamSocket({
        write(bytes) {
          lastSent = new Promise((resolve) => ws.send(bytes, resolve));
          return ws.bufferedAmount < 1024 * 1024;
        },
        waitDrain: () => lastSent,
        onData: (fn) => ws.on('message', fn),
        onEnd: (fn) => ws.once('close', fn),
        close: () => ws.terminate(),
      });
    },
    end() {},
  };
}

/** Blocking send/recv over an event-driven stream: what a user's helper around it would do. */
function streamSocket({ write, waitDrain, onData, onEnd, close }) {
  const pieces = [];
  let ended = false;
  let wake = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  onData((chunk) => {
    pieces.push(chunk);
    notify();
  });
  onEnd(() => {
    ended = true;
    notify();
  });
  return {
    async send(bytes) {
      if (!write(bytes)) await waitDrain();
    },
    async recv(buffer) {
      while (pieces.length === 0 && !ended)
        await new Promise((resolve) => {
          wake = resolve;
        });
      let n = 0;
      while (pieces.length > 0 && n < buffer.length) {
        const piece = pieces[0];
        const take = Math.min(piece.length, buffer.length - n);
        buffer.set(piece.subarray(0, take), n);
        n += take;
        if (take === piece.length) pieces.shift();
        else pieces[0] = piece.subarray(take);
      }
      return n;
    },
    close,
  };
}

// ------------------------------------------------------------------------------------------------

/** Sender and receiver at once; sha256 of each direction. Time runs from after connect to the last byte. */
async function bulk(api) {
  const block = makeBlock();
  if (Number(opt.warmup) > 0) {
    const warm = await transfer(api, block, Number(opt.warmup), false);
    if (!warm.verified) throw new Error('warm-up transfer did not verify');
  }
  meter.start();
  return transfer(api, block, Number(opt.bytes), opt['hash-after']);
}

async function transfer(api, block, bytes, hashAfter) {
  const chunk = Number(opt.chunk);
  const socket = await api.connect();
  const sentHash = createHash('sha256');
  const receivedHash = createHash('sha256');
  const started = now();
  async function sender() {
    for (let at = 0; at < bytes; ) {
      const offset = at % block.length;
      const view = block.subarray(offset, offset + Math.min(chunk, bytes - at, block.length - offset));
      if (!hashAfter) sentHash.update(view);
      await socket.send(view);
      at += view.length;
    }
  }
  async function receiver() {
    const buffer = new Uint8Array(Number(opt.recv));
    let received = 0;
    while (received < bytes) {
      const n = await socket.recv(buffer);
      if (n <= 0) break;
      receivedHash.update(buffer.subarray(0, n));
      received += n;
    }
    return received;
  }
  const [, received] = await Promise.all([sender(), receiver()]);
  const seconds = (now() - started) / 1000;
  socket.close();
  if (hashAfter) {
    for (let at = 0; at < bytes; ) {
      const offset = at % block.length;
      const view = block.subarray(offset, offset + Math.min(chunk, bytes - at, block.length - offset));
      sentHash.update(view);
      at += view.length;
    }
  }
  const sent = sentHash.digest('hex');
  const got = receivedHash.digest('hex');
  return { bytes, received, seconds, sha256: got, verified: received === bytes && sent === got };
}

/** Connect, send 1 byte, read it back, close — `count` times in sequence; each time in ms. */
async function connectEcho(api) {
  const samples = [];
  const buffer = new Uint8Array(16);
  let verified = true;
  meter.start();
  for (let i = 0; i < Number(opt.count); i++) {
    const t0 = now();
    const socket = await api.connect();
    await socket.send(Uint8Array.of(i & 0xff));
    const n = await socket.recv(buffer);
    socket.close();
    samples.push(now() - t0);
    if (n !== 1 || buffer[0] !== (i & 0xff)) verified = false;
  }
  return { samples, verified };
}

/** One connection, `size`-byte request, wait for all `size` bytes back, repeat for `ms`. */
async function requestResponse(api) {
  const size = Number(opt.size);
  const request = makeBlock(4096).subarray(0, size);
  const buffer = new Uint8Array(Math.max(size, 4096));
  const socket = await api.connect();
  const samples = [];
  let verified = true;
  meter.start();
  const started = now();
  const end = started + Number(opt.ms);
  while (now() < end) {
    const t0 = now();
    await socket.send(request);
    let got = 0;
    while (got < size) {
      const n = await socket.recv(buffer.subarray(got));
      if (n <= 0) throw new Error('connection closed during request/response');
      got += n;
    }
    if (Buffer.compare(buffer.subarray(0, size), request) !== 0) verified = false;
    samples.push(now() - t0);
  }
  const seconds = (now() - started) / 1000;
  socket.close();
  return { rounds: samples.length, perSecond: samples.length / seconds, samples, verified };
}

const apis = { ws2web: ws2webSocket, net: netSocket, websockify: websockifySocket };
const modes = { bulk, connect: connectEcho, request: requestResponse };
if (!apis[pathName] || !modes[mode]) {
  console.error(`usage: user-client.mjs <${Object.keys(apis).join('|')}> <${Object.keys(modes).join('|')}> [options]`);
  process.exit(2);
}
const api = await apis[pathName]();
const result = await modes[mode](api);
const cost = meter.result();
if (cost) result.cost = cost;
api.end();
// Exit only once the line is out: stdout to a pipe is asynchronous, and a long line (many samples) would be cut.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
