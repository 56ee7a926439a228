/**
 * The checks an upgrade passes before it may count against the client's connections: the page's
 * Origin against allowOrigins (403), and a usable client address behind a trusted proxy (400).
 * Also how a refused upgrade is answered: a plain HTTP status, then the socket closed.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { inCidrs, normalizeOrigin, type ResolvedOptions } from '../config/options.js';
import type { Metrics } from '../ops/metrics.js';
import { clientAddress } from './client-address.js';

/** The upgrade may go on, as `client` (exempt from the per-client limits or not), or is refused. */
export type UpgradeCheck = { ok: true; client: string; exempt: boolean } | { ok: false; status: number; text: string };

/** Origin and client address, counted and logged when refused. */
export function checkUpgrade(req: http.IncomingMessage, options: ResolvedOptions, metrics: Metrics): UpgradeCheck {
  const origin = req.headers.origin;
  if (options.allowOrigins && (origin === undefined || !options.allowOrigins.has(normalizeOrigin(origin)))) {
    metrics.originRefusals++;
    options.log('info', 'upgrade refused: origin not allowed', {
      origin: origin ?? '(none)',
      peer: req.socket.remoteAddress,
    });
    return { ok: false, status: 403, text: 'Forbidden' };
  }
  const identity = clientAddress(req, options.trustProxy);
  if (!identity.ok) {
    metrics.countLimit('bad_forwarded_for');
    options.log('info', 'upgrade refused: unusable X-Forwarded-For', {
      why: identity.why,
      peer: req.socket.remoteAddress,
    });
    return { ok: false, status: 400, text: 'Bad Request' };
  }
  const client = identity.address;
  // A proxy's own address is never exempt: a client that reached it with no hop of its own
  // must not inherit the proxy's (usually loopback) exemption.
  const exempt = !identity.proxyOnly && inCidrs(client, options.exemptClients);
  return { ok: true, client, exempt };
}

export function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${status} ${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

export function onUpgradeSocketError(): void {
  // A client that vanishes mid-upgrade is not the relay's problem; without a handler the
  // error would be thrown.
}
