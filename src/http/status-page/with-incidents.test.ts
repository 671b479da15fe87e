/**
 * The page over the real incidents context (in-memory PGlite, simulated
 * clock): what an operator publishes, updates and resolves is what readers
 * see, with the ETag following every public change.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { createIncidents, DEFAULT_STATUS_CONFIG } from '../../incidents/index.ts';
import { SimulatedClock } from '../../shared/index.ts';
import { migrate, openPglite, type Db } from '../../store/index.ts';
import { statusPage } from './index.ts';

let app: FastifyInstance | undefined;
let db: Db | undefined;
afterEach(async () => {
  await app?.close();
  await db?.close();
  app = undefined;
  db = undefined;
});

describe('the status page over the incidents context', () => {
  it('shows a published incident in each language, then its resolution', async () => {
    db = await openPglite();
    await migrate(db);
    const clock = new SimulatedClock(Date.parse('2026-03-12T06:00:00Z'));
    const incidents = createIncidents({ db, clock, config: DEFAULT_STATUS_CONFIG });
    app = Fastify();
    await app.register(statusPage({ status: incidents, languages: [...DEFAULT_STATUS_CONFIG.languages], timeZone: 'Europe/Madrid' }));

    const calm = await app.inject({ url: '/status?lang=es' });
    expect(calm.statusCode).toBe(200);
    expect(calm.body).toContain('No hay incidencias en curso.');

    const incident = await incidents.create({
      status: 'investigating', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], publish: true,
      text: {
        es: { title: 'Banca online caída <tras mantenimiento>', message: 'Estamos en ello.', workaround: 'Los cajeros funcionan.' },
        en: { title: 'Online banking down', message: 'We are on it.', workaround: 'ATMs work.' },
      },
    }, 'admin');
    const es = await app.inject({ url: '/status', headers: { 'accept-language': 'es-ES', 'if-none-match': calm.headers['etag'] as string } });
    expect(es.statusCode).toBe(200);
    expect(es.body).toContain('<h3>Banca online caída &lt;tras mantenimiento&gt;</h3>');
    expect(es.body).toContain('No se trata de un ciberataque.');
    expect(es.body).toContain('<strong>Mientras tanto:</strong> <span class="message">Los cajeros funcionan.</span>');
    const en = await app.inject({ url: '/status', headers: { 'accept-language': 'en' } });
    expect(en.body).toContain('<h3>Online banking down</h3>');
    expect(en.body).not.toContain('Only available in');
    expect(en.body).toContain('This is not a cyberattack.');
    expect((await app.inject({ url: '/status', headers: { 'accept-language': 'es', 'if-none-match': es.headers['etag'] as string } })).statusCode).toBe(304);

    await clock.advance(3_600_000);
    await incidents.update(incident.id, { status: 'resolved', text: { es: { title: 'Banca online caída <tras mantenimiento>', message: 'Servicio restablecido.' }, en: { title: 'Online banking down', message: 'Service restored.' } } }, 'admin');
    const resolved = await app.inject({ url: '/status?lang=es', headers: { 'if-none-match': es.headers['etag'] as string } });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.body).toContain('No hay incidencias en curso.');
    expect(resolved.body).toContain('Servicio restablecido.');
    const atom = await app.inject({ url: '/status.atom?lang=es' });
    expect(XMLValidator.validate(atom.body)).toBe(true);
    expect(atom.body).toContain('<title type="text">Banca online caída &lt;tras mantenimiento&gt;</title>');
    const json = (await app.inject({ url: '/status.json?lang=es' })).json<{ history: { id: string; resolvedAt: string }[] }>();
    expect(json.history[0]).toMatchObject({ id: incident.id, resolvedAt: '2026-03-12T07:00:00.000Z' });
  });
});
