/**
 * The relay's plain-HTTP face, on the same host and port as the WebSocket:
 *   GET /healthz → 200 "ok" while serving (503 while closing or draining)
 *   GET /readyz  → 200 "ready" while new pages are welcome: 503 while draining or when the
 *                  relay-wide socket limit is reached (a load balancer sends pages elsewhere)
 *   GET /metrics → Prometheus text, to whom metricsAccess allows (404 / 401 to others); on the
 *                  separate metrics listener (`metricsPort`), to anyone who reaches it
 *   anything else → 426 on "/" (it is a WebSocket endpoint), 404 elsewhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Metrics } from '../ops/metrics.js';

export interface HttpContext {
  serving(): boolean;
  /** Why new pages should go elsewhere, or null when ready. */
  notReady(): string | null;
  metrics: Metrics;
  /** Whether this request may read /metrics (see metricsAccess). */
  metricsAllowed(req: http.IncomingMessage): MetricsAccess;
}

/** `open`: serve; `auth`: 401, a bearer token is wanted; `hidden`: 404. */
export type MetricsAccess = 'open' | 'auth' | 'hidden';

/**
 * Who may read /metrics on the WebSocket port (counters name clients' refusals, limits and
 * load: reconnaissance for an attacker). With a separate metrics listener: nobody here. With a
 * secret: a request carrying `Authorization: Bearer <secret>`. Without either: only on a relay
 * listening on loopback; beyond it /metrics needs `metricsPort` or a secret.
 */
export function metricsAccess(
  req: http.IncomingMessage,
  o: { metricsPort?: number; secret: string | null; loopbackOnly: boolean },
): MetricsAccess {
  if (o.metricsPort !== undefined) return 'hidden';
  if (o.secret !== null) return bearerMatches(req.headers.authorization, o.secret) ? 'open' : 'auth';
  return o.loopbackOnly ? 'open' : 'hidden';
}

function bearerMatches(header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = createHash('sha256').update(header.slice(7)).digest();
  const wanted = createHash('sha256').update(secret).digest();
  return timingSafeEqual(given, wanted);
}

export function handleHttpRequest(ctx: HttpContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/healthz' && readOnly) {
    return reply(
      res,
      ctx.serving() ? 200 : 503,
      'text/plain; charset=utf-8',
      ctx.serving() ? 'ok' : 'shutting down',
      req.method,
    );
  }
  if (path === '/readyz' && readOnly) {
    const why = ctx.notReady();
    return reply(res, why === null ? 200 : 503, 'text/plain; charset=utf-8', why ?? 'ready', req.method);
  }
  if (path === '/metrics' && readOnly) {
    const access = ctx.metricsAllowed(req);
    if (access === 'auth') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="ws2web relay metrics"');
      return reply(
        res,
        401,
        'text/plain; charset=utf-8',
        'metrics need Authorization: Bearer <relay secret>\n',
        req.method,
      );
    }
    if (access === 'open')
      return reply(res, 200, 'text/plain; version=0.0.4; charset=utf-8', ctx.metrics.render(), req.method);
  }
  if (path === '/') {
    res.setHeader('Upgrade', 'websocket');
    return reply(res, 426, 'text/plain; charset=utf-8', 'ws2web relay: connect with a WebSocket\n', req.method);
  }
  reply(res, 404, 'text/plain; charset=utf-8', 'not found\n', req.method);
}

function reply(res: http.ServerResponse, status: number, type: string, body: string, method: string | undefined): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
