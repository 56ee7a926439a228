/**
 * Creating the relay's UDP sockets. Injectable (`startRelay({ udpSocket })`) so tests can see
 * what would be sent — to a broadcast or public address — without sending it.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface UdpSocketRequest {
  type: 'udp4' | 'udp6';
  /** IPV6_V6ONLY (udp6 only): false for a dual-stack socket. */
  ipv6Only: boolean;
}

/** Returns an unbound socket; the caller binds it and sends only to checked IP literals. */
export type UdpSocketFactory = (request: UdpSocketRequest) => dgram.Socket;

export const defaultUdpSocket: UdpSocketFactory = function createUdpSocket(req) {
  return dgram.createSocket({
    type: req.type,
    ipv6Only: req.type === 'udp6' ? req.ipv6Only : undefined,
    lookup: literalOnlyLookup,
  });
};

/**
 * dgram calls its lookup for every bind and send, literals included. Destinations are always
 * checked literals, so a literal passes through and a name is a bug: refused, never queried.
 */
function literalOnlyLookup(
  host: string,
  _family: unknown,
  callback: (err: Error | null, address: string, family: number) => void,
): void {
  const family = net.isIP(host);
  if (family !== 0) return callback(null, host, family);
  const err = Object.assign(new Error(`ws2web relay: refusing to resolve ${host} for a datagram`), { code: 'EINVAL' });
  callback(err, '', 0);
}
