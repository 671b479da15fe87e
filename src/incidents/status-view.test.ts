import { describe, expect, it } from 'vitest';
import { DAY, HOUR, incidentInput, MINUTE, T0, TEXT, useIncidents, windowInput } from './fixture.test-support.ts';
import { VIEW_TTL_MS } from './public-cache.ts';
import type { StatusView } from './types.ts';

function statusOf(view: StatusView, market: string | null, component: string): string | undefined {
  return view.grid.find((row) => row.market === market)?.components.find((c) => c.id === component)?.status;
}

describe('status view', () => {
  const t = useIncidents();

  it('shows the worst status of each component, overall and per market', async () => {
    await t.incidents.create(incidentInput({ components: [{ component: 'ebanking', impact: 'degraded' }] }), 'ana');
    await t.incidents.create(incidentInput({ components: [{ component: 'ebanking', impact: 'major_outage' }, { component: 'mobile-app', impact: 'partial_outage' }], markets: ['IT'] }), 'ana');
    await t.incidents.create(incidentInput({ components: [{ component: 'atm', impact: 'major_outage' }], publish: false }), 'ana');
    const view = await t.incidents.statusView('en');
    expect(view.grid.map((r) => [r.market, r.marketName])).toEqual([[null, null], ['ES', 'Spain'], ['IT', 'Italy']]);
    expect(view.grid[0]?.components.map((c) => [c.id, c.name, c.status])).toEqual([
      ['ebanking', 'Online banking', 'major_outage'],
      ['mobile-app', 'Mobile app', 'partial_outage'],
      ['card-payments', 'Card payments', 'operational'],
      ['atm', 'ATMs', 'operational'],
      ['transfers', 'Transfers', 'operational'],
      ['phone-banking', 'Phone banking', 'operational'],
      ['sms-codes', 'SMS codes', 'operational'],
    ]);
    expect([statusOf(view, 'ES', 'ebanking'), statusOf(view, 'ES', 'mobile-app')]).toEqual(['degraded', 'operational']);
    expect([statusOf(view, 'IT', 'ebanking'), statusOf(view, 'IT', 'mobile-app')]).toEqual(['major_outage', 'partial_outage']);
    expect((await t.incidents.statusView('es')).grid[1]?.marketName).toBe('España');
  });

  it('falls back visibly to the first language for a text that lacks the asked one', async () => {
    const { id } = await t.incidents.create(incidentInput({ publish: false, text: { es: TEXT['es']! } }), 'ana');
    // Publishing refuses an incomplete text, but one stored before English was configured (forced here) must not come out empty.
    await t.db.query(`UPDATE incidents_incident SET visibility = 'published', published_at = $2 WHERE id = $1`, [id, new Date(T0)]);
    const en = await t.incidents.statusView('en');
    expect(en.active[0]).toMatchObject({ title: TEXT['es']?.title, message: TEXT['es']?.message, fallback: 'es' });
    const es = await t.incidents.statusView('es');
    expect(es.active[0]).toMatchObject({ title: TEXT['es']?.title, fallback: null });
    // An unconfigured language gets the first configured one.
    expect((await t.incidents.statusView('fr')).language).toBe('es');
  });

  it('keeps 90 days of resolved incidents, newest first, with their timelines newest first', async () => {
    const old = await t.incidents.create(incidentInput(), 'ana');
    await t.incidents.update(old.id, { status: 'resolved' }, 'ana');
    await t.clock.advance(80 * DAY);
    const recent = await t.incidents.create(incidentInput(), 'ana');
    await t.clock.advance(HOUR);
    await t.incidents.update(recent.id, { status: 'resolved', text: { ...TEXT, en: { ...TEXT['en']!, message: 'Fixed.' } } }, 'ana');
    let view = await t.incidents.statusView('en');
    expect(view.active).toEqual([]);
    expect(view.history.map((i) => i.id)).toEqual([recent.id, old.id]);
    expect(view.history[0]?.timeline.map((e) => [e.status, e.message])).toEqual([
      ['resolved', 'Fixed.'],
      ['investigating', TEXT['en']?.message],
    ]);
    await t.clock.advance(11 * DAY);
    view = await t.incidents.statusView('en');
    expect(view.history.map((i) => i.id)).toEqual([recent.id]);
  });

  it('version changes with what the page shows, not with time', async () => {
    const before = await t.incidents.statusView('en');
    await t.clock.advance(5 * VIEW_TTL_MS);
    const later = await t.incidents.statusView('en');
    expect(later.generatedAt.getTime()).toBeGreaterThan(before.generatedAt.getTime());
    expect(later.version).toBe(before.version);
    const { id } = await t.incidents.create(incidentInput(), 'ana');
    const changed = await t.incidents.statusView('en');
    expect(changed.version).not.toBe(before.version);
    expect((await t.incidents.statusView('es')).version).not.toBe(changed.version);
    await t.incidents.update(id, { status: 'resolved' }, 'ana');
    expect((await t.incidents.statusView('en')).version).not.toBe(changed.version);
  });

  it('serves from memory; a change made by another process shows within a second', async () => {
    const first = await t.incidents.statusView('en');
    expect(await t.incidents.statusView('en')).toBe(first);
    const other = t.another();
    await other.create(incidentInput(), 'ana');
    // Changed by another process: this one may serve its cached view for up to VIEW_TTL_MS.
    expect((await t.incidents.statusView('en')).active).toEqual([]);
    await t.clock.advance(VIEW_TTL_MS);
    expect((await t.incidents.statusView('en')).active).toHaveLength(1);
    // Changed here: seen at once.
    await t.incidents.create(incidentInput(), 'ana');
    expect((await t.incidents.statusView('en')).active).toHaveLength(2);
  });

  it('lists announced and running maintenance, soonest first; cancelled ones disappear', async () => {
    const later = await t.incidents.scheduleMaintenance(windowInput(3 * HOUR, HOUR, { announceBeforeMs: 4 * HOUR }), 'ana');
    const sooner = await t.incidents.scheduleMaintenance(windowInput(30 * MINUTE, HOUR, { components: [{ component: 'atm', impact: 'degraded' }] }), 'ana');
    const far = await t.incidents.scheduleMaintenance(windowInput(3 * DAY, HOUR), 'ana');
    const view = await t.incidents.statusView('es');
    expect(view.maintenance.map((m) => m.id)).toEqual([sooner.id, later.id]);
    expect(view.maintenance[0]).toMatchObject({
      state: 'scheduled',
      components: [{ component: 'atm', impact: 'degraded', name: 'Cajeros automáticos' }],
      title: 'Mantenimiento de la banca online',
      workaround: 'Los cajeros funcionan.',
      fallback: null,
      startsAt: new Date(T0 + 30 * MINUTE),
    });
    await t.incidents.cancelMaintenance(sooner.id, 'ana');
    expect((await t.incidents.statusView('es')).maintenance.map((m) => m.id)).toEqual([later.id]);
    expect(far.current?.state).toBe('scheduled');
  });
});
