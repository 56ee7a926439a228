/**
 * WSASendMsg / WSARecvMsg from C: test/wasm/programs/messages.c (one socket and a UDP echo
 * server: the argument errors, MSG_CTRUNC blocking and overlapped, IN_PKTINFO, datagrams cut
 * to the buffer of recvfrom/recv/WSARecv) and
 * examples/legacy-udp-pktinfo (a client reading where each reply arrived). The lines are what
 * their MinGW builds printed under Wine; legacy-examples.test.ts also compares against fresh
 * native runs when Wine is there.
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('WSASendMsg / WSARecvMsg from C with %s', (mode) => {
  it('messages: prints what the native Windows build prints', async () => {
    const run = await runExample('messages', { args: [String(inject('udpEchoPort'))], mode });
    expect(run.stdout).toBe(
      [
        'WSAIoctl(WSAID_WSARECVMSG): 0, pointer set, bytes sizeof(void *)',
        'IP_PKTINFO on: 0',
        'WSARecvMsg(NULL): -1, error 10014',
        'control buffer of 1 byte: -1, error 10040, MSG_CTRUNC 1',
        "WSARecvMsg: 0, 11 bytes 'echo: HELLO', dwFlags 0, namelen is sizeof(SOCKADDR_IN) 1, from the echo server 1",
        'Control.len == WSA_CMSG_SPACE(sizeof(IN_PKTINFO)): 1',
        'cmsg level 0 type 19, cmsg_len == WSA_CMSG_LEN(sizeof(IN_PKTINFO)) 1',
        'IN_PKTINFO: ipi_addr 127.0.0.1, ipi_ifindex 1',
        'overlapped, control buffer of 1 byte: -1, error 997',
        'completion: wait 0, result 0 (error 10040), 11 bytes, flags 0, dwFlags == MSG_CTRUNC 1',
        'WSASendMsg with two buffers: 0, sent 8',
        "received 14: 'echo: gathered'",
        'WSASendMsg(NULL): -1, error 10014',
        "recvfrom into 8 bytes: -1, error 10040, buffer 'echo: tr.', from the echo server 1",
        "recv into 4 bytes: -1, error 10040, buffer 'echo..'",
        "WSARecv into 3 + 3 bytes: -1, error 10040, buffers 'ech.o: .'",
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });

  it('legacy-udp-pktinfo: each reply, its source, and IN_PKTINFO {127.0.0.1, interface 1}', async () => {
    const port = inject('udpEchoPort');
    const run = await runExample('legacy-udp-pktinfo', {
      args: ['127.0.0.1', '127.0.0.1', String(port), 'hello', 'second datagram'],
      mode,
    });
    expect(run.stdout).toBe(
      [
        'Bound to 127.0.0.1 with IP_PKTINFO; WSARecvMsg obtained',
        "Sent 'hello' (5 bytes)",
        `Reply 'echo: hello' (11 bytes) from 127.0.0.1 port ${port}`,
        '  arrived at 127.0.0.1 on interface 1',
        "Sent 'second datagram' (15 bytes)",
        `Reply 'echo: second datagram' (21 bytes) from 127.0.0.1 port ${port}`,
        '  arrived at 127.0.0.1 on interface 1',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
