/**
 * JWT tickets (jwtKeys + jwtAudience) beside HMAC tickets: HS256 and EdDSA keys generated here,
 * the key chosen by `kid` (rotation), `exp`/`nbf`/`aud` checked, and the relay's own ticket rules
 * (maximum lifetime, iat/nbf sanity) and per-ticket caps applying to them as to HMAC tickets.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { FrameType, PROTOCOL_VERSION, Reason } from '@ws2web/protocol';
import { parseCommandLine } from '../src/config/cli-options.js';
import { resolveOptions } from '../src/config/options.js';
import { JwtTickets, type JwtKey } from '../src/ops/jwt-tickets.js';
import { createTicket } from '../src/index.js';
import { LOOPBACK, PageClient, defer, ipv4, startEchoServer, useRelay, useServer, waitUntil } from './support/index.js';

const AUDIENCE = 'wss://relay.example';
const now = Date.now();
const s = Math.floor(now / 1000);

interface Signer {
  jwk: JwtKey;
  sign(claims: JWTPayload, header?: { kid?: string; alg?: string }): Promise<string>;
}

async function hs256(kid: string): Promise<Signer> {
  const secret = randomBytes(32);
  return {
    jwk: { kty: 'oct', k: secret.toString('base64url'), kid, alg: 'HS256' },
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid, ...header }).sign(secret),
  };
}

async function eddsa(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const { x } = await exportJWK(publicKey);
  return {
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA' },
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, ...header }).sign(privateKey),
  };
}

/** Claims of a ticket valid for a minute from `now`. */
function claims(extra: JWTPayload = {}): JWTPayload {
  return { aud: AUDIENCE, iat: s, exp: s + 60, sub: 'alice', ...extra };
}

describe('JwtTickets.verify', () => {
  it('accepts HS256 and EdDSA tickets by kid, with their subject and scopes', async () => {
    const h = await hs256('h1');
    const e = await eddsa('e1');
    const jwt = new JwtTickets([h.jwk, e.jwk], AUDIENCE);
    const viaH = await jwt.verify(await h.sign(claims({ dst: ['127.0.0.1:443'] })), now);
    expect(viaH).toMatchObject({ ok: true, subject: 'alice', expiresAt: (s + 60) * 1000 });
    expect(viaH.ok && viaH.scope?.entries).toEqual(['127.0.0.1:443']);
    const viaE = await jwt.verify(await e.sign(claims({ sub: 'bob', lp: ['ephemeral'] })), now);
    expect(viaE).toMatchObject({ ok: true, subject: 'bob' });
    expect(viaE.ok && viaE.listenPorts).not.toBeNull();
  });

  it.each([
    ['expired', claims({ iat: s - 120, exp: s - 60 }), 'expired'],
    ['exp = now', claims({ exp: s, iat: s - 10 }), 'expired'],
    ['nbf two minutes ahead', claims({ nbf: s + 120, exp: s + 180 }), 'not yet valid'],
    ['iat a day ahead', claims({ iat: s + 86400, exp: s + 86460 }), 'not yet valid'],
    ['another audience', claims({ aud: 'wss://other.example' }), 'wrong audience'],
    ['no audience', { iat: s, exp: s + 60 }, 'wrong audience'],
    ['a two-hour life', claims({ exp: s + 7200 }), 'lifetime too long'],
    ['no iat', { aud: AUDIENCE, exp: s + 60 }, 'malformed'],
    ['no exp', { aud: AUDIENCE, iat: s }, 'malformed'],
    ['a bad destination scope', claims({ dst: ['not a destination'] }), 'malformed'],
  ])('%s → refused (%s), whichever key signed it', async (_what, payload, why) => {
    for (const signer of [await hs256('h'), await eddsa('e')]) {
      const jwt = new JwtTickets([signer.jwk], AUDIENCE);
      expect(await jwt.verify(await signer.sign(payload), now)).toEqual({ ok: false, why });
    }
  });

  it('accepts the same clock skew as HMAC tickets: nbf and iat up to 60 s ahead', async () => {
    const e = await eddsa('e');
    const jwt = new JwtTickets([e.jwk], AUDIENCE);
    expect(await jwt.verify(await e.sign(claims({ iat: s + 50, nbf: s + 50, exp: s + 120 })), now)).toMatchObject({
      ok: true,
    });
  });

  it('refuses forgeries, unknown kids, a missing kid, alg none and the algorithm confusion of a public key used as an HMAC secret', async () => {
    const e = await eddsa('e1');
    const other = await eddsa('e1'); // same kid, another private key
    const jwt = new JwtTickets([e.jwk], AUDIENCE);
    expect(await jwt.verify(await other.sign(claims()), now)).toEqual({ ok: false, why: 'forged' });
    const stranger = await eddsa('e9');
    expect(await jwt.verify(await stranger.sign(claims()), now)).toEqual({ ok: false, why: 'unknown key' });
    const noKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(randomBytes(32));
    expect(await jwt.verify(noKid, now)).toEqual({ ok: false, why: 'malformed' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: 'e1' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims())).toString('base64url');
    expect(await jwt.verify(`${header}.${body}.`, now)).toEqual({ ok: false, why: 'malformed' });
    // HS256 keyed with the EdDSA public key's bytes, naming the EdDSA key: never verified as HMAC.
    const confused = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'e1' })
      .sign(Buffer.from(e.jwk.x as string, 'base64url'));
    expect(await jwt.verify(confused, now)).toEqual({ ok: false, why: 'malformed' });
    expect(await jwt.verify('a.b.c', now)).toEqual({ ok: false, why: 'malformed' });
  });
});

