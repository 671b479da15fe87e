import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../shared/index.ts';
import { DRIVERS, migrate, POSTGRES_SKIP_REASON, twoConnections } from '../store/index.ts';
import { createIncidents } from './create-incidents.ts';
import { HOUR, incidentInput, MINUTE, T0, windowInput } from './fixture.test-support.ts';
import { DEFAULT_STATUS_CONFIG } from './status-config.ts';


// The same store contract on every driver: the overrun rule must hold across processes on PostgreSQL too.
for (const driver of DRIVERS) {
  describe.skipIf(!driver.available)(`incidents on ${driver.name}${driver.available ? '' : ` (skipped: ${POSTGRES_SKIP_REASON})`}`, () => {
    let conn: Awaited<ReturnType<typeof twoConnections>>;
    beforeAll(async () => {
      conn = await twoConnections(driver.name);
      await migrate(conn.a);
    }, 60_000);
    afterAll(async () => {
      await conn.done();
    });

    it('raises one alert and one draft per overrun when two processes tick concurrently, many times', async () => {
      const clock = new SimulatedClock(T0);
      const one = createIncidents({ db: conn.a, clock, config: DEFAULT_STATUS_CONFIG });
      const two = createIncidents({ db: conn.b, clock, config: DEFAULT_STATUS_CONFIG });
      await one.scheduleMaintenance(windowInput(0, HOUR), 'ana');
      await two.scheduleMaintenance(windowInput(10 * MINUTE, HOUR, { recurrence: { freq: 'daily' } }), 'ana');
      await clock.advance(HOUR + 10 * MINUTE);
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one : two).tick()));
      const alerts = await two.alerts();
      expect(alerts.map((a) => a.kind)).toEqual(['maintenance_overrun', 'maintenance_overrun']);
      const drafts = await one.list({ visibility: 'draft' });
      expect(drafts.map((d) => d.source).sort()).toEqual(['maintenance_overrun', 'maintenance_overrun']);
      expect(new Set(alerts.map((a) => a.draftIncidentId))).toEqual(new Set(drafts.map((d) => d.id)));
      const [daily] = (await one.listMaintenance()).filter((m) => m.recurrence);
      expect(daily?.current).toMatchObject({ state: 'overrun', startsAt: new Date(T0 + 10 * MINUTE) });

      // The rest of the store round-trips on this driver as well.
      const { id } = await one.create(incidentInput({ markets: ['ES'], nextUpdateAt: new Date(T0 + 2 * HOUR) }), 'ana');
      const view = await two.statusView('en');
      expect(view.active.map((i) => [i.id, i.markets, i.nextUpdateAt])).toEqual([[id, [{ id: 'ES', name: 'Spain' }], new Date(T0 + 2 * HOUR)]]);
      expect((await two.announcementFor({ dialed: '950183313', caller: '+34600111222', language: 'en' }))?.incidentIds).toEqual([id]);
      // Each service here has its own random caller key (none given), so the other process does not recognise the caller.
      expect((await one.announcementFor({ dialed: '950183313', caller: '+34600111222', language: 'en' }))?.version).toBe('full');
    });
  });
}
