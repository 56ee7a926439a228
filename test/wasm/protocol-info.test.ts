/**
 * protocol-info (test/wasm/programs/protocol-info.c): WSAEnumProtocolsA/W, getsockopt(SO_PROTOCOL_INFOA/W)
 * and WSASocketA from a WSAPROTOCOL_INFOA, from C, through winsock2.h's structs. The lines below
 * are what the program's MinGW build printed under Wine; legacy-examples.test.ts also compares
 * against a fresh native run ('protocol catalog') when Wine is there.
 */
import { describe, expect, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('the provider catalog from C with %s', (mode) => {
  it('prints what the native Windows build prints', async () => {
    const run = await runExample('protocol-info', { args: [], mode });
    expect(run.stdout).toBe(
      [
        'size query: -1, error 10055, whole entries 1',
        'list: some, length matches 1',
        'TCP/IP: family 2, type 1, protocol 6, sockaddr 16..16, chain 1, version 2, flags1 0x20066, zero 1, message 0',
        'UDP/IP: family 2, type 2, protocol 17, sockaddr 16..16, chain 1, version 2, flags1 0x20609, zero 1, message 65467',
        'TCP/IPv6: family 23, type 1, protocol 6, sockaddr 28..28, chain 1, version 2, flags1 0x20066, zero 1, message 0',
        'UDP/IPv6: family 23, type 2, protocol 17, sockaddr 28..28, chain 1, version 2, flags1 0x20609, zero 1, message 65467',
        'TCP only, short buffer: -1, error 10055',
        'TCP only: every entry TCP 1',
        'from the first TCP entry: type 1',
        'UDP info, arguments 0: type 2',
        'UDP info, TCP arguments: type 1',
        'zeroed info: INVALID_SOCKET, error 10047',
        'SO_PROTOCOL_INFOA: 0, length 372',
        'UDP/IPv6: family 23, type 2, protocol 17, sockaddr 28..28, chain 1, version 2, flags1 0x20609, zero 1, message 65467',
        'SO_PROTOCOL_INFOW: 0, length 628, family 23, same name 1',
        'SO_PROTOCOL_INFOW, A-sized buffer: -1, error 10014',
        'W size query: -1, error 10055, whole entries 1',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
