/**
 * A relay for abuse tests whose dialer and name lookup only record: every dial is connected to
 * an echo server on loopback instead, every lookup is answered from a table. What the relay
 * would have dialled or asked is what the test asserts; nothing leaves loopback.
 */
import net from 'node:net';
import type { DialRequest, Lookup, Relay, RelayOptions } from '../../src/index.js';
import { startEchoServer } from '../support/tcp-servers.js';
import { PageClient, defer, quiet, useRelay, useServer } from '../support/index.js';

export interface Recording {
  relay: Relay;
  page: PageClient;
  dials: DialRequest[];
  lookups: string[];
}

/**
 * `answers` maps a name (lower case) to the addresses the lookup returns; any other name is
 * ENOTFOUND. `token` is the page's ticket.
 */
export async function recordingRelay(
  options: RelayOptions = {},
  answers: Record<string, string[]> = {},
  token = '',
): Promise<Recording> {
  const echo = await useServer(startEchoServer());
  const dials: DialRequest[] = [];
  const lookups: string[] = [];
  const lookup: Lookup = async (name) => {
    lookups.push(name);
    const list = answers[name.toLowerCase()];
    if (list === undefined) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const relay = await useRelay({
    log: quiet,
    lookup,
    dial: (req) => {
      dials.push(req);
      return net.connect({ host: '127.0.0.1', port: echo.port, allowHalfOpen: true });
    },
    ...options,
  });
  const page = await PageClient.ready(relay.url, token);
  defer(() => page.close());
  return { relay, page, dials, lookups };
}
