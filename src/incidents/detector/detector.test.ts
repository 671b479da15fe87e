import { describe, expect, it } from 'vitest';
import { DEFAULT_STATUS_CONFIG } from '../status-config.ts';
import { MINUTE, useIncidents } from '../fixture.test-support.ts';
import { createOutageDetector, type TrafficPort } from './detector.ts';

const LINE = '950183313';

describe('outage detector on the store', () => {
  const ctx = useIncidents();

  function setup(rate: (minuteMs: number) => number) {
    const asked: number[] = [];
    const traffic: TrafficPort = {
      countsForMinute(minute) {
        asked.push(minute.getTime());
        return Promise.resolve({ [`calls:${LINE}`]: rate(minute.getTime()) });
      },
    };
    const make = () => createOutageDetector({ db: ctx.db, clock: ctx.clock, incidents: ctx.incidents, config: DEFAULT_STATUS_CONFIG, traffic });
    return { asked, make };
  }

  it('learns an hour of normal calls, then alarms on a surge with a draft naming the reported component; nothing is published', async () => {
    await ctx.db.query('DELETE FROM incidents_detector');
    await ctx.db.query('DELETE FROM incidents_problem_report');
    const surgeAt = ctx.clock.now() + 60 * MINUTE;
    const { make, asked } = setup((m) => (m >= surgeAt ? 12 : 1));
    const detector = make();
    // Each tick judges the whole minutes since the last one (at most an hour back).
    for (let i = 0; i < 60; i++) {
      await ctx.clock.advance(MINUTE);
      expect(await detector.tick()).toEqual([]);
    }
    expect(new Set(asked).size).toBe(asked.length);
    await ctx.clock.advance(MINUTE);
    for (let i = 0; i < 6; i++) await detector.report({ component: 'atm', dialed: LINE, caller: '+34600111222' });
    await ctx.clock.advance(MINUTE);
    const alerts = await detector.tick();
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    const alert = alerts[0]!;
    expect(alert.kind).toBe('outage_suspected');
    expect(alert.message).toMatch(/likely component: atm/);
    const draft = await ctx.incidents.get(alert.draftIncidentId!);
    expect(draft).toMatchObject({ visibility: 'draft', source: 'detector', cause: 'under_investigation', components: [{ component: 'atm', impact: 'partial_outage' }] });
    expect(draft?.text['es']?.title).toBe('Posible incidencia en Cajeros automáticos');
    expect((await ctx.incidents.list({ visibility: 'published' }))).toEqual([]);
    // The surge goes on: the alert holds, it does not repeat every minute.
    await ctx.clock.advance(MINUTE);
    expect(await detector.tick()).toEqual([]);
  });

  it('judges each minute once across two processes ticking together', async () => {
    await ctx.db.query('DELETE FROM incidents_detector');
    const { make } = setup(() => 1);
    const [a, b] = [make(), make()];
    for (let i = 0; i < 10; i++) {
      await ctx.clock.advance(MINUTE);
      await Promise.all([a.tick(), b.tick()]);
    }
    // Both may read a minute's counts, but only one learns it: the slot saw 10 minutes, not 20.
    const [row] = await ctx.db.query<{ state: { baselines: Record<string, { samples: number }[]> } }>('SELECT state FROM incidents_detector WHERE id = 1');
    const samples = (row?.state.baselines[`calls:${LINE}`] ?? []).reduce((sum, slot) => sum + slot.samples, 0);
    expect(samples).toBe(10);
  });
});
