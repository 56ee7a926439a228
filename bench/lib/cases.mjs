// The benchmark cases, written once for every path and both runtimes (Node and the page).
//
// A Pipe is a connected byte stream to one of the servers in servers.mjs:
//   write(bytes) → boolean   queue bytes; false = wait for onDrain before writing more
//   onData(fn)               fn(view) for each piece received, in order (the view is only
//                            valid during the call)
//   onDrain(fn)              fn() when write may be called again
//   close()                  drop the connection
// `open()` returns a Promise of a new Pipe. Every case is bounded in time: a deadline ends the
// sending, and `STALL_MS` without progress fails the case instead of hanging the run.
//
// Payloads are `Payload`s: a block of pseudo-random bytes (the same generator in Node and in
// the page, so either side can check the other) repeated to any length.

const STALL_MS = 15_000;
const now = () => performance.now();

/** xorshift32 bytes: fast, deterministic, incompressible enough for a byte pipe. */
export function patternBlock(size, seed = 0x9e3779b9) {
  const words = new Uint32Array(size / 4);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer);
}

/** `block` repeated up to `length` bytes; `view` never crosses the end of a block. */
export function periodicPayload(block, length) {
  return {
    length,
    block,
    view(offset, max) {
      const at = offset % block.length;
      return block.subarray(at, at + Math.min(max, length - offset, block.length - at));
    },
  };
}

/** Rejects if `progress()` has not changed for STALL_MS while `promise` is pending. */
function watchStall(promise, progress, what) {
  return new Promise((resolve, reject) => {
    let last = progress();
    let lastChange = now();
    const timer = setInterval(() => {
      const p = progress();
      if (p !== last) {
        last = p;
        lastChange = now();
        return;
      }
      if (now() - lastChange > STALL_MS) {
        clearInterval(timer);
        reject(new Error(`${what}: no progress for ${STALL_MS / 1000} s (at ${p})`));
      }
    }, 500);
    promise.then(
      (v) => {
        clearInterval(timer);
        resolve(v);
      },
      (e) => {
        clearInterval(timer);
        reject(e);
      },
    );
  });
}

/**
 * Streams `bytes` of `payload` (stopping early at `deadline`) to the echo server while reading
 * the echo; done when every byte sent came back. `check` sees every received piece with its
 * offset and says at the end whether the echo equals what was sent (`makeCheck(payload)`:
 * sha256 of both sides in Node, a byte-by-byte comparison in the page).
 */
export async function bulkEcho({ open, payload, bytes, chunkSize, deadline, makeCheck }) {
  const pipe = await open();
  const check = makeCheck(payload);
  const started = now();
  let sent = 0;
  let received = 0;
  const done = new Promise((resolve) => {
    let sendingDone = false;
    const finishIfDone = () => {
      if (sendingDone && received >= sent) resolve(now());
    };
    pipe.onData(function bulkEchoOnData(chunk) {
      check.update(chunk, received);
      received += chunk.length;
      finishIfDone();
    });
    const writeMore = () => {
      while (sent < bytes && now() < deadline) {
        const chunk = payload.view(sent, chunkSize);
        sent += chunk.length;
        if (!pipe.write(chunk)) return;
      }
      sendingDone = true;
      finishIfDone();
    };
    pipe.onDrain(writeMore);
    writeMore();
  });
  const ended = await watchStall(done, () => received + sent, 'bulk echo');
  pipe.close();
  const verdict = await check.result(sent, received);
  return { sent, received, seconds: (ended - started) / 1000, ...verdict };
}

/**
 * One-way: an 8-byte length, then `bytes` of `payload` to the sink, which answers the sha256 of
 * what it got. The time runs until that answer arrives (every byte was read by the server).
 */
export async function bulkSink({ open, payload, bytes, chunkSize }) {
  const pipe = await open();
  const started = now();
  let sent = 0;
  const answer = new Uint8Array(32);
  let answered = 0;
  const done = new Promise((resolve) => {
    pipe.onData(function sinkOnData(chunk) {
      const n = Math.min(chunk.length, 32 - answered);
      answer.set(chunk.subarray(0, n), answered);
      answered += n;
      if (answered === 32) resolve(now());
    });
    const header = new Uint8Array(8);
    new DataView(header.buffer).setBigUint64(0, BigInt(bytes));
    const writeMore = () => {
      while (sent < bytes) {
        const chunk = payload.view(sent, chunkSize);
        sent += chunk.length;
        if (!pipe.write(chunk)) return;
      }
    };
    pipe.onDrain(writeMore);
    if (pipe.write(header)) writeMore();
  });
  const ended = await watchStall(done, () => sent + answered, 'bulk sink');
  pipe.close();
  return { sent, seconds: (ended - started) / 1000, sinkSha256: hex(answer) };
}

