/**
 * docs/openapi.yaml stays true: it parses, it is served, and every path and
 * method it documents is a route of the running line (with every optional
 * part switched on: an HTTP SMS provider for the callback route).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestLine, type TestLine } from './support/line.ts';

let line: TestLine;
beforeAll(async () => {
  line = await startTestLine();
}, 60_000);
afterAll(async () => {
  await line?.close();
});

describe('the OpenAPI description', () => {
  it('is served and documents only routes the line has', async () => {
    const res = await fetch(`${line.url}/openapi.yaml`);
    expect(res.status).toBe(200);
    const doc = parse(await res.text()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m)).map((m) => ({ method: m.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') })),
    );
    expect(documented.length).toBeGreaterThan(20);
    const missing = documented.filter((r) => !line.app.hasRoute({ method: r.method, url: r.url }));
    expect(missing).toEqual([]);
    // The interface is there.
    expect(documented).toEqual(expect.arrayContaining([
      { method: 'POST', url: '/api/incidents' }, { method: 'POST', url: '/api/incidents/:id/updates' }, { method: 'GET', url: '/api/incidents' },
      { method: 'POST', url: '/api/maintenance' }, { method: 'GET', url: '/status' }, { method: 'GET', url: '/status.json' }, { method: 'GET', url: '/status.atom' },
    ]));
  });
});
