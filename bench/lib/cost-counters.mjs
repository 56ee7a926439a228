// Load-independent cost counters for bench/cost.mjs: a process's CPU time and syscall counts, and
// a WebSocket wrapper that counts the messages and ws2web frames crossing it. CPU time still moves
// a little with the machine's load (caches, scheduling), but far less than wall-clock throughput
// on two shared cores; counts do not move at all.
import { readFileSync } from 'node:fs';
import { FrameType, HEADER_BYTES } from '../../packages/protocol/dist/index.js';

/** /proc/self/io's read/write syscall counts (Linux); zeros elsewhere. */
function syscalls() {
  try {
    const io = readFileSync('/proc/self/io', 'utf8');
    const field = (name) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
    return { syscr: field('syscr'), syscw: field('syscw') };
  } catch {
    return { syscr: 0, syscw: 0 };
  }
}

/** This process's CPU time (µs, user and system) and read/write syscalls so far. */
export function processCost() {
  const { user, system } = process.cpuUsage();
  return { userUs: user, systemUs: system, ...syscalls() };
}

/** `after − before` of two processCost() readings. */
export function costDelta(before, after) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
}

const NAMES = Object.fromEntries(Object.entries(FrameType).map(([name, type]) => [type, name]));

/** Adds the frames of one ws2web message to `into` (frame type name → count); walks headers only. */
function countFrames(bytes, into) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + HEADER_BYTES <= bytes.byteLength; at += HEADER_BYTES + view.getUint32(at + 5)) {
    const name = NAMES[bytes[at]] ?? 'OTHER';
    into[name] = (into[name] ?? 0) + 1;
  }
}

function asBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Buffer.concat(data);
  return new Uint8Array(0);
}

/**
 * `WebSocket` (the `ws` class) with counters: messages and frames each way. Returns the class
 * and the live counters: { sent: { messages, bytes, frames }, received: { … } }.
 */
export function countingWebSocket(WebSocket) {
  const counters = {
    sent: { messages: 0, bytes: 0, frames: {} },
    received: { messages: 0, bytes: 0, frames: {} },
  };
  class CountingWebSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', function countReceived(event) {
        const bytes = asBytes(event.data);
        counters.received.messages++;
        counters.received.bytes += bytes.byteLength;
        countFrames(bytes, counters.received.frames);
      });
    }
    send(data, ...rest) {
      const bytes = asBytes(data);
      counters.sent.messages++;
      counters.sent.bytes += bytes.byteLength;
      countFrames(bytes, counters.sent.frames);
      return super.send(data, ...rest);
    }
  }
  return { WebSocket: CountingWebSocket, counters };
}
