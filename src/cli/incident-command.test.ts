import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// The CLI talks to this plugin over HTTP; only this test imports it (runtime cli code never reaches into http).
// eslint-disable-next-line clave/bounded-contexts
import { incidentsApi } from '../http/incidents-api.ts';
import { createIncidents, DEFAULT_STATUS_CONFIG, type IncidentsService } from '../incidents/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { parseWhen, parseWeekdays } from './incident-args.ts';
import { runIncidentCommand } from './incident-command.ts';
import type { CliIo } from './io.ts';
import { main } from './main.ts';

const TOKEN = 'test-admin-token';
const T0 = Date.parse('2026-03-02T09:00:00Z');

let db: Db;
let app: FastifyInstance;
let server: string;
let clock: SimulatedClock;
let incidents: IncidentsService;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  app = Fastify();
  // The lead's bearer guard lives in http/auth.ts; a plain one stands in for it here.
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) await reply.code(401).send({ error: 'unauthorized' });
  });
  await app.register(
    incidentsApi({
      // Each test gets a fresh service (and clock); the server keeps pointing at the current one.
      incidents: new Proxy({} as IncidentsService, {
        get: (_target, key) => {
          const value: unknown = Reflect.get(incidents, key);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(incidents) : value;
        },
      }),
      operatorOf: () => 'admin',
    }),
    { prefix: '/api' },
  );
  server = await app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await app.close();
  await db.close();
});
beforeEach(async () => {
  await db.query('TRUNCATE incidents_heard, incidents_audit, incidents_alert, incidents_occurrence, incidents_maintenance_component, incidents_maintenance, incidents_update, incidents_incident_component, incidents_incident CASCADE');
  clock = new SimulatedClock(T0);
  incidents = createIncidents({ db, clock, config: DEFAULT_STATUS_CONFIG });
});

async function clave(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: new PassThrough() };
  const code = await main(['incident', ...args, '--server', server, '--token', TOKEN], io);
  return { code, out, err };
}

const TEXT_FLAGS = [
  '--es-title', 'Banca online caída', '--es-message', 'No se puede entrar en la banca online.', '--es-workaround', 'Los cajeros funcionan.',
  '--en-title', 'Online banking down', '--en-message', 'Online banking cannot be reached.', '--en-workaround', 'ATMs work.',
];
const CREATE = ['create', '--status', 'investigating', '--cause', 'technical_fault', '--component', 'ebanking=major_outage', '--market', 'ES', ...TEXT_FLAGS];

