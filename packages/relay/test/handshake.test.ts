/** HELLO / WELCOME / GOAWAY, and what the relay does with messages it cannot accept. */
import { describe, expect, it } from 'vitest';
import {
  Capability,
  FrameType,
  HEADER_BYTES,
  PROTOCOL_VERSION,
  Reason,
  encodeFrame,
  type GoawayFrame,
} from '@ws2web/protocol';
import { COALESCE_FRAMES } from '../src/config/options.js';
import { PageClient, ipv4 } from './support/page-client.js';
import { useRelay } from './support/index.js';

describe('handshake', () => {
  it('answers HELLO with WELCOME carrying the limits it enforces', async () => {
    const relay = await useRelay();
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.port}/`);
    const page = await PageClient.connect(relay.url);
    const welcome = await page.hello();
    expect(welcome).toEqual({
      type: FrameType.WELCOME,
      version: PROTOCOL_VERSION,
      maxFrameBody: 65536,
      maxStreams: 1024,
      capabilities: Capability.TCP | Capability.UDP | Capability.RESOLVE | Capability.INBOUND,
    });
    expect(relay.metrics().connections).toBe(1);
    await page.close();
  });

  it('refuses another protocol version with GOAWAY(VERSION_MISMATCH) and close 1008', async () => {
    const relay = await useRelay();
    const page = await PageClient.connect(relay.url);
    const goaway = (await page.hello('', 7)) as GoawayFrame;
    expect(goaway.type).toBe(FrameType.GOAWAY);
    expect(goaway.reason).toBe(Reason.VERSION_MISMATCH);
    expect(goaway.message).toBe('relay speaks protocol 1, page sent 7');
    expect((await page.closed).code).toBe(1008);
    expect(relay.metrics().handshakeFailures).toEqual({ VERSION_MISMATCH: 1 });
  });

  it('answers an undecodable message with GOAWAY(PROTOCOL_ERROR) and close 1002', async () => {
    const relay = await useRelay();
    const page = await PageClient.ready(relay.url);
    page.sendRaw(Uint8Array.from([0x7f, 0, 0, 0, 1, 0, 0, 0, 0])); // unknown frame type
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.PROTOCOL_ERROR);
    expect(goaway.message).toContain('UNKNOWN_TYPE');
    expect((await page.closed).code).toBe(1002);
    expect(relay.metrics().protocolErrors).toBe(1);
  });

  it('treats a text message as a protocol error', async () => {
    const relay = await useRelay();
    const page = await PageClient.ready(relay.url);
    page.sendRaw('hello');
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.PROTOCOL_ERROR);
    expect(goaway.message).toMatch(/text message/);
    expect((await page.closed).code).toBe(1002);
  });

  it('treats a frame before HELLO as a protocol error', async () => {
    const relay = await useRelay();
    const page = await PageClient.connect(relay.url);
    page.send({
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 0,
      window: 100,
      remote: ipv4(80, '8.8.8.8'),
      local: null,
    });
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.PROTOCOL_ERROR);
    expect(goaway.message).toBe('OPEN before HELLO');
    expect((await page.closed).code).toBe(1002);
  });

  it('treats a second HELLO and relay-only frames as protocol errors', async () => {
    const relay = await useRelay();
    const a = await PageClient.ready(relay.url);
    a.send({ type: FrameType.HELLO, version: 1, token: '' });
    expect(((await a.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame).message).toBe('second HELLO');
    const b = await PageClient.ready(relay.url);
    b.send({ type: FrameType.OPEN_FAILED, stream: 3, reason: 1 });
    expect(((await b.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame).message).toMatch(/sent by the relay/);
    expect((await b.closed).code).toBe(1002);
  });

  it('rejects DATA larger than the maxFrameBody it announced', async () => {
    const relay = await useRelay({ maxFrameBody: 1024 });
    const page = await PageClient.ready(relay.url);
    page.send({ type: FrameType.DATA, stream: 1, data: new Uint8Array(1025) });
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.PROTOCOL_ERROR);
    expect(goaway.message).toMatch(/exceeds maxFrameBody 1024/);
  });

  it('closes a connection that sends no HELLO within the handshake timeout', async () => {
    const relay = await useRelay({ handshakeTimeoutMs: 150 });
    const page = await PageClient.connect(relay.url);
    const started = Date.now();
    const goaway = (await page.next((f) => f.type === FrameType.GOAWAY)) as GoawayFrame;
    expect(goaway.reason).toBe(Reason.TIMED_OUT);
    expect(goaway.message).toBe('no HELLO within 150 ms');
    expect((await page.closed).code).toBe(1008);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('closes with 1009 a message larger than maxPayload (16 full frames)', async () => {
    const relay = await useRelay({ maxFrameBody: 1024 });
    const page = await PageClient.ready(relay.url);
    const limit = COALESCE_FRAMES * (1024 + HEADER_BYTES);
    page.sendRaw(new Uint8Array(limit + 1));
    expect((await page.closed).code).toBe(1009);
  });

  it('accepts a message of several frames (HELLO and OPEN coalesced)', async () => {
    const relay = await useRelay();
    const page = await PageClient.connect(relay.url);
    const hello = encodeFrame({ type: FrameType.HELLO, version: 1, token: '' });
    const open = encodeFrame({
      type: FrameType.OPEN,
      stream: 1,
      transport: 1,
      flags: 0,
      window: 10,
      remote: ipv4(80, '10.0.0.1'),
      local: null,
    });
    const both = new Uint8Array(hello.length + open.length);
    both.set(hello);
    both.set(open, hello.length);
    page.sendRaw(both);
    expect((await page.next()).type).toBe(FrameType.WELCOME);
    const failed = await page.nextOn(1, FrameType.OPEN_FAILED);
    expect(failed).toEqual({ type: FrameType.OPEN_FAILED, stream: 1, reason: Reason.POLICY_DENIED });
  });
});
