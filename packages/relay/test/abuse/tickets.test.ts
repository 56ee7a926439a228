/**
 * Ticket sanity on the relay side: a validly signed ticket is still refused when its dates make
 * no sense (a year ahead, a ten-year life, exp=1e308), and one ticket can be held to a number of
 * WebSockets at once.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameType, Reason } from '@ws2web/protocol';
import { createTicket, verifyTicket } from '../../src/index.js';
import { PageClient, defer, useRelay, waitUntil } from '../support/index.js';

const secret = 'ticket-sanity-secret';

/** A ticket with exactly this payload, signed as createTicket signs. */
function signed(payload: Record<string, unknown>): string {
  const part = Buffer.from(JSON.stringify({ v: 1, n: 'x', ...payload })).toString('base64url');
  return `${part}.${createHmac('sha256', secret).update(part).digest('base64url')}`;
}

const now = 1_800_000_000_000;
const s = now / 1000;

describe('ticket dates', () => {
  it.each([
    ['dated a year ahead', { iat: s + 365 * 86400, exp: s + 365 * 86400 + 60 }, 'not yet valid'],
    ['nbf a day ahead', { iat: s, nbf: s + 86400, exp: s + 60 }, 'not yet valid'],
    ['a ten-year life', { iat: s, exp: s + 10 * 365 * 86400 }, 'lifetime too long'],
    ['exp=1e308', { iat: s, exp: 1e308 }, 'malformed'],
    ['no iat', { exp: s + 60 }, 'malformed'],
    ['iat a string', { iat: String(s), exp: s + 60 }, 'malformed'],
    ['nbf not a number', { iat: s, nbf: 'now', exp: s + 60 }, 'malformed'],
  ])('%s → refused (%s)', (_what, payload, why) => {
    expect(verifyTicket(signed(payload), secret, now)).toEqual({ ok: false, why });
  });

  it('accepts clock skew up to 60 s, an hour-long life by default, and any life when maxTtlSeconds is 0', () => {
    expect(verifyTicket(signed({ iat: s + 59, nbf: s + 59, exp: s + 120 }), secret, now)).toMatchObject({ ok: true });
    expect(verifyTicket(signed({ iat: s, exp: s + 3600 }), secret, now)).toMatchObject({ ok: true });
    expect(verifyTicket(signed({ iat: s, exp: s + 3601 }), secret, now)).toEqual({
      ok: false,
      why: 'lifetime too long',
    });
    expect(verifyTicket(signed({ iat: s, exp: s + 86400 }), secret, now, { maxTtlSeconds: 0 })).toMatchObject({
      ok: true,
    });
    expect(verifyTicket(signed({ iat: s, exp: s + 120 }), secret, now, { maxTtlSeconds: 60 })).toEqual({
      ok: false,
      why: 'lifetime too long',
    });
  });

  it('the relay refuses a 10-year ticket at HELLO with AUTH_FAILED; maxTicketTtlSeconds raises the bound', async () => {
    const longLived = createTicket({ secret, ttlSeconds: 10 * 365 * 86400 });
    const relay = await useRelay({ secret });
    const p = await PageClient.connect(relay.url);
    defer(() => p.close());
    expect(await p.hello(longLived)).toMatchObject({ type: FrameType.GOAWAY, reason: Reason.AUTH_FAILED });
    expect(relay.metrics().handshakeFailures).toEqual({ AUTH_FAILED: 1 });

    const lenient = await useRelay({ secret, maxTicketTtlSeconds: 0 });
    const q = await PageClient.connect(lenient.url);
    defer(() => q.close());
    expect((await q.hello(longLived)).type).toBe(FrameType.WELCOME);
  });
});

describe('maxConnectionsPerTicket', () => {
  it('one ticket on 10 WebSockets: the 3rd and later get GOAWAY(LIMIT); a closed one frees its place', async () => {
    const relay = await useRelay({ secret, maxConnectionsPerTicket: 2 });
    const ticket = createTicket({ secret, ttlSeconds: 60 });
    const pages: PageClient[] = [];
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await PageClient.connect(relay.url);
      defer(() => p.close());
      pages.push(p);
      const frame = await p.hello(ticket);
      answers.push(frame.type === FrameType.GOAWAY ? frame.reason : -1);
    }
    expect(answers).toEqual([-1, -1, ...Array(8).fill(Reason.LIMIT)]);
    expect(relay.metrics().limitHits).toEqual({ connections_per_ticket: 8 });
    // Another ticket is not affected.
    const other = await PageClient.connect(relay.url);
    defer(() => other.close());
    expect((await other.hello(createTicket({ secret, ttlSeconds: 60 }))).type).toBe(FrameType.WELCOME);

    await waitUntil(() => relay.metrics().connections === 3, 5000, 'the refused WebSockets to close');
    await pages[0]!.close();
    await waitUntil(() => relay.metrics().connections === 2, 5000, 'the relay to see the first page go');
    const again = await PageClient.connect(relay.url);
    defer(() => again.close());
    const frame = await again.hello(ticket);
    expect(frame.type).toBe(FrameType.WELCOME);
  });
});