describe('clave incident', () => {
  it('--preview prints what the page shows and callers hear, per language, and saves nothing', async () => {
    const r = await clave(...CREATE, '--next-update', '2026-03-02T10:30:00Z', '--preview');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.split('\n')).toEqual([
      'Preview (nothing saved)',
      '',
      '== es ==',
      'Status page:',
      '  Banca online caída',
      '  status investigating · cause technical_fault',
      '  Banca online: major_outage',
      '  markets: España',
      '  No se puede entrar en la banca online.',
      '  Los cajeros funcionan.',
      '  next update 2026-03-02T10:30:00.000Z',
      'Callers hear:',
      '  1. Banca online caída',
      '  2. No se puede entrar en la banca online.',
      '  3. Los cajeros funcionan.',
      '  4. Daremos más información a las 11:30.',
      '',
      '== en ==',
      'Status page:',
      '  Online banking down',
      '  status investigating · cause technical_fault',
      '  Online banking: major_outage',
      '  markets: Spain',
      '  Online banking cannot be reached.',
      '  ATMs work.',
      '  next update 2026-03-02T10:30:00.000Z',
      'Callers hear:',
      '  1. Online banking down',
      '  2. Online banking cannot be reached.',
      '  3. ATMs work.',
      '  4. Next update at 11:30.',
      '',
    ]);
    expect(await incidents.list()).toEqual([]);
  });

  it('creates, lists, updates and resolves; an update after resolved is refused with 1', async () => {
    const created = await clave(...CREATE);
    expect(created.code).toBe(0);
    const id = /^Created incident (inc-[0-9a-f]{12}) \(published\)\n$/.exec(created.out)?.[1] ?? '';
    expect(id).not.toBe('');
    const list = await clave('list', '--active');
    expect(list.out).toBe(`${id}  published  investigating  technical_fault      ebanking=major_outage  ES  "Banca online caída"\n`);
    expect((await clave('update', id, '--status', 'identified', '--component', 'ebanking=degraded')).out).toBe(`Updated incident ${id}: identified\n`);
    expect((await clave('resolve', id, '--en-message', 'Fixed.', '--en-title', 'Back', '--es-title', 'Resuelto', '--es-message', 'Arreglado.'))).toMatchObject({ code: 0, out: `Resolved incident ${id}\n` });
    expect((await incidents.get(id))?.text['en']).toEqual({ title: 'Back', message: 'Fixed.' });
    const again = await clave('update', id, '--status', 'monitoring');
    expect(again).toMatchObject({ code: 1, out: '' });
    expect(again.err).toBe(`clave incident: refused (409 INCIDENT_RESOLVED): incident ${id} is resolved: it takes no more updates (create a new incident)\n`);
    const json = await clave('show', id, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ id, status: 'resolved', components: [{ component: 'ebanking', impact: 'degraded' }] });
  });

  it('saves a draft from a JSON file and publishes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clave-incident-'));
    const file = join(dir, 'incident.json');
    await writeFile(file, JSON.stringify({ status: 'identified', cause: 'third_party', components: [{ component: 'sms-codes', impact: 'partial_outage' }], text: { es: { title: 'SMS lentos', message: 'Los SMS tardan.' } } }));
    const created = await clave('create', '--file', file, '--en-title', 'Slow SMS', '--en-message', 'Texts are late.', '--draft');
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const id = /(inc-[0-9a-f]{12})/.exec(created.out)?.[1] ?? '';
    expect(created.out).toBe(`Created incident ${id} (draft: publish it with "clave incident publish ${id}")\n`);
    expect(await incidents.get(id)).toMatchObject({ visibility: 'draft', cause: 'third_party', text: { en: { title: 'Slow SMS', message: 'Texts are late.' } } });
    expect((await clave('publish', id)).out).toBe(`Published incident ${id}\n`);
    expect((await clave('list', '--visibility', 'published')).out).toContain(id);
  });

  it('reports the server refusing bad input with the field, exit 1', async () => {
    const r = await clave('create', '--status', 'investigating', '--cause', 'technical_fault', '--component', 'teleport=major_outage', ...TEXT_FLAGS);
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused (400 INVALID_ARGUMENT): components.0.component: unknown component');
    const missing = await clave('create', '--status', 'investigating', '--cause', 'technical_fault', '--component', 'atm=degraded', '--es-title', 'x', '--es-message', 'y');
    expect(missing.err).toContain('text.en: missing');
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['frobnicate'],
      ['create', '--status', 'investigating'],
      [...CREATE, '--component', 'ebanking'],
      [...CREATE, '--colour', 'red'],
      [...CREATE, '--next-update', 'soon'],
      ['update', '--status', 'identified'],
      ['maintenance', 'reboot'],
      ['list', '--active', '--resolved'],
      ['create', '--es-title'],
    ]) {
      const r = await clave(...args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.err).toContain('usage: clave incident');
    }
    let err = '';
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, stdin: new PassThrough() };
    expect(await runIncidentCommand(['list', '--server', server], io, {})).toBe(2);
    expect(err).toContain('no admin token');
  });

  it('takes the token from CLAVE_ADMIN_TOKEN; a wrong token or no server is refused with 1', async () => {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: new PassThrough() };
    expect(await runIncidentCommand(['list', '--server', server], io, { CLAVE_ADMIN_TOKEN: TOKEN })).toBe(0);
    expect(out).toBe('(no incidents)\n');
    expect(await runIncidentCommand(['list', '--server', server, '--token', 'wrong'], io, {})).toBe(1);
    expect(err).toContain('unauthorized');
    expect(await runIncidentCommand(['list', '--server', 'http://127.0.0.1:1', '--token', TOKEN], io, {})).toBe(1);
    expect(err).toContain('cannot reach http://127.0.0.1:1/api');
  });

  it('schedules, lists, completes and cancels maintenance, and acknowledges alerts', async () => {
    const scheduled = await clave('maintenance', 'schedule', '--component', 'atm=under_maintenance', '--starts', '2026-03-02T10:00:00Z', '--ends', '2026-03-02T11:00:00Z', '--announce-before', '30', ...TEXT_FLAGS);
    expect(scheduled.code).toBe(0);
    const mid = /(mnt-[0-9a-f]{12})/.exec(scheduled.out)?.[1] ?? '';
    const weekly = await clave('maintenance', 'schedule', '--component', 'transfers=degraded', '--starts', '2026-03-03T01:00:00Z', '--ends', '2026-03-03T02:00:00Z', '--weekly', 'tu,fr', '--until', '2026-04-01T00:00:00Z', ...TEXT_FLAGS);
    const wid = /(mnt-[0-9a-f]{12})/.exec(weekly.out)?.[1] ?? '';
    expect((await incidents.listMaintenance()).find((m) => m.id === wid)?.recurrence).toEqual({ freq: 'weekly', byWeekday: [2, 5], until: new Date('2026-04-01T00:00:00Z') });
    const list = await clave('maintenance', 'list');
    expect(list.out).toContain(`${mid}  scheduled 2026-03-02T10:00:00.000Z → 2026-03-02T11:00:00.000Z  once  atm=under_maintenance  "Banca online caída"`);
    expect((await clave('maintenance', 'cancel', wid)).out).toBe(`Cancelled maintenance ${wid}\n`);
    expect((await clave('maintenance', 'cancel', wid)).code).toBe(1);

    await clock.advance(2 * 3_600_000);
    await incidents.tick();
    const alerts = await clave('alerts');
    const aid = /(alr-[0-9a-f]{12})/.exec(alerts.out)?.[1] ?? '';
    expect(alerts.out).toContain(`${aid}  2026-03-02T11:00:00.000Z  maintenance_overrun  NEW  Maintenance ${mid}`);
    expect((await clave('alerts', 'ack', aid)).out).toBe(`Acknowledged alert ${aid}\n`);
    expect((await clave('alerts')).out).toContain('acknowledged');
    expect((await clave('maintenance', 'complete', mid)).out).toBe(`Completed maintenance ${mid}\n`);
    expect((await clave('list', '--visibility', 'draft')).out).toContain('planned_maintenance');
    const audit = await clave('audit', '--limit', '3');
    expect(audit.out.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[2])).toEqual(['maintenance.complete', 'alert.acknowledge', 'maintenance.overrun']);
  });

  it('reads times as ISO 8601 or relative to now, and weekdays by name', () => {
    expect(parseWhen('--next-update', '+30m', T0)).toBe('2026-03-02T09:30:00.000Z');
    expect(parseWhen('--next-update', '+2h', T0)).toBe('2026-03-02T11:00:00.000Z');
    expect(parseWhen('--starts', '2026-03-02T14:30:00+01:00', T0)).toBe('2026-03-02T13:30:00.000Z');
    expect(() => parseWhen('--starts', '2026-03-02 14:30', T0)).toThrow('ISO 8601');
    expect(parseWeekdays('mo,Th,sunday')).toEqual([1, 4, 0]);
  });
});
