import Fastify from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { StatusView } from '../../incidents/index.ts';
import { statusPage } from './index.ts';
import { renderAtom } from './render-atom.ts';
import { fakeStatus, statusViewFixture } from './test-fixtures.ts';

interface AtomEntry {
  '@_xml:lang': string;
  id: string;
  title: { '#text': string };
  updated: string;
  published: string;
  link: { '@_href': string; '@_rel': string };
  category: { '@_term': string };
  content: { '#text': string; '@_type': string };
}

function parse(xml: string): { feed: Record<string, unknown> & { entry: AtomEntry[] } } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry', textNodeName: '#text', alwaysCreateTextNode: true, parseTagValue: false });
  return parser.parse(xml) as { feed: Record<string, unknown> & { entry: AtomEntry[] } };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('GET /status.atom', () => {
  it('is an Atom 1.0 feed with the elements RFC 4287 requires, parsed back', async () => {
    const app = Fastify();
    await app.register(statusPage({ status: fakeStatus(), languages: ['es', 'en'], publicUrl: 'https://status.bank.example/status' }));
    const res = await app.inject({ url: '/status.atom', headers: { 'accept-language': 'es' } });
    await app.close();
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers['etag']).toMatch(/^"atom-es-/);
    const { feed } = parse(res.body);
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed['id']).toEqual({ '#text': expect.stringMatching(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) as unknown });
    expect(feed['title']).toEqual({ '#text': 'Estado del servicio', '@_type': 'text' });
    expect(feed['author']).toEqual({ name: { '#text': 'Estado del servicio' } });
    // The newest change: the scheduled window's, whose last change is only known as the view's time.
    expect(feed['updated']).toEqual({ '#text': '2025-03-12T09:20:00.000Z' });
    expect(feed['link']).toMatchObject([
      { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': 'https://status.bank.example/status.atom?lang=es' },
      { '@_rel': 'alternate', '@_type': 'text/html', '@_href': 'https://status.bank.example/status?lang=es' },
    ]);
    // Two active incidents, two windows, one past incident.
    expect(feed.entry).toHaveLength(5);
    const ids = feed.entry.map((e) => (e.id as unknown as { '#text': string })['#text']);
    expect(new Set(ids).size).toBe(5);
    for (const e of feed.entry) {
      expect((e.updated as unknown as { '#text': string })['#text']).toMatch(ISO);
      expect(e.title['#text'].length).toBeGreaterThan(0);
      expect(e.content['@_type']).toBe('text');
    }
    const outage = feed.entry.find((e) => e.title['#text'] === 'Banca online y app no disponibles')!;
    expect(outage.category['@_term']).toBe('technical_fault');
    expect(outage.link['@_href']).toBe('https://status.bank.example/status?lang=es#incident-inc-outage');
    expect(outage.content['#text']).toContain('Causa: fallo técnico. No se trata de un ciberataque.');
    expect(outage.content['#text']).toContain('Mientras tanto: Las retiradas de efectivo en cajeros');
    expect(outage.content['#text']).toContain('2025-03-12T08:30:00.000Z (12 mar 2025, 08:30 UTC) — Causa identificada\nHemos identificado el fallo');
  });

  it('marks the fallback text with its language and keeps ids stable across versions', () => {
    const before = parse(renderAtom(statusViewFixture('en', 'incident'), { timeZone: 'UTC' })).feed;
    const after = parse(renderAtom(statusViewFixture('en', 'resolved'), { timeZone: 'UTC' })).feed;
    const cyber = before.entry.find((e) => e.category['@_term'] === 'cyberattack')!;
    expect(cyber['@_xml:lang']).toBe('es');
    expect(cyber.content['#text']).toContain('Only available in Spanish.');
    expect(cyber.link['@_href']).toBe('status?lang=en#incident-inc-topups');
    const outageBefore = before.entry.find((e) => e.title['#text'] === 'Online banking and app unavailable')!;
    const outageAfter = after.entry.find((e) => e.title['#text'] === 'Online banking and app unavailable')!;
    expect(outageAfter.id).toEqual(outageBefore.id);
    expect(outageAfter.updated).toEqual({ '#text': '2025-03-13T07:00:00.000Z' });
    expect(outageAfter.content['#text']).toMatch(/^Resolved\./);
  });

  it('stays well-formed XML whatever the operators typed', () => {
    const view: StatusView = statusViewFixture('es');
    view.active[0] = { ...view.active[0]!, id: 'a"<&>', title: ']]> <entry> & \u0001\uFFFE end', message: '<![CDATA[ x ]]>', workaround: "'\"" };
    const { feed } = parse(renderAtom(view, { title: { es: '<feed>&' }, timeZone: 'UTC', publicUrl: 'https://s.example/status' }));
    expect(feed['title']).toEqual({ '#text': '<feed>&', '@_type': 'text' });
    const hostile = feed.entry.find((e) => e.category['@_term'] === 'technical_fault')!;
    expect(hostile.title['#text']).toBe(']]> <entry> &  end');
    expect(hostile.content['#text']).toContain('<![CDATA[ x ]]>');
    expect(hostile.link['@_href']).toBe('https://s.example/status?lang=es#incident-a%22%3C%26%3E');
  });
});
