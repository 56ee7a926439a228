// Baseline clients over node:net: bulk echo throughput and connect + 1-byte echo latency.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Streams `payload` to an echo server (respecting backpressure) while reading the echo, then
 * half-closes; resolves when the echo has ended. Stops sending early at `deadline`
 * (performance.now() ms) so a slow path cannot run the benchmark past its time budget.
 */
export function bulkEchoNet({ port, payload, chunkSize, deadline }) {
  return new Promise((resolve, reject) => {
    const sentHash = createHash('sha256');
    const receivedHash = createHash('sha256');
    let sent = 0;
    let received = 0;
    let ended = false;
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true });

    function writeMore() {
      while (!ended && sent < payload.length && performance.now() < deadline) {
        const chunk = payload.subarray(sent, sent + chunkSize);
        sentHash.update(chunk);
        sent += chunk.length;
        if (!socket.write(chunk)) return; // 'drain' calls us again
      }
      if (!ended) {
        ended = true;
        socket.end();
      }
    }
    socket.on('connect', writeMore);
    socket.on('drain', writeMore);
    socket.on('data', (chunk) => {
      receivedHash.update(chunk);
      received += chunk.length;
    });
    socket.on('end', () => {
      const seconds = (performance.now() - started) / 1000;
      const sentDigest = sentHash.digest('hex');
      const receivedDigest = receivedHash.digest('hex');
      socket.destroy();
      resolve({ sent, received, seconds, sha256: receivedDigest, verified: sent === received && sentDigest === receivedDigest });
    });
    socket.on('error', reject);
  });
}

function oneByteEcho(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => socket.write(Uint8Array.of(0x2a)));
    socket.once('data', (data) => {
      socket.destroy();
      if (data[0] === 0x2a) resolve();
      else reject(new Error(`echo returned ${data[0]}`));
    });
    socket.once('error', reject);
  });
}

/** Milliseconds for each of up to `count` sequential connect + 1-byte echo + close rounds. */
export async function latencyNet({ port, count, deadline }) {
  const samples = [];
  while (samples.length < count && performance.now() < deadline) {
    const started = performance.now();
    await oneByteEcho(port);
    samples.push(performance.now() - started);
  }
  return samples;
}
