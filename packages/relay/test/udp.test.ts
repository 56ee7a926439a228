/**
 * Datagram streams (DGRAM_OPEN / DATAGRAM / PEER / CREDIT / CLOSE) against real UDP sockets on
 * loopback. Nothing here sends a packet off the machine: destinations are 127.0.0.0/8 or ::1,
 * and the one test about 255.255.255.255 uses a socket factory whose `send` only records.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  Capability,
  DgramFlag,
  FrameType,
  PeerMode,
  Reason,
  type DatagramFrame,
  type DgramOpenedFrame,
  type Frame,
} from '@ws2web/protocol';
import type { UdpSocketFactory } from '../src/index.js';
import { PageClient, ipv4, ipv6 } from './support/page-client.js';
import { hasUdpIPv6Loopback, startUdpPeer, type UdpPeer } from './support/udp-peers.js';
import { defer, useRelay, usePage, waitUntil, LOOPBACK } from './support/index.js';

const ipv6Loopback = await hasUdpIPv6Loopback();
if (!ipv6Loopback) console.warn('udp.test: no UDP on ::1 here; the IPv6 tests are skipped');

async function peer(options: Parameters<typeof startUdpPeer>[0] = {}): Promise<UdpPeer> {
  const p = await startUdpPeer(options);
  defer(() => p.close());
  return p;
}
async function opened(
  p: PageClient,
  stream: number,
  family: 4 | 6,
  opts: Parameters<PageClient['dgramOpen']>[2] = {},
): Promise<DgramOpenedFrame> {
  const answer = await p.dgramOpen(stream, family, opts);
  expect(answer.type, JSON.stringify(answer)).toBe(FrameType.DGRAM_OPENED);
  return answer as DgramOpenedFrame;
}
/** Bytes with a recognisable pattern per size, so a mix-up between datagrams shows. */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}
/** Whether a UDP port on `host` can be bound right now (i.e. nothing holds it). */
async function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  try {
    s.bind({ port, address: host, exclusive: true });
    await Promise.race([
      once(s, 'listening'),
      once(s, 'error').then(([e]) => {
        throw e;
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describe('WELCOME capabilities', () => {
  it('announces TCP | UDP | RESOLVE | INBOUND, and TCP | RESOLVE | INBOUND with udp: false', async () => {
    const on = await PageClient.connect((await useRelay({ allow: LOOPBACK })).url);
    defer(() => on.close());
    expect(await on.hello()).toMatchObject({
      type: FrameType.WELCOME,
      capabilities: Capability.TCP | Capability.UDP | Capability.RESOLVE | Capability.INBOUND,
    });
    const off = await PageClient.connect((await useRelay({ allow: LOOPBACK, udp: false })).url);
    defer(() => off.close());
    expect(await off.hello()).toMatchObject({
      type: FrameType.WELCOME,
      capabilities: Capability.TCP | Capability.RESOLVE | Capability.INBOUND,
    });
  });
});

describe('DGRAM_OPEN', () => {
  it('binds an ephemeral port on the wildcard and reports it with the relay window', async () => {
    const relay = await useRelay({ allow: LOOPBACK, datagramWindow: 100_000 });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4);
    expect(o.window).toBe(100_000);
    expect(o.local).toMatchObject({ kind: 'ipv4', address: '0.0.0.0' });
    expect(o.local.port).toBeGreaterThan(0);
    expect(await portFree(o.local.port, '0.0.0.0')).toBe(false);
    expect(relay.metrics()).toMatchObject({ udpSockets: 1, udpOpens: { OK: 1 } });
  });

  it('binds the given loopback address and port', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4, { local: ipv4(0, '127.0.0.1') });
    expect(o.local.kind === 'ipv4' && o.local.address).toBe('127.0.0.1');
    const taken = o.local.port;
    // The same port again: the real bind conflict, EADDRINUSE → ADDR_IN_USE.
    expect(await p.dgramOpen(2, 4, { local: ipv4(taken, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.ADDR_IN_USE,
    });
    expect(relay.metrics().udpOpens).toEqual({ OK: 1, ADDR_IN_USE: 1 });
    expect(relay.metrics().udpSockets).toBe(1);
  });

  it('answers ADDR_IN_USE when another process-level socket holds the port', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const holder = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4, { local: ipv4(holder.port, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.ADDR_IN_USE,
    });
  });

  it('refuses by policy to bind a non-loopback address or a privileged port, without binding', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4, { local: ipv4(0, '10.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.dgramOpen(2, 4, { local: ipv4(53, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.dgramOpen(3, 6, { local: ipv6(0, 'fe80::1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 3,
      reason: Reason.POLICY_DENIED,
    });
    expect(relay.metrics().udpOpens).toEqual({ POLICY_DENIED: 3 });
    expect(relay.metrics().udpSockets).toBe(0);
  });

  it('answers INVALID_ARGUMENT for a local address of the other family', async () => {
    const p = await usePage(await useRelay({ allow: LOOPBACK }));
    expect(await p.dgramOpen(1, 4, { local: ipv6(0, '::1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 1,
      reason: Reason.INVALID_ARGUMENT,
    });
    expect(await p.dgramOpen(2, 6, { local: ipv4(0, '127.0.0.1') })).toEqual({
      type: FrameType.OPEN_FAILED,
      stream: 2,
      reason: Reason.INVALID_ARGUMENT,
    });
  });

  it('with udp: false answers POLICY_DENIED and opens nothing', async () => {
    const relay = await useRelay({ allow: LOOPBACK, udp: false });
    const p = await usePage(relay);
    expect(await p.dgramOpen(1, 4)).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.POLICY_DENIED });
    expect(relay.metrics()).toMatchObject({ udpSockets: 0, udpOpens: { POLICY_DENIED: 1 } });
  });

  it('follows the stream-id rules of OPEN: a reused id is a protocol error', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    await opened(p, 5, 4);
    p.send({ type: FrameType.DGRAM_OPEN, stream: 3, family: 4, flags: 0, window: 1000, local: null });
    expect(await p.next((f) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
    expect((await p.closed).code).toBe(1002);
  });
});

describe('DATAGRAM round trips', () => {
  async function echoRoundTrip(family: 4 | 6, host: string, sizes: number[]): Promise<void> {
    const relay = await useRelay({ allow: LOOPBACK });
    const echo = await peer({ host, echo: true });
    const p = await usePage(relay);
    const o = await opened(p, 1, family, { window: 1 << 20 });
    const payloads = sizes.map((size, i) => pattern(size, i));
    for (const data of payloads) {
      p.send({
        type: FrameType.DATAGRAM,
        stream: 1,
        address: family === 4 ? ipv4(echo.port, host) : ipv6(echo.port, host),
        data,
      });
    }
    const back: DatagramFrame[] = [];
    for (let i = 0; i < payloads.length; i++) back.push(await p.datagram(1));
    // Boundaries preserved: one DATAGRAM per datagram, same sizes and bytes, in order.
    expect(back.map((f) => f.data.length)).toEqual(sizes);
    back.forEach((f, i) => void expect(Buffer.compare(Buffer.from(f.data), payloads[i]!), `datagram ${i}`).toBe(0));
    const source = family === 4 ? ipv4(echo.port, host) : ipv6(echo.port, host);
    for (const f of back) expect(f.address).toEqual(source);
    // The echo server saw the relay's socket as the source.
    expect(echo.received.map((r) => r.port)).toEqual(sizes.map(() => o.local.port));
    // Every byte sent was given back as credit once the kernel took it.
    const total = sizes.reduce((a, b) => a + b, 0);
    await waitUntil(() => p.inbox.some((f) => f.type === FrameType.CREDIT), 2000, 'CREDIT');
    await waitUntil(() => relay.metrics().datagramsPageToPeer === sizes.length, 2000, 'send callbacks');
    await p.roundTrip(); // the CREDIT of the last send callback is here too
    expect(p.takeCredit(1)).toBe(total);
    expect(relay.metrics()).toMatchObject({
      datagramsPageToPeer: sizes.length,
      datagramsPeerToPage: sizes.length,
      datagramsDropped: {},
    });
  }

  it('echoes over 127.0.0.1 with boundaries preserved (0, 1, 1472, 9000 and 65507 bytes)', async () => {
    await echoRoundTrip(4, '127.0.0.1', [0, 1, 1472, 9000, 65507]);
  });

  it.skipIf(!ipv6Loopback)('echoes over ::1 with boundaries preserved (0, 1, 1452, 9000 and 65513 bytes)', async () => {
    // 65513 = maxFrameBody 65536 − the 23-byte IPv6 address field: the largest that fits one frame.
    await echoRoundTrip(6, '::1', [0, 1, 1452, 9000, 65513]);
  });

  it.skipIf(!ipv6Loopback)('drops (and counts) an inbound IPv6 datagram too large for one frame', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const echo = await peer({ host: '::1', echo: true });
    const p = await usePage(relay);
    await opened(p, 1, 6);
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv6(echo.port), data: pattern(65514, 1) });
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv6(echo.port), data: pattern(10, 2) });
    const f = await p.datagram(1);
    expect(f.data.length).toBe(10);
    expect(echo.received.map((r) => r.data.length)).toEqual([65514, 10]);
    expect(relay.metrics().datagramsDropped).toEqual({ too_large: 1 });
  });

  it('reports an IPv4 source on a dual-stack socket as an IPv4 endpoint', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const echo = await peer({ host: '127.0.0.1', echo: true });
    const p = await usePage(relay);
    const o = await opened(p, 1, 6, { flags: DgramFlag.DUAL_STACK });
    expect(o.local).toMatchObject({ kind: 'ipv6', address: '::' });
    // Either spelling of the destination reaches the IPv4 server.
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv4(echo.port), data: Buffer.from('plain') });
    p.send({
      type: FrameType.DATAGRAM,
      stream: 1,
      address: ipv6(echo.port, '::ffff:127.0.0.1'),
      data: Buffer.from('mapped'),
    });
    const a = await p.datagram(1);
    const b = await p.datagram(1);
    expect([Buffer.from(a.data).toString(), Buffer.from(b.data).toString()]).toEqual(['plain', 'mapped']);
    expect(a.address).toEqual(ipv4(echo.port));
    expect(b.address).toEqual(ipv4(echo.port));
  });

  it('an IPv6-only socket refuses IPv4 destinations (AF_NOT_SUPPORTED) and a udp4 one IPv6 destinations', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    await opened(p, 1, 6);
    expect(await p.peer(1, 1, PeerMode.CHECK, ipv4(9))).toMatchObject({ reason: Reason.AF_NOT_SUPPORTED });
    expect(await p.peer(1, 2, PeerMode.CHECK, ipv6(9, '::ffff:127.0.0.1'))).toMatchObject({
      reason: Reason.AF_NOT_SUPPORTED,
    });
    await opened(p, 2, 4);
    expect(await p.peer(2, 1, PeerMode.CHECK, ipv6(9, '::1'))).toMatchObject({ reason: Reason.AF_NOT_SUPPORTED });
    expect(await p.peer(2, 2, PeerMode.CHECK, ipv4(0))).toMatchObject({ reason: Reason.ADDR_NOT_AVAIL });
  });

  it('a datagram without address on an unconnected socket is dropped, counted, and its credit returned', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    await opened(p, 1, 4);
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: null, data: pattern(300, 0) });
    expect(await p.nextOn(1, FrameType.CREDIT)).toMatchObject({ bytes: 300 });
    expect(relay.metrics().datagramsDropped).toEqual({ no_destination: 1 });
  });

  it('frames sent before DGRAM_OPENED wait for the bind: the VERDICT follows DGRAM_OPENED, the datagram is sent', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const echo = await peer({ host: '127.0.0.1', echo: true });
    const p = await usePage(relay);
    p.send(
      { type: FrameType.DGRAM_OPEN, stream: 1, family: 4, flags: 0, window: 1 << 16, local: null },
      { type: FrameType.PEER, stream: 1, seq: 7, mode: PeerMode.CONNECT, address: ipv4(echo.port) },
      { type: FrameType.DATAGRAM, stream: 1, address: null, data: Buffer.from('early') },
    );
    const first = await p.next((f) => 'stream' in f && f.stream === 1);
    expect(first.type).toBe(FrameType.DGRAM_OPENED);
    expect(await p.nextOn(1, FrameType.VERDICT)).toMatchObject({ seq: 7, reason: Reason.OK });
    expect(Buffer.from((await p.datagram(1)).data).toString()).toBe('early');
  });
});

