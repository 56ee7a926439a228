/**
 * api-probe (test/wasm/programs/api-probe.c): the Winsock calls the examples do not reach,
 * from C, in Chromium, through the relay — every kind of marshalling the glue does (sockaddr
 * out-parameters, WSABUF arrays, hostent/servent, getnameinfo buffers, option buffers, fd_set
 * rewriting, timeouts, Sleep). Values are Windows' own (error codes, version, struct contents),
 * except one documented limit of the port: overlapped I/O from C fails with WSAEOPNOTSUPP.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Control } from '../fixtures/control.js';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

const control = new Control();
afterAll(() => control.releaseAll());

describe.each(['jspi', 'asyncify'] as RunMode[])('api-probe with %s', (mode) => {
  it('prints what Windows prints for the same calls', async () => {
    const echo = await control.echo();
    const refused = await control.refusedPort();
    const run = await runExample('api-probe', { args: [String(echo.port), String(refused)], mode });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      [
        'before WSAStartup: socket -> 10093',
        "WSAStartup 0, version 2.2, high 2.2, status 'Running'",
        'inet_pton v6 1, bytes 2001..01',
        "inet_ntop v6 '2001:db8::1'",
        'inet_ntop small buffer -> NULL, error 87',
        "inet_addr/inet_ntoa '10.1.2.3' (s_b1 10)",
        'inet_addr bad == INADDR_NONE: 1',
        'htons(0x1234) = 0x3412, htonl(0x01020304) = 0x04030201',
        'gethostbyname(localhost): type 2, length 4, first 127.0.0.1',
        'gethostbyname(no-such-name.test): NULL, error 11001',
        'getservbyname(http/tcp): http port 80 proto tcp',
        'getservbyport(443): https',
        'getprotobyname(UDP): udp alias UDP number 17',
        'getprotobynumber(59): ipv6-nonxt alias IPv6-NoNxt',
        'getprotobynumber(2): NULL, error 11004',
        'gai_strerror(WSAHOST_NOT_FOUND): No such host is known.',
        'connect to echo: 0',
        'getsockname is 127.0.0.1 with a port: ok',
        'getpeername is the echo server: ok',
        'getnameinfo numeric host and service: ok',
        'TCP_NODELAY set and read back: ok',
        'SIO_KEEPALIVE_VALS short: -1 error 10014 returned 0',
        'SIO_KEEPALIVE_VALS 0 returned 0, SO_KEEPALIVE 1, TCP_KEEPALIVE 30',
        'SO_TYPE 1',
        'WSASend 0, sent 14',
        'select readable 1, FD_ISSET 1',
        'FIONREAD 14',
        "WSARecv 0, got 14: 'gath' + 'ered write'",
        'select timeout 0, fd_count 0, waited >= 90 ms: 1',
        'recv on a closed socket: -1, error 10038',
        'blocking connect to a closed port: -1, error 10061',
        'sendto 4',
        'WSACleanup 0, again -1 error 10093',
        '',
      ].join('\n'),
    );
  });
});