describe('a relay with JWT keys', () => {
  it('key rotation: tickets of the old and the new key work while both are listed; dropping the old key refuses its tickets', async () => {
    const old = await hs256('2026-01');
    const next = await eddsa('2026-02');
    const both = await useRelay({ jwtKeys: [old.jwk, next.jwk], jwtAudience: AUDIENCE });
    for (const signer of [old, next]) {
      const page = await PageClient.connect(both.url);
      defer(() => page.close());
      expect((await page.hello(await signer.sign(claims()))).type).toBe(FrameType.WELCOME);
    }
    const rotated = await useRelay({ jwtKeys: [next.jwk], jwtAudience: AUDIENCE });
    const refused = await PageClient.connect(rotated.url);
    defer(() => refused.close());
    expect(await refused.hello(await old.sign(claims()))).toMatchObject({
      type: FrameType.GOAWAY,
      reason: Reason.AUTH_FAILED,
    });
    // The refused page's WebSocket closes at once (the relay reads its close reply again).
    await waitUntil(() => refused.ws.readyState === refused.ws.CLOSED, 1000, 'the refused WebSocket to close');
    const fine = await PageClient.connect(rotated.url);
    defer(() => fine.close());
    expect((await fine.hello(await next.sign(claims()))).type).toBe(FrameType.WELCOME);
    // No HMAC secret on this relay: an HMAC ticket is refused too.
    const hmac = await PageClient.connect(rotated.url);
    defer(() => hmac.close());
    expect(await hmac.hello(createTicket({ secret: 'x', ttlSeconds: 60 }))).toMatchObject({
      reason: Reason.AUTH_FAILED,
    });
    expect(rotated.metrics().handshakeFailures).toEqual({ AUTH_FAILED: 2 });
  });

  it('HMAC and JWT tickets side by side; frames sent right behind a JWT HELLO wait for its verdict', async () => {
    const echo = await useServer(startEchoServer());
    const e = await eddsa('e1');
    const secret = 'hmac-secret';
    const relay = await useRelay({ allow: LOOPBACK, secret, jwtKeys: [e.jwk], jwtAudience: AUDIENCE });
    const hmacPage = await PageClient.connect(relay.url);
    defer(() => hmacPage.close());
    expect((await hmacPage.hello(createTicket({ secret, ttlSeconds: 60 }))).type).toBe(FrameType.WELCOME);

    const page = await PageClient.connect(relay.url);
    defer(() => page.close());
    const token = await e.sign(claims({ dst: [`127.0.0.1:${echo.port}`] }));
    // HELLO and OPEN in one message: the OPEN is handled once the ticket is verified (its scope applies).
    page.send(
      { type: FrameType.HELLO, version: PROTOCOL_VERSION, token },
      { type: FrameType.OPEN, stream: 1, transport: 1, flags: 0, window: 65536, remote: ipv4(echo.port), local: null },
    );
    expect((await page.next((f) => f.type === FrameType.WELCOME)).type).toBe(FrameType.WELCOME);
    expect((await page.next((f) => f.type === FrameType.OPENED || f.type === FrameType.OPEN_FAILED)).type).toBe(
      FrameType.OPENED,
    );
    expect(relay.metrics().protocolErrors).toBe(0);
    // The ticket's scope names only the echo port.
    expect(await page.open(3, ipv4(echo.port === 65535 ? 1024 : echo.port + 1))).toMatchObject({
      type: FrameType.OPEN_FAILED,
      reason: Reason.POLICY_DENIED,
    });
  });

  it('maxConnectionsPerTicket and maxSocketsPerSubject hold JWT tickets as HMAC ones', async () => {
    const echo = await useServer(startEchoServer());
    const h = await hs256('h1');
    const relay = await useRelay({
      allow: LOOPBACK,
      jwtKeys: [h.jwk],
      jwtAudience: AUDIENCE,
      maxConnectionsPerTicket: 1,
      maxSocketsPerSubject: 1,
    });
    const token = await h.sign(claims());
    const first = await PageClient.connect(relay.url);
    defer(() => first.close());
    expect((await first.hello(token)).type).toBe(FrameType.WELCOME);
    const again = await PageClient.connect(relay.url);
    defer(() => again.close());
    expect(await again.hello(token)).toMatchObject({ type: FrameType.GOAWAY, reason: Reason.LIMIT });
    // Another ticket of the same subject: its own WebSocket, but the subject's one socket is taken.
    const second = await PageClient.connect(relay.url);
    defer(() => second.close());
    expect((await second.hello(await h.sign(claims({ jti: 'other' })))).type).toBe(FrameType.WELCOME);
    expect((await first.open(1, ipv4(echo.port))).type).toBe(FrameType.OPENED);
    expect((await second.open(1, ipv4(echo.port))).type).toBe(FrameType.OPEN_FAILED);
    expect(relay.metrics().limitHits).toMatchObject({ connections_per_ticket: 1, sockets_per_subject: 1 });
    await first.close();
    // The subject's count drops when the first page's socket has really closed: ask until it has.
    let id = 1;
    await waitUntil(
      async () => {
        id += 2;
        return (await second.open(id, ipv4(echo.port))).type === FrameType.OPENED;
      },
      5000,
      "the first page's socket to be released",
    );
  });
});