describe('connected peer (PEER CONNECT)', () => {
  it('sends to the peer by default and drops (counts) datagrams from any other source; none dissolves it', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const server = await peer({ host: '127.0.0.1', echo: true });
    const stranger = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4);
    expect(await p.peer(1, 1, PeerMode.CONNECT, ipv4(server.port))).toEqual({
      type: FrameType.VERDICT,
      stream: 1,
      seq: 1,
      reason: Reason.OK,
    });

    // The stranger's datagrams reach the relay's socket first, then the server's echo.
    for (let i = 0; i < 5; i++) await stranger.send(Buffer.from(`stranger ${i}`), o.local.port);
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: null, data: Buffer.from('to the peer') });
    const echoed = await p.datagram(1);
    expect(Buffer.from(echoed.data).toString()).toBe('to the peer');
    expect(echoed.address).toEqual(ipv4(server.port));
    await waitUntil(() => (relay.metrics().datagramsDropped.wrong_source ?? 0) === 5, 2000, 'five wrong-source drops');
    expect(p.inbox.filter((f) => f.type === FrameType.DATAGRAM)).toEqual([]);

    // Dissolved: everyone is heard again.
    expect(await p.peer(1, 2, PeerMode.CONNECT, null)).toMatchObject({ seq: 2, reason: Reason.OK });
    await stranger.send(Buffer.from('heard'), o.local.port);
    const heard = await p.datagram(1);
    expect(Buffer.from(heard.data).toString()).toBe('heard');
    expect(heard.address).toEqual(ipv4(stranger.port));
    expect(relay.metrics().datagramsDropped).toEqual({ wrong_source: 5 });
  });

  it('connecting again to another peer switches the filter', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const a = await peer({ host: '127.0.0.1' });
    const b = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4);
    await p.peer(1, 1, PeerMode.CONNECT, ipv4(a.port));
    await p.peer(1, 2, PeerMode.CONNECT, ipv4(b.port));
    await a.send(Buffer.from('from a'), o.local.port);
    await b.send(Buffer.from('from b'), o.local.port);
    const f = await p.datagram(1);
    expect(Buffer.from(f.data).toString()).toBe('from b');
    expect(relay.metrics().datagramsDropped).toEqual({ wrong_source: 1 });
    // A datagram with no address now goes to b.
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: null, data: Buffer.from('to b') });
    expect((await b.nth(0)).data.toString()).toBe('to b');
    expect(a.received).toEqual([]);
  });
});