/** Writes `message` and resolves when as many bytes came back. */
function echoRound(pipe, message) {
  return new Promise((resolve) => {
    let got = 0;
    pipe.onData((chunk) => {
      got += chunk.length;
      if (got >= message.length) resolve();
    });
    pipe.write(message);
  });
}

/** Milliseconds of each sequential connect + 1-byte echo + close, up to `count` or `deadline`. */
export async function connectLatency({ open, count, deadline }) {
  const samples = [];
  const one = Uint8Array.of(0x2a);
  const run = (async () => {
    while (samples.length < count && now() < deadline) {
      const started = now();
      const pipe = await open();
      await echoRound(pipe, one);
      samples.push(now() - started);
      pipe.close();
    }
  })();
  await watchStall(run, () => samples.length, 'connect latency');
  return samples;
}

/** Round trips of `size`-byte messages on one connection for `durationMs`; per-round ms. */
export async function pingPong({ open, size, durationMs }) {
  const pipe = await open();
  const message = patternBlock(Math.max(4, size)).subarray(0, size);
  for (let i = 0; i < 50; i++) await echoRound(pipe, message); // warm up
  const samples = [];
  const started = now();
  const end = started + durationMs;
  const run = (async () => {
    while (now() < end) {
      const t = now();
      await echoRound(pipe, message);
      samples.push(now() - t);
    }
  })();
  await watchStall(run, () => samples.length, 'ping-pong');
  const seconds = (now() - started) / 1000;
  pipe.close();
  return { rounds: samples.length, perSecond: samples.length / seconds, samples };
}

/**
 * `sockets` connections, each streaming to the echo server as fast as it may for `durationMs`
 * (then waiting for its echo). Per-socket throughput shows whether any socket starved.
 */
export async function parallelEcho({ open, sockets, payload, chunkSize, durationMs, makeCheck }) {
  const pipes = await Promise.all(Array.from({ length: sockets }, () => open()));
  const deadline = now() + durationMs;
  const started = now();
  const results = await Promise.all(
    pipes.map((pipe, i) => {
      const offset = (i * 7919 * 4096) % payload.block.length; // a different stretch per socket
      const shifted = periodicPayload(payload.block.subarray(offset), Infinity);
      const check = makeCheck(shifted);
      let sent = 0;
      let received = 0;
      const done = new Promise((resolve) => {
        let sendingDone = false;
        const finishIfDone = () => {
          if (sendingDone && received >= sent) resolve();
        };
        pipe.onData((chunk) => {
          check.update(chunk, received);
          received += chunk.length;
          finishIfDone();
        });
        const writeMore = () => {
          while (now() < deadline) {
            const chunk = shifted.view(sent, chunkSize);
            sent += chunk.length;
            if (!pipe.write(chunk)) return;
          }
          sendingDone = true;
          finishIfDone();
        };
        pipe.onDrain(writeMore);
        writeMore();
      });
      return watchStall(done, () => received + sent, `parallel socket ${i}`).then(async () => {
        pipe.close();
        return { received, ...(await check.result(sent, received)) };
      });
    }),
  );
  const seconds = (now() - started) / 1000;
  return { seconds, perSocket: results };
}

/**
 * One socket saturates (bulk echo) while `pingers` other sockets on the same path do 64-byte
 * ping-pongs: the pingers' round trips show whether the bulk socket starves them.
 */
export async function saturatedFairness({ open, pingers, payload, chunkSize, durationMs, makeCheck }) {
  const deadline = now() + durationMs;
  const endless = periodicPayload(payload.block, Infinity);
  const bulk = bulkEcho({ open, payload: endless, bytes: Infinity, chunkSize, deadline, makeCheck });
  const pipes = await Promise.all(Array.from({ length: pingers }, () => open()));
  const message = patternBlock(64);
  const rtts = [];
  const rounds = await Promise.all(
    pipes.map(async (pipe) => {
      let n = 0;
      while (now() < deadline) {
        const t = now();
        await echoRound(pipe, message);
        rtts.push(now() - t);
        n++;
      }
      pipe.close();
      return n;
    }),
  );
  return { bulk: await bulk, rounds, rtts };
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A check that compares every received byte with the payload (used in the page). */
export function compareCheck(payload) {
  let mismatchAt = -1;
  return {
    update(chunk, offset) {
      if (mismatchAt >= 0) return;
      let at = 0;
      while (at < chunk.length) {
        const expected = payload.view(offset + at, chunk.length - at);
        for (let i = 0; i < expected.length; i++) {
          if (chunk[at + i] !== expected[i]) {
            mismatchAt = offset + at + i;
            return;
          }
        }
        at += expected.length;
      }
    },
    async result(sent, received) {
      return { verified: mismatchAt < 0 && sent === received, check: 'byte-compare', mismatchAt };
    },
  };
}
