/**
 * Creating the outgoing TCP socket. Injectable (`startRelay({ dial })`) so tests can see what
 * would be dialled without dialling it.
 */
import net from 'node:net';

export interface DialRequest {
  /** IP literal that passed the policy (an IPv6 one may carry `%scope`). Never a host name. */
  host: string;
  port: number;
  family: 4 | 6;
  localAddress?: string;
  localPort?: number;
  noDelay: boolean;
  keepAlive: boolean;
}

/**
 * Returns a socket that emits 'connect' or 'error'. It must be created with
 * `allowHalfOpen: true` (each direction's FIN is forwarded on its own).
 */
export type Dialer = (request: DialRequest) => net.Socket;

export const defaultDialer: Dialer = function netDial(req) {
  return net.connect({
    host: req.host,
    port: req.port,
    family: req.family,
    localAddress: req.localAddress,
    localPort: req.localPort,
    noDelay: req.noDelay,
    keepAlive: req.keepAlive,
    allowHalfOpen: true,
    // The host is always a checked literal; a name reaching here is a bug, never a DNS query.
    lookup: refuseLookup,
  });
};

function refuseLookup(
  hostname: string,
  _options: unknown,
  callback: (err: Error | null, address: string, family: number) => void,
): void {
  const err = Object.assign(new Error(`ws2web relay: refusing to resolve ${hostname} at dial time`), {
    code: 'EINVAL',
  });
  callback(err, '', 0);
}
