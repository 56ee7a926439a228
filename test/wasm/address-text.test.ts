/**
 * address-text (test/wasm/programs/address-text.c): WSAAddressToStringA/W, WSAStringToAddressA/W,
 * InetPtonW and InetNtopW from C, with narrow and WCHAR strings marshalled by the glue. The lines
 * below are what the program's MinGW build printed under Wine; legacy-examples.test.ts also
 * compares against a fresh native run ('address text') when Wine is there.
 */
import { describe, expect, it } from 'vitest';
import type { RunMode } from '../../packages/wasm/src/index.js';
import { runExample } from './run-example.js';

describe.each(['jspi', 'asyncify'] as RunMode[])('address text from C with %s', (mode) => {
  it('prints what the native Windows build prints', async () => {
    const run = await runExample('address-text', { args: [], mode });
    expect(run.stdout).toBe(
      [
        "0.0.0.0: A 0 '0.0.0.0' 8, W 0 '0.0.0.0' 8",
        "broadcast:65535: A 0 '255.255.255.255:65535' 22, W 0 '255.255.255.255:65535' 22",
        "20ab::2001: A 0 '20ab::2001' 11, W 0 '20ab::2001' 11",
        "with port and scope: A 0 '[20ab::2001%4660]:33274' 24, W 0 '[20ab::2001%4660]:33274' 24",
        "scope only: A 0 '20ab::2001%4660' 16, W 0 '20ab::2001%4660' 16",
        'length 0: -1, error 10014, needed 22',
        'too small: -1, error 10014, needed 16',
        'family 1: -1, error 10022',
        'string to address, length 0: -1, error 10014, needed 16',
        "'127.127.127.127:123' v4: 0, error 0, family 2, len 16, 127.127.127.127:123 / W 0, error 0",
        "'127.127.127.127:0' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "'127.127.127.127:0xAbCd' v4: 0, error 0, family 2, len 16, 127.127.127.127:43981 / W 0, error 0",
        "'127.127.127.127:010' v4: 0, error 0, family 2, len 16, 127.127.127.127:8 / W 0, error 0",
        "'127.127.127.127:08' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "'1.2' v4: 0, error 0, family 2, len 16, 1.0.0.2 / W 0, error 0",
        "'1.2.3:1' v4: 0, error 0, family 2, len 16, 1.2.0.3:1 / W 0, error 0",
        "'0x00010203' v4: 0, error 0, family 2, len 16, 0.1.2.3 / W 0, error 0",
        "'017700000001' v4: 0, error 0, family 2, len 16, 127.0.0.1 / W 0, error 0",
        "'3.4.65536' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "'255.255.255.256' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "' 3.4.5.6' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "'::1' v4: -1, error 10022, family 0, len 26, - / W -1, error 10022",
        "'::1' v6: 0, error 0, family 23, len 28, ::1 / W 0, error 0",
        "'[::1]:65535' v6: 0, error 0, family 23, len 28, [::1]:65535 / W 0, error 0",
        "'001::1' v6: 0, error 0, family 23, len 28, 1::1 / W 0, error 0",
        "'::1]:65535' v6: -1, error 10022, family 0, len 38, - / W -1, error 10022",
        "'1.2.3.4' v6: -1, error 10022, family 0, len 38, - / W -1, error 10022",
        "'1:2:3:' v6: -1, error 10022, family 0, len 38, - / W -1, error 10022",
        'InetPtonW v6: 1, first bytes 20ab, last 2001',
        "InetPtonW '1.2.3': 0",
        'InetPtonW v4: 1, 192.0.2.1',
        'InetNtopW v4: 192.0.2.1',
        'InetNtopW v6: 20ab::2001',
        'InetNtopW family 9999: NULL, error 10047',
        '',
      ].join('\n'),
    );
    expect(run.exitCode).toBe(0);
  });
});
