// Node-side verification of echoed bytes: sha256 of what came back against sha256 of what was
// sent (computed after the timed transfer, and cached per length: every run sends the same bytes).
import { createHash } from 'node:crypto';

const sentDigests = new WeakMap();

/** sha256 (hex) of the first `bytes` bytes of `payload`. */
export function sha256Prefix(payload, bytes) {
  let cache = sentDigests.get(payload);
  if (!cache) {
    cache = new Map();
    sentDigests.set(payload, cache);
  }
  let digest = cache.get(bytes);
  if (digest === undefined) {
    const hash = createHash('sha256');
    for (let at = 0; at < bytes; ) {
      const view = payload.view(at, bytes - at);
      hash.update(view);
      at += view.length;
    }
    digest = hash.digest('hex');
    cache.set(bytes, digest);
  }
  return digest;
}

/** A `makeCheck` for cases.mjs: sha256 of the echo equals sha256 of what was sent. */
export function shaCheck(payload) {
  const received = createHash('sha256');
  return {
    update(chunk) {
      received.update(chunk);
    },
    async result(sent, receivedBytes) {
      const sha256 = received.digest('hex');
      return { verified: sent === receivedBytes && sha256 === sha256Prefix(payload, sent), check: 'sha256', sha256 };
    },
  };
}
