import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidents, DEFAULT_STATUS_CONFIG, type Alert, type Incident, type IncidentsService, type Maintenance } from '../incidents/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { incidentsApi } from './incidents-api.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const TEXT = {
  es: { title: 'Banca online caída', message: 'No se puede entrar en la banca online.', workaround: 'Los cajeros funcionan.' },
  en: { title: 'Online banking down', message: 'Online banking cannot be reached.', workaround: 'ATMs work.' },
};
const CREATE = { status: 'investigating', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], text: TEXT };

let db: Db;
let app: FastifyInstance;
let clock: SimulatedClock;
let incidents: IncidentsService;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
}, 60_000);
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.query('TRUNCATE incidents_heard, incidents_audit, incidents_alert, incidents_occurrence, incidents_maintenance_component, incidents_maintenance, incidents_update, incidents_incident_component, incidents_incident CASCADE');
  clock = new SimulatedClock(T0);
  incidents = createIncidents({ db, clock, config: DEFAULT_STATUS_CONFIG });
  app = Fastify();
  await app.register(incidentsApi({ incidents, operatorOf: (request) => String(request.headers['x-operator'] ?? 'admin') }), { prefix: '/api' });
  return () => app.close();
});

async function post(url: string, payload?: unknown, operator = 'admin') {
  const res = await app.inject({ method: 'POST', url, headers: { 'x-operator': operator }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

async function get<T>(url: string) {
  const res = await app.inject({ url });
  return { status: res.statusCode, body: res.json<T>() };
}

describe('incidents API', () => {
  it('creates, updates, resolves, and answers 409 to an update after resolved', async () => {
    const created = await post('/api/incidents', CREATE, 'ana');
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    expect(Object.keys(created.body)).toEqual(['id']);
    expect((await get<Incident>(`/api/incidents/${id}`)).body).toMatchObject({ id, visibility: 'published', status: 'investigating', publishedAt: '2026-03-02T09:00:00.000Z' });

    const next = new Date(T0 + HOUR).toISOString();
    const identified = await post(`/api/incidents/${id}/updates`, { status: 'identified', nextUpdateAt: next }, 'luis');
    expect(identified).toMatchObject({ status: 200, body: { status: 'identified', nextUpdateAt: next } });
    const resolved = await post(`/api/incidents/${id}/updates`, { status: 'resolved', text: TEXT });
    expect(resolved).toMatchObject({ status: 200, body: { status: 'resolved', resolvedAt: '2026-03-02T09:00:00.000Z' } });
    expect(await post(`/api/incidents/${id}/updates`, { status: 'monitoring' })).toEqual({
      status: 409,
      body: { error: 'conflict', code: 'INCIDENT_RESOLVED', message: `incident ${id} is resolved: it takes no more updates (create a new incident)` },
    });
    const audit = await get<{ action: string; author: string }[]>('/api/audit?limit=10');
    expect(audit.body.map((a) => [a.action, a.author])).toEqual([
      ['incident.resolve', 'admin'],
      ['incident.update', 'luis'],
      ['incident.create', 'ana'],
    ]);
  });

  it('answers 400 naming the field', async () => {
    expect(await post('/api/incidents', { ...CREATE, components: [{ component: 'teleport', impact: 'degraded' }] })).toMatchObject({
      status: 400,
      body: { error: 'bad_request', code: 'INVALID_ARGUMENT', field: 'components.0.component' },
    });
    const missing = await post('/api/incidents', { ...CREATE, text: { es: TEXT.es } });
    expect(missing.status).toBe(400);
    expect(missing.body['message']).toBe('text.en: missing: a published text needs every configured language (es, en)');
    expect((await post('/api/incidents', { ...CREATE, nextUpdateAt: 'tomorrow' })).body['field']).toBe('nextUpdateAt');
    expect((await post('/api/incidents', [1, 2])).body['field']).toBe('status');
    expect((await get('/api/incidents?visibility=secret')).status).toBe(400);
    const { id } = (await post('/api/incidents', CREATE)).body as { id: string };
    const partial = await post(`/api/incidents/${id}/updates`, { status: 'identified', text: { es: TEXT.es } });
    expect(partial).toMatchObject({ status: 400, body: { field: 'text.en' } });
    const raw = await app.inject({ method: 'POST', url: '/api/incidents', headers: { 'content-type': 'application/json' }, payload: '{"status":' });
    expect(raw.statusCode).toBe(400);
    expect((await post('/api/maintenance', { components: [{ component: 'atm', impact: 'degraded' }], text: TEXT, startsAt: new Date(T0 + HOUR).toISOString(), endsAt: new Date(T0 + 2 * HOUR).toISOString(), announceBeforeMinutes: -5 })).body).toMatchObject({
      field: 'announceBeforeMinutes',
    });
  });

  it('answers 404 for unknown ids', async () => {
    expect((await get('/api/incidents/inc-000000000000')).status).toBe(404);
    expect((await post('/api/incidents/inc-000000000000/publish')).body).toMatchObject({ error: 'not_found', code: 'INCIDENT_NOT_FOUND' });
    expect((await post('/api/incidents/inc-000000000000/updates', { status: 'resolved' })).status).toBe(404);
    expect((await post('/api/maintenance/mnt-000000000000/complete')).status).toBe(404);
    expect((await post('/api/alerts/alr-000000000000/acknowledge')).status).toBe(404);
  });

  it('keeps drafts out of the public view until published, and lists by visibility', async () => {
    const { id } = (await post('/api/incidents', { ...CREATE, publish: false, text: { es: TEXT.es } })).body as { id: string };
    expect((await get<Incident[]>('/api/incidents?visibility=draft')).body.map((i) => i.id)).toEqual([id]);
    expect((await get<Incident[]>('/api/incidents?visibility=published')).body).toEqual([]);
    expect(await post(`/api/incidents/${id}/publish`)).toMatchObject({ status: 400, body: { field: 'text.en' } });
    await post(`/api/incidents/${id}/updates`, { status: 'investigating', text: TEXT });
    expect(await post(`/api/incidents/${id}/publish`)).toMatchObject({ status: 200, body: { visibility: 'published' } });
    expect((await post(`/api/incidents/${id}/publish`)).status).toBe(409);
    expect((await get<Incident[]>('/api/incidents?active=true')).body.map((i) => i.id)).toEqual([id]);
    expect((await get<Incident[]>('/api/incidents?active=false')).body).toEqual([]);
  });

  it('previews without saving', async () => {
    const res = await post('/api/incidents/preview', { ...CREATE, nextUpdateAt: new Date(T0 + HOUR).toISOString() });
    expect(res.status).toBe(200);
    const body = res.body as { page: Record<string, { title: string }>; spoken: Record<string, { key: string; text: string }[]> };
    expect(body.page['en']?.title).toBe('Online banking down');
    expect(body.spoken['es']?.map((p) => p.text)).toEqual([TEXT.es.title, TEXT.es.message, TEXT.es.workaround, 'Daremos más información a las 11:00.']);
    expect((await get<Incident[]>('/api/incidents')).body).toEqual([]);
  });

  it('schedules, lists, completes and cancels maintenance; overruns show up as alerts to acknowledge', async () => {
    const window = {
      components: [{ component: 'atm', impact: 'under_maintenance' }],
      text: TEXT,
      startsAt: new Date(T0 + HOUR).toISOString(),
      endsAt: new Date(T0 + 2 * HOUR).toISOString(),
      announceBeforeMinutes: 30,
    };
    const a = await post('/api/maintenance', window);
    expect(a.status).toBe(201);
    await clock.advance(1);
    const b = await post('/api/maintenance', { ...window, recurrence: { freq: 'weekly', byWeekday: [1] } });
    const listed = await get<Maintenance[]>('/api/maintenance');
    expect(listed.body.map((m) => [m.id, m.announceBeforeMs, m.recurrence])).toEqual([
      [b.body['id'], 30 * 60_000, { freq: 'weekly', byWeekday: [1] }],
      [a.body['id'], 30 * 60_000, null],
    ]);
    expect(await post(`/api/maintenance/${String(b.body['id'])}/cancel`)).toMatchObject({ status: 200, body: { current: null } });
    expect((await post(`/api/maintenance/${String(b.body['id'])}/cancel`)).status).toBe(409);

    await clock.advance(HOUR);
    await incidents.tick();
    await clock.advance(HOUR + 1);
    await incidents.tick();
    const alerts = await get<Alert[]>('/api/alerts');
    expect(alerts.body).toHaveLength(1);
    expect(alerts.body[0]).toMatchObject({ kind: 'maintenance_overrun', maintenanceId: a.body['id'], acknowledgedAt: null });
    const ack = await post(`/api/alerts/${alerts.body[0]?.id}/acknowledge`, undefined, 'marta');
    expect(ack).toMatchObject({ status: 200, body: { acknowledgedAt: new Date(T0 + 2 * HOUR + 2).toISOString() } });
    expect(await post(`/api/maintenance/${String(a.body['id'])}/complete`)).toMatchObject({ status: 200, body: { previous: { state: 'overrun' } } });
    expect((await post(`/api/maintenance/${String(a.body['id'])}/complete`)).status).toBe(409);
  });
});
