import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../notify/index.ts';
import { SimulatedClock } from '../../shared/index.ts';
import { migrate, openPglite, type Db } from '../../store/index.ts';
import { createIncidents } from '../create-incidents.ts';
import { DEFAULT_STATUS_CONFIG } from '../status-config.ts';
import type { IncidentEvent } from '../types.ts';
import { createWebhooks } from '../webhooks/index.ts';
import { createSubscriptions } from './subscriptions.ts';

const TEXT = {
  es: { title: 'Banca online no disponible', message: 'No se puede acceder.', workaround: 'Los cajeros funcionan.' },
  en: { title: 'Online banking unavailable', message: 'It cannot be reached.', workaround: 'ATMs work.' },
};

// The real incidents service feeding subscribers and webhooks, as the lead wires them through onEvent.
describe('subscribers and webhooks on the incidents service events', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  }, 60_000);
  afterAll(() => db.close());

  it('tells a confirmed subscriber of each public change once, and queues one webhook per event, all at one instant', async () => {
    const clock = new SimulatedClock(Date.parse('2026-03-02T09:00:00Z'));
    const config = DEFAULT_STATUS_CONFIG;
    const outbox = createOutbox({ clock, dataKey: randomBytes(32) });
    const subs = createSubscriptions({ db, outbox, clock, config, publicUrl: 'https://status.bank.example', secretKey: randomBytes(32) });
    const hooks = createWebhooks({ db, clock, endpoints: [{ url: 'http://127.0.0.1:1/unused', secret: 'whsec-0123456789abcdef' }] });
    const incidents = createIncidents({ db, clock, config });
    const pending: Promise<unknown>[] = [];
    const events: IncidentEvent[] = [];
    incidents.onEvent((event) => {
      events.push(event);
      pending.push(subs.notify(event), hooks.dispatch(event));
    });
    const settle = async () => {
      await Promise.all(pending.splice(0));
    };

    await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'en', components: ['ebanking'] });
    const [confirmation] = await db.query<{ body: string }>('SELECT body FROM notify_outbox');
    await subs.confirm(/\/status\/confirm\/([A-Za-z0-9_-]{22})/.exec(confirmation?.body ?? '')?.[1] ?? '');

    const draft = await incidents.create({ status: 'investigating', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], text: TEXT, publish: false }, 'admin');
    await incidents.publish(draft.id, 'admin');
    await incidents.update(draft.id, { status: 'identified' }, 'admin');
    await incidents.update(draft.id, { status: 'monitoring' }, 'admin');
    await incidents.update(draft.id, { status: 'resolved' }, 'admin');
    const window = await incidents.scheduleMaintenance({
      components: [{ component: 'ebanking', impact: 'under_maintenance' }], text: TEXT,
      startsAt: new Date(clock.now() + 86_400_000), endsAt: new Date(clock.now() + 90_000_000),
    }, 'admin');
    await incidents.cancelMaintenance(window.id, 'admin');
    await settle();
    // Replaying every event (a second listener, another process) writes nothing more.
    const replays = await Promise.all(events.flatMap((e) => [subs.notify(e), hooks.dispatch(e)]));
    expect(replays.map((r) => ('messages' in r ? r.messages : r.deliveries))).toEqual(events.flatMap(() => [0, 0]));
    const seen = events.map((e) => e.type);
    expect(seen).toEqual([
      'incident.published', 'incident.updated', 'incident.updated', 'incident.resolved', 'maintenance.scheduled', 'maintenance.cancelled',
    ]);

    const notices = await db.query<{ template: string; subject: string }>(
      "SELECT template, subject FROM notify_outbox WHERE template NOT LIKE 'status_confirm%' ORDER BY template",
    );
    expect(notices.map((n) => n.template)).toEqual([
      'status_incident_published_email', 'status_incident_resolved_email', 'status_incident_updated_email', 'status_incident_updated_email',
      'status_maintenance_cancelled_email', 'status_maintenance_scheduled_email',
    ]);
    expect(notices.find((n) => n.template === 'status_incident_resolved_email')?.subject).toBe('Resolved: Online banking unavailable');
    const deliveries = await hooks.list();
    expect(deliveries.map((d) => d.eventType).sort()).toEqual([...seen].sort());
  });
});