describe('policy on datagram destinations', () => {
  it('default policy: PEER CHECK/CONNECT to loopback → POLICY_DENIED, datagrams to it dropped and never sent', async () => {
    const relay = await useRelay({ allow: [] });
    const target = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    await opened(p, 1, 4);
    expect(await p.peer(1, 1, PeerMode.CHECK, ipv4(target.port))).toEqual({
      type: FrameType.VERDICT,
      stream: 1,
      seq: 1,
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.peer(1, 2, PeerMode.CONNECT, ipv4(target.port))).toMatchObject({
      seq: 2,
      reason: Reason.POLICY_DENIED,
    });
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv4(target.port), data: pattern(100, 3) });
    // The refused CONNECT left no peer: an address-less datagram has no destination.
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: null, data: pattern(50, 4) });
    await waitUntil(() => p.inbox.filter((f) => f.type === FrameType.CREDIT).length > 0, 2000, 'credit back');
    await waitUntil(() => (relay.metrics().datagramsDropped.no_destination ?? 0) === 1, 2000, 'both datagrams judged');
    await p.roundTrip();
    expect(p.takeCredit(1)).toBe(150);
    expect(target.received).toEqual([]);
    expect(relay.metrics()).toMatchObject({
      policyRefusals: 2,
      datagramsDropped: { policy: 1, no_destination: 1 },
      datagramsPageToPeer: 0,
    });
  });

  it('default policy: a public address is allowed (VERDICT only, nothing sent)', async () => {
    const p = await usePage(await useRelay({ allow: [] }));
    await opened(p, 1, 4);
    expect(await p.peer(1, 1, PeerMode.CHECK, ipv4(4433, '93.184.216.34'))).toMatchObject({ reason: Reason.OK });
    expect(await p.peer(1, 2, PeerMode.CHECK, ipv4(53, '169.254.169.254'))).toMatchObject({
      reason: Reason.POLICY_DENIED,
    });
    expect(await p.peer(1, 3, PeerMode.CHECK, null)).toMatchObject({ reason: Reason.INVALID_ARGUMENT });
  });

  it('broadcast needs the BROADCAST flag: a real loopback broadcast (127.255.255.255) is delivered only with it', async () => {
    const relay = await useRelay({ allow: ['127.0.0.0/8'] });
    const listener = await peer({ host: '0.0.0.0' });
    const p = await usePage(relay);
    await opened(p, 1, 4);
    const bcast = ipv4(listener.port, '127.255.255.255');
    expect(await p.peer(1, 1, PeerMode.CHECK, bcast)).toMatchObject({ reason: Reason.POLICY_DENIED });
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: bcast, data: Buffer.from('no flag') });

    await opened(p, 2, 4, { flags: DgramFlag.BROADCAST });
    expect(await p.peer(2, 1, PeerMode.CHECK, bcast)).toMatchObject({ reason: Reason.OK });
    p.send({ type: FrameType.DATAGRAM, stream: 2, address: bcast, data: Buffer.from('with flag') });
    // Delivered: so SO_BROADCAST was set on the real socket (the kernel answers EACCES otherwise).
    expect((await listener.nth(0)).data.toString()).toBe('with flag');
    // The datagram without the flag was judged (dropped) before the one with it was sent.
    await waitUntil(() => (relay.metrics().datagramsDropped.policy ?? 0) === 1, 2000, 'the drop counted');
    expect(listener.received.map((r) => r.data.toString())).toEqual(['with flag']);
    expect(relay.metrics().datagramsDropped).toEqual({ policy: 1 });
  });

  it('255.255.255.255 needs the flag AND an allow entry (injected socket: nothing is really sent)', async () => {
    const sends: Array<{ host: string; port: number; bytes: number }> = [];
    let broadcastSet = false;
    const udpSocket: UdpSocketFactory = (req) => {
      const socket = dgram.createSocket({ type: req.type, ipv6Only: req.type === 'udp6' ? req.ipv6Only : undefined });
      const setBroadcast = socket.setBroadcast.bind(socket);
      socket.setBroadcast = (flag: boolean) => {
        broadcastSet = flag;
        setBroadcast(flag);
      };
      socket.send = ((msg: Uint8Array, port: number, host: string, cb: (err: Error | null) => void) => {
        sends.push({ host, port, bytes: msg.length });
        setImmediate(() => cb(null));
      }) as typeof socket.send;
      return socket;
    };
    const limited = ipv4(9999, '255.255.255.255');

    const strict = await usePage(await useRelay({ allow: ['127.0.0.0/8'], udpSocket }));
    await opened(strict, 1, 4, { flags: DgramFlag.BROADCAST });
    expect(await strict.peer(1, 1, PeerMode.CHECK, limited)).toMatchObject({ reason: Reason.POLICY_DENIED });

    const open = await usePage(await useRelay({ allow: ['255.255.255.255/32'], udpSocket }));
    await opened(open, 1, 4);
    expect(await open.peer(1, 1, PeerMode.CHECK, limited)).toMatchObject({ reason: Reason.POLICY_DENIED });
    await opened(open, 2, 4, { flags: DgramFlag.BROADCAST });
    expect(await open.peer(2, 1, PeerMode.CHECK, limited)).toMatchObject({ reason: Reason.OK });
    open.send({ type: FrameType.DATAGRAM, stream: 2, address: limited, data: pattern(64, 9) });
    expect(await open.nextOn(2, FrameType.CREDIT)).toMatchObject({ bytes: 64 });
    expect(sends).toEqual([{ host: '255.255.255.255', port: 9999, bytes: 64 }]);
    expect(broadcastSet).toBe(true);
  });
});

