import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusView } from '../../incidents/index.ts';
import { statusPage, type StatusPageDeps } from './index.ts';
import { fakeStatus, statusViewFixture } from './test-fixtures.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(deps: Partial<StatusPageDeps> = {}): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(statusPage({ status: fakeStatus(), languages: ['es', 'en'], ...deps }));
  return app;
}

describe('GET /status', () => {
  it('answers in the Accept-Language language, with cache headers and no script', async () => {
    const res = await (await start()).inject({ url: '/status', headers: { 'accept-language': 'en-GB,en;q=0.9,es;q=0.5' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=30');
    expect(res.headers['vary']).toBe('Accept-Language');
    expect(res.headers['content-language']).toBe('en');
    expect(res.headers['etag']).toMatch(/^"html-en-[A-Za-z0-9_-]{22}"$/);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.body).toMatch(/^<!doctype html><html lang="en">/);
    expect(res.body).toContain('<h2 id="active">Current incidents</h2>');
    expect(res.body).toContain('Online banking and app unavailable');
    expect(res.body).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
    expect(res.body).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('lets ?lang= win over Accept-Language, and defaults to the first language', async () => {
    const server = await start();
    const es = await server.inject({ url: '/status?lang=es', headers: { 'accept-language': 'en' } });
    expect(es.body).toMatch(/^<!doctype html><html lang="es">/);
    expect(es.body).toContain('Banca online y app no disponibles');
    expect(es.body).toContain('<a href="?lang=en" hreflang="en" lang="en">English</a>');
    expect(es.body).toContain('<a href="?lang=es" hreflang="es" lang="es" aria-current="true">Español</a>');
    const none = await server.inject({ url: '/status' });
    expect(none.headers['content-language']).toBe('es');
    expect(none.headers['etag']).toBe(es.headers['etag']);
  });

  it('states the cause plainly, highlights the workaround and gives the next update', async () => {
    const res = await (await start()).inject({ url: '/status?lang=es' });
    expect(res.body).toContain('<p class="cause"><strong>Causa:</strong> fallo técnico. No se trata de un ciberataque.</p>');
    expect(res.body).toContain('<p class="cause"><strong>Causa:</strong> ciberataque.</p>');
    // Only the technical fault says it; the cyberattack and the third party do not.
    expect(res.body.match(/No se trata de un ciberataque/g)).toHaveLength(1);
    expect(res.body).toContain('<div class="workaround"><strong>Mientras tanto:</strong> <span class="message">Las retiradas de efectivo en cajeros');
    expect(res.body).toContain('<strong>Próxima actualización:</strong> <time datetime="2025-03-12T09:30:00.000Z" title="2025-03-12T09:30:00.000Z">12 mar 2025, 09:30 UTC</time>');
    expect(res.body).toContain('<span class="badge s-major_outage"><span aria-hidden="true">✕</span> Interrupción total</span>');
    expect(res.body).toContain('<h3>Italia</h3>');
    expect(res.body).toContain('<h3>En curso</h3>');
    expect(res.body).toContain('<h3>Próximamente</h3>');
    expect(res.body).toContain('Códigos SMS con retraso');
  });

  it('writes human times in the configured zone', async () => {
    const res = await (await start({ timeZone: 'Europe/Madrid' })).inject({ url: '/status?lang=es' });
    expect(res.body).toContain('<time datetime="2025-03-12T09:30:00.000Z" title="2025-03-12T09:30:00.000Z">12 mar 2025, 10:30 CET</time>');
  });

  it('says visibly when a text is only in the fallback language', async () => {
    const server = await start();
    const en = await server.inject({ url: '/status?lang=en' });
    expect(en.body).toContain('<p class="note">Only available in Spanish.</p><div lang="es"><p class="message">Un ciberataque afecta a las recargas.');
    const es = await server.inject({ url: '/status?lang=es' });
    expect(es.body).not.toContain('Sólo disponible');
  });

  it('escapes every text, the configured title included', async () => {
    const hostile = statusViewFixture('es');
    const incident = hostile.active[0]!;
    hostile.active[0] = { ...incident, id: '"><b>', title: '<img src=x onerror=alert(1)>', message: 'a & b "c" \'d\'\u0000', workaround: '</div><script>x()</script>' };
    hostile.grid[1]!.marketName = '<i>España</i>';
    const status = { statusView: (): Promise<StatusView> => Promise.resolve(hostile) };
    const res = await (await start({ status, title: { es: '<script>alert("t")</script>' } })).inject({ url: '/status' });
    expect(res.body).not.toMatch(/<script|<img|<i>|<b>/);
    expect(res.body).not.toContain('\u0000');
    expect(res.body).toContain('<title>&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;</title>');
    expect(res.body).toContain('<h3>&lt;img src=x onerror=alert(1)&gt;</h3>');
    expect(res.body).toContain('<p class="message">a &amp; b &quot;c&quot; &#39;d&#39;</p>');
    expect(res.body).toContain('id="incident-&quot;&gt;&lt;b&gt;"');
    expect(res.body).toContain('&lt;/div&gt;&lt;script&gt;x()&lt;/script&gt;');
  });
});

describe('conditional requests and the render cache', () => {
  it('answers 304 to a matching If-None-Match, 200 once the view changes', async () => {
    const status = fakeStatus('incident');
    const server = await start({ status });
    const first = await server.inject({ url: '/status?lang=en' });
    const etag = first.headers['etag'] as string;
    const again = await server.inject({ url: '/status?lang=en', headers: { 'if-none-match': `W/"other", ${etag}` } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['etag']).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=30');
    expect(again.headers['vary']).toBe('Accept-Language');
    // Same version, another language: another representation.
    const es = await server.inject({ url: '/status?lang=es', headers: { 'if-none-match': etag } });
    expect(es.statusCode).toBe(200);
    status.scenario = 'resolved';
    const changed = await server.inject({ url: '/status?lang=en', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(changed.body).toContain('No current incidents.');
    expect(changed.body).toContain('The service is fully restored.');
  });

  it('serves the same bytes for the same version, and the last page when the view fails', async () => {
    const status = fakeStatus('incident');
    const server = await start({ status });
    const first = await server.inject({ url: '/status.json?lang=es' });
    const second = await server.inject({ url: '/status.json?lang=es' });
    expect(second.body).toBe(first.body);
    expect(status.calls).toBe(2);
    status.failing = true;
    const stale = await server.inject({ url: '/status.json?lang=es' });
    expect(stale.statusCode).toBe(200);
    expect(stale.headers['etag']).toBe(first.headers['etag']);
    expect((await server.inject({ url: '/status.json?lang=en' })).statusCode).toBe(500);
  });

  it('answers HEAD with the headers only', async () => {
    const server = await start();
    const head = await server.inject({ method: 'HEAD', url: '/status' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['etag']).toBe((await server.inject({ url: '/status' })).headers['etag']);
  });
});

describe('GET /status.json', () => {
  it('is the view, dates in ISO 8601, in the negotiated language', async () => {
    const res = await (await start()).inject({ url: '/status.json', headers: { 'accept-language': 'en' } });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['etag']).toMatch(/^"json-en-/);
    const body = res.json<Record<string, unknown> & { active: { publishedAt: string; fallback: string | null }[] }>();
    expect(body).toEqual(JSON.parse(JSON.stringify(statusViewFixture('en'))));
    expect(body.active[0]!.publishedAt).toBe('2025-03-12T06:30:00.000Z');
    expect(body.active[1]!.fallback).toBe('es');
  });
});
