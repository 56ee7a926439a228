/**
 * An inbound connection a listener accepted becomes a stream of its page: the stream limits of
 * an OPEN apply (draining, maxStreams, maxSocketsTotal — not the open rate, which is the page's
 * own pace), then it gets the next relay stream id (0x80000000 upward, never reused) and a
 * PENDING TcpStream. Refused → reset at once, counted.
 */
import type net from 'node:net';
import type { Endpoint } from '@ws2web/protocol';
import { resetSocket } from '../streams/stream-base.js';
import type { StreamHost } from '../streams/stream-host.js';
import { TcpStream, type InboundParent } from '../streams/tcp-stream.js';
import type { Admission } from './admission.js';
import type { StreamTable } from './stream-table.js';

/** The page's side: its host, ids and admission, and whether it is READY. */
export interface AdoptionContext {
  host: StreamHost;
  table: StreamTable;
  admission: Admission;
  ready: boolean;
}

/** The adopted stream, or null when the socket was reset. */
export function adoptInbound(
  page: AdoptionContext,
  socket: net.Socket,
  parent: InboundParent,
  local: Endpoint,
  remote: Endpoint,
): TcpStream | null {
  const { host, table, admission } = page;
  // No limit name when the page is going away, or 2^31 inbound streams used up one WebSocket.
  const going = admission.draining || !page.ready;
  const limit = going ? null : admission.inboundLimit(table.open);
  const id = going || limit !== null ? null : table.nextRelayId();
  if (id !== null) {
    const stream = new TcpStream(host, { stream: id, remote, local, window: 0, flags: 0 });
    stream.adoptInbound(socket, parent);
    table.add(stream);
    return stream;
  }
  if (limit !== null) {
    host.metrics.countLimit(limit);
    host.options.log('info', 'inbound connection reset: limit', { ...host.logFields, limit });
  }
  host.metrics.countInbound('limit');
  resetSocket(socket);
  return null;
}
