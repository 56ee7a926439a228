/**
 * inet-helpers (test/wasm/programs/inet-helpers.c): the SDK's inline address helpers from
 * <mstcpip.h> and <ws2tcpip.h> (INETADDR_SETLOOPBACK/SETANY/PORT/ISANY/ISLOOPBACK/SCOPE_ID,
 * IN6ADDR_SETV4MAPPED, IN4_IS_ADDR_LOOPBACK, SS_PORT, IN6_ADDR_EQUAL), which Windows' own Winsock
 * samples use to build their addresses; then a connect through one. MinGW's headers lack the
 * INETADDR_ helpers, so the expected lines follow the SDK's definitions: ports in network order,
 * SETANY/SETLOOPBACK keep sa_family and clear the rest, IPv4 has scope 0, 127.0.0.0/8 is loopback.
 */
import { describe, expect, inject, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('mstcpip.h address helpers with %s', (mode) => {
  it('set, test and connect through SOCKADDR_STORAGE as the SDK defines them', async () => {
    const run = await runExample('inet-helpers', { args: [String(inject('chatPort'))], mode });
    expect(run.stdout).toBe(
      [
        'v4 loopback: 127.0.0.1:5001 any 0 loopback 1 port 5001',
        'v4 sin_zero cleared 1',
        'v4 any: 0.0.0.0 any 1 loopback 0 port 0',
        'v6 any: :: any 1 loopback 0 port 0',
        'v6 loopback: [::1]:443 any 0 loopback 1 port 443',
        'v6 flowinfo 0 scope 0',
        'v4-mapped: [::ffff:192.0.2.7%5]:8080 any 0 loopback 0 port 8080',
        'v4-mapped IN6_IS_ADDR_V4MAPPED 1, scope 5, equal to itself 1, to ::1 0',
        'v4 scope 0, 127.9.9.9 loopback 1',
        'connected through INETADDR_SETLOOPBACK, got 13 bytes: you said: hi',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