describe('JWT options', () => {
  it('refuse keys without an audience, private keys, duplicate kids and keys of the wrong shape', async () => {
    const e = await eddsa('e1');
    expect(() => resolveOptions({ jwtKeys: [e.jwk] })).toThrow(/jwtAudience: JWT tickets need the audience/);
    expect(() => resolveOptions({ jwtKeys: [{ ...e.jwk, d: 'secret' }], jwtAudience: AUDIENCE })).toThrow(
      /public keys only/,
    );
    expect(() => resolveOptions({ jwtKeys: [e.jwk, e.jwk], jwtAudience: AUDIENCE })).toThrow(/two keys with kid/);
    expect(() => resolveOptions({ jwtKeys: [{ ...e.jwk, alg: 'HS256' }], jwtAudience: AUDIENCE })).toThrow(
      /HS256 keys are/,
    );
  });

  it('--jwt-keys reads a JWKS file, --jwt-audience the audience', async () => {
    const e = await eddsa('e1');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ws2web-jwks-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [e.jwk] }));
    const options = parseCommandLine(['--jwt-keys', file, '--jwt-audience', AUDIENCE], {});
    expect(options).toMatchObject({ jwtKeys: [e.jwk], jwtAudience: AUDIENCE });
    expect(resolveOptions(options!).jwt).toBeInstanceOf(JwtTickets);
    expect(() => parseCommandLine(['--jwt-keys', path.join(dir, 'missing.json')], {})).toThrow(/cannot read/);
  });
});