/** Sends `count` datagrams of `size` bytes to 127.0.0.1:`port` from a child process, as fast as it can. */
async function floodFromChild(port: number, count: number, size: number): Promise<void> {
  const script = `
    const dgram = require('node:dgram');
    const s = dgram.createSocket('udp4');
    const payload = Buffer.alloc(${size}, 7);
    let sent = 0, done = 0;
    function more() {
      for (let i = 0; i < 64 && sent < ${count}; i++, sent++) {
        s.send(payload, ${port}, '127.0.0.1', () => { if (++done === ${count}) s.close(); else if (done === sent) more(); });
      }
    }
    more();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
}

describe('credit', () => {
  it('a flood while the page grants little: the window is delivered, the rest dropped and counted, nothing held back', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const flooder = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4, { window: 4096 });

    // The flood comes from another process, so it runs while the relay's event loop reads.
    const sent = 10_000;
    const size = 1400;
    await floodFromChild(o.local.port, sent, size);
    let seen = -1;
    await waitUntil(
      () => {
        const m = relay.metrics();
        const now = m.datagramsPeerToPage + (m.datagramsDropped.no_credit ?? 0);
        const settled = now === seen;
        seen = now;
        return settled;
      },
      5000,
      'the relay to finish reading the flood',
    );

    const m = relay.metrics();
    // 4096 bytes of credit = two 1400-byte datagrams; the third would not fit.
    expect(m.datagramsPeerToPage).toBe(2);
    expect(p.inbox.filter((f) => f.type === FrameType.DATAGRAM)).toHaveLength(2);
    // Most of the flood reached the relay and was dropped there (the kernel may drop some too).
    expect(m.datagramsDropped.no_credit).toBeGreaterThanOrEqual(sent * 0.01);
    expect(m.datagramsPeerToPage + m.datagramsDropped.no_credit!).toBeLessThanOrEqual(sent);
    console.log(
      `flood: sent ${sent} × ${size} B; delivered ${m.datagramsPeerToPage}, dropped ${m.datagramsDropped.no_credit} (no credit), ` +
        `${sent - m.datagramsPeerToPage - m.datagramsDropped.no_credit!} lost in the kernel`,
    );

    // Nothing was held back: a large grant now brings no datagram of the flood, only new ones.
    p.inbox.splice(0);
    p.send({ type: FrameType.CREDIT, stream: 1, bytes: 1 << 20 });
    await flooder.send(Buffer.from('after the flood'), o.local.port);
    // The first datagram after the grant is the new one: had the relay held any of the flood,
    // it would have come first.
    expect(Buffer.from((await p.datagram(1)).data).toString()).toBe('after the flood');
    expect(p.inbox.filter((f) => f.type === FrameType.DATAGRAM)).toEqual([]);
    expect(relay.metrics().datagramsPeerToPage).toBe(3);
  }, 30_000);

  it('a page that exceeds its credit gets CLOSE(PROTOCOL_ERROR), the socket is closed and so is the connection', async () => {
    const relay = await useRelay({ allow: LOOPBACK, datagramWindow: 65535 });
    const sink = await peer({ host: '127.0.0.1' });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4);
    expect(o.window).toBe(65535);
    // Both in one message: the second arrives before the first's bytes can have come back.
    p.send(
      { type: FrameType.DATAGRAM, stream: 1, address: ipv4(sink.port), data: pattern(40_000, 1) },
      { type: FrameType.DATAGRAM, stream: 1, address: ipv4(sink.port), data: pattern(40_000, 2) },
    );
    expect(await p.nextOn(1, FrameType.CLOSE)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
    expect(await p.next((f: Frame) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
    expect((await p.closed).code).toBe(1002);
    await waitUntil(() => relay.metrics().udpSockets === 0, 2000, 'release');
    await waitUntil(() => sink.received.length >= 1, 2000, 'first datagram');
    expect(await portFree(o.local.port, '0.0.0.0')).toBe(true);
    expect(sink.received.map((r) => r.data.length)).toEqual([40_000]);
  });
});

describe('closing', () => {
  it('CLOSE from the page closes the socket (its port is free again) and finishes the id', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await usePage(relay);
    const o = await opened(p, 1, 4, { local: ipv4(0, '127.0.0.1') });
    p.send({ type: FrameType.CLOSE, stream: 1, reason: Reason.OK });
    await waitUntil(() => relay.metrics().udpSockets === 0, 2000, 'release');
    await waitUntil(() => portFree(o.local.port), 2000, 'the port free again');
    expect(await portFree(o.local.port)).toBe(true);
    // Frames for the finished id are ignored, not errors.
    p.send(
      { type: FrameType.DATAGRAM, stream: 1, address: null, data: Buffer.from('late') },
      { type: FrameType.PEER, stream: 1, seq: 1, mode: PeerMode.CHECK, address: ipv4(9) },
      { type: FrameType.CREDIT, stream: 1, bytes: 10 },
    );
    await opened(p, 2, 4);
    expect(p.typesOn(1)).toEqual([]);
    expect(p.ws.readyState).toBe(p.ws.OPEN);
  });

  it('closes every UDP socket when the WebSocket goes', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const p = await PageClient.ready(relay.url);
    const ports: number[] = [];
    for (let id = 1; id <= 3; id++) ports.push((await opened(p, id, 4, { local: ipv4(0, '127.0.0.1') })).local.port);
    expect(relay.metrics().udpSockets).toBe(3);
    p.ws.terminate();
    await waitUntil(() => relay.metrics().udpSockets === 0 && relay.metrics().connections === 0, 2000, 'release');
    await waitUntil(
      async () => (await Promise.all(ports.map((port) => portFree(port)))).every(Boolean),
      2000,
      'every port free',
    );
    for (const port of ports) expect(await portFree(port)).toBe(true);
  });

  it('DATA or SETOPT on a UDP stream is a protocol error; FIN is ignored', async () => {
    const p = await usePage(await useRelay({ allow: LOOPBACK }));
    await opened(p, 1, 4);
    p.send({ type: FrameType.FIN, stream: 1 });
    expect(await p.peer(1, 1, PeerMode.CONNECT, null)).toMatchObject({ reason: Reason.OK });
    p.send({ type: FrameType.DATA, stream: 1, data: Buffer.from('x') });
    expect(await p.next((f: Frame) => f.type === FrameType.GOAWAY)).toMatchObject({ reason: Reason.PROTOCOL_ERROR });
  });
});

describe('metrics text', () => {
  it('exposes datagram counters and the UDP socket gauge', async () => {
    const relay = await useRelay({ allow: LOOPBACK });
    const echo = await peer({ host: '127.0.0.1', echo: true });
    const p = await usePage(relay);
    await opened(p, 1, 4);
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: ipv4(echo.port), data: Buffer.from('m') });
    await p.datagram(1);
    p.send({ type: FrameType.DATAGRAM, stream: 1, address: null, data: Buffer.from('m') });
    await waitUntil(() => relay.metrics().datagramsDropped.no_destination === 1, 2000, 'drop');
    const text = await (await fetch(`${relay.url.replace('ws:', 'http:')}metrics`)).text();
    expect(text).toContain('ws2web_relay_udp_sockets 1');
    expect(text).toContain('ws2web_relay_datagrams_total{direction="page_to_peer"} 1');
    expect(text).toContain('ws2web_relay_datagrams_total{direction="peer_to_page"} 1');
    expect(text).toContain('ws2web_relay_datagrams_dropped_total{reason="no_destination"} 1');
    expect(text).toContain('ws2web_relay_udp_opens_total{outcome="OK"} 1');
  });
});
