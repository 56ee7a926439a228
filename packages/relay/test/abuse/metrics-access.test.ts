/**
 * /metrics is reconnaissance (who was refused, which limits are hit, how loaded the relay is):
 * not for anyone who can reach the WebSocket port. Health stays public for load balancers.
 */
import { describe, expect, it } from 'vitest';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { metricsAccess } from '../../src/server/http-routes.js';
import { useRelay } from '../support/index.js';

const http = (url: string) => url.replace(/^ws/, 'http');

describe('/metrics access', () => {
  it('with a secret: 401 without the bearer secret, 200 with it; /healthz and /readyz public', async () => {
    const secret = 'metrics-secret';
    const relay = await useRelay({ secret });
    const base = http(relay.url);
    const bare = await fetch(`${base}metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${base}metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${base}metrics`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ws2web_relay_connections ');
    expect((await fetch(`${base}healthz`)).status).toBe(200);
    expect((await fetch(`${base}readyz`)).status).toBe(200);
  });

  it('with metricsPort: a separate listener serves it; the WebSocket port answers 404', async () => {
    const relay = await useRelay({ secret: 's', metricsPort: 0 });
    expect(relay.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const separate = await fetch(relay.metricsUrl!);
    expect(separate.status).toBe(200);
    expect(await separate.text()).toContain('ws2web_relay_connections ');
    expect((await fetch(relay.metricsUrl!.replace('/metrics', '/healthz'))).status).toBe(200);
    expect((await fetch(`${http(relay.url)}metrics`, { headers: { Authorization: 'Bearer s' } })).status).toBe(404);
    expect((await fetch(`${http(relay.url)}healthz`)).status).toBe(200);
  });

  it('without a secret: served on a loopback relay (the local operator), and the metrics listener closes with the relay', async () => {
    const relay = await useRelay({ metricsPort: 0 });
    const url = relay.metricsUrl!;
    expect((await fetch(url)).status).toBe(200);
    await relay.close();
    await expect(fetch(url)).rejects.toThrow();
    const plain = await useRelay({});
    expect(plain.metricsUrl).toBeNull();
    expect((await fetch(`${http(plain.url)}metrics`)).status).toBe(200);
  });

  it('without a secret beyond loopback: hidden (404) — decided by metricsAccess', async () => {
    const req = new IncomingMessage(new Socket());
    expect(metricsAccess(req, { secret: null, loopbackOnly: false })).toBe('hidden');
    expect(metricsAccess(req, { secret: null, loopbackOnly: true })).toBe('open');
    expect(metricsAccess(req, { secret: 'x', loopbackOnly: true })).toBe('auth');
    expect(metricsAccess(req, { secret: null, loopbackOnly: true, metricsPort: 9464 })).toBe('hidden');
  });
});
