import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { DAY, HOUR, MINUTE, T0, useIncidents, windowInput, WINDOW_TEXT } from './fixture.test-support.ts';
import type { IncidentEvent } from './types.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClaveError) return err.code;
    throw err;
  }
  throw new Error('expected a ClaveError');
}

describe('maintenance windows', () => {
  const t = useIncidents();

  it('is announced ahead, started at its start and completed when the operator says so', async () => {
    const events: IncidentEvent['type'][] = [];
    t.incidents.onEvent((e) => events.push(e.type));
    const m = await t.incidents.scheduleMaintenance(windowInput(2 * HOUR, HOUR, { announceBeforeMs: HOUR }), 'ana');
    expect(m.current).toEqual({ startsAt: new Date(T0 + 2 * HOUR), endsAt: new Date(T0 + 3 * HOUR), state: 'scheduled' });
    expect((await t.incidents.statusView('en')).maintenance).toEqual([]);

    await t.clock.advance(HOUR);
    await t.incidents.tick();
    const announced = await t.incidents.statusView('en');
    expect(announced.maintenance.map((x) => [x.id, x.state, x.title])).toEqual([[m.id, 'scheduled', 'Online banking maintenance']]);
    expect(announced.grid[0]?.components.find((c) => c.id === 'ebanking')?.status).toBe('operational');

    await t.clock.advance(HOUR);
    await t.incidents.tick();
    const running = await t.incidents.statusView('en');
    expect(running.maintenance[0]?.state).toBe('in_progress');
    expect(running.grid.map((row) => [row.market, row.components.find((c) => c.id === 'ebanking')?.status])).toEqual([
      [null, 'under_maintenance'],
      ['ES', 'under_maintenance'],
      ['IT', 'under_maintenance'],
    ]);

    await t.clock.advance(30 * MINUTE);
    const done = await t.incidents.completeMaintenance(m.id, 'ana');
    expect(done.current).toBeNull();
    expect(done.previous).toEqual({ startsAt: new Date(T0 + 2 * HOUR), endsAt: new Date(T0 + 3 * HOUR), state: 'completed', endedAt: new Date(T0 + 150 * MINUTE) });
    await t.clock.advance(HOUR);
    await t.incidents.tick();
    expect(await t.incidents.alerts()).toEqual([]);
    expect((await t.incidents.statusView('en')).maintenance).toEqual([]);
    expect(events).toEqual(['maintenance.scheduled', 'maintenance.started', 'maintenance.completed']);
    expect(await codeOf(t.incidents.completeMaintenance(m.id, 'ana'))).toBe('MAINTENANCE_ENDED');
  });

  it('turns an overrun into exactly one alert and one draft incident, however often tick() runs', async () => {
    const m = await t.incidents.scheduleMaintenance(
      windowInput(0, 2 * HOUR, { components: [{ component: 'ebanking', impact: 'under_maintenance' }, { component: 'card-payments', impact: 'degraded' }], markets: ['ES'] }),
      'ana',
    );
    await t.incidents.tick();
    await t.clock.advance(2 * HOUR + 5 * MINUTE);
    await t.incidents.tick();
    await t.incidents.tick();
    await t.clock.advance(MINUTE);
    await t.incidents.tick();

    const alerts = await t.incidents.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'maintenance_overrun', maintenanceId: m.id, acknowledgedAt: null, createdAt: new Date(T0 + 2 * HOUR + 5 * MINUTE) });
    expect(alerts[0]?.message).toBe(
      `Maintenance ${m.id} ("Mantenimiento de la banca online") should have ended at 2026-03-02T11:00:00.000Z and is still running (5 min late). Draft incident ${alerts[0]?.draftIncidentId} is ready to review and publish.`,
    );
    const drafts = await t.incidents.list({ visibility: 'draft' });
    expect(drafts).toHaveLength(1);
    const draft = drafts[0]!;
    expect(draft.id).toBe(alerts[0]?.draftIncidentId);
    expect(draft).toMatchObject({
      status: 'investigating',
      cause: 'planned_maintenance',
      source: 'maintenance_overrun',
      maintenanceId: m.id,
      markets: ['ES'],
      components: [{ component: 'ebanking', impact: 'major_outage' }, { component: 'card-payments', impact: 'degraded' }],
    });
    expect(draft.text).toEqual({
      es: {
        title: 'El mantenimiento de Banca online, Pagos con tarjeta está durando más de lo previsto',
        message:
          'El mantenimiento programado de Banca online, Pagos con tarjeta, que debía terminar a las 12:00, está durando más de lo previsto. Estamos trabajando para restablecer el servicio lo antes posible.',
        workaround: 'Los cajeros funcionan.',
      },
      en: {
        title: 'Maintenance of Online banking, Card payments is taking longer than planned',
        message:
          'The planned maintenance of Online banking, Card payments, due to end at 12:00, is taking longer than planned. We are working to restore the service as soon as possible.',
        workaround: 'ATMs work.',
      },
    });
    // Still running late: shown, under maintenance, until someone ends it.
    const [listed] = await t.incidents.listMaintenance();
    expect(listed?.current?.state).toBe('overrun');
    const view = await t.incidents.statusView('es');
    expect(view.maintenance.map((x) => x.state)).toEqual(['overrun']);
    expect(view.active).toEqual([]);

    // Publishing and resolving the draft ends the overrun.
    await t.incidents.publish(draft.id, 'ana');
    await t.clock.advance(HOUR);
    await t.incidents.update(draft.id, { status: 'resolved' }, 'ana');
    const [after] = await t.incidents.listMaintenance();
    expect(after?.current).toBeNull();
    expect(after?.previous).toMatchObject({ state: 'overrun', endedAt: new Date(T0 + 3 * HOUR + 6 * MINUTE) });
    expect((await t.incidents.statusView('es')).maintenance).toEqual([]);
  });

  it('raises one alert and one draft when two services on one database tick at the same time', async () => {
    const second = t.another();
    await t.incidents.scheduleMaintenance(windowInput(0, HOUR), 'ana');
    await t.clock.advance(HOUR);
    await Promise.all([t.incidents.tick(), second.tick(), t.incidents.tick(), second.tick()]);
    expect(await t.incidents.alerts()).toHaveLength(1);
    expect(await second.list({ visibility: 'draft' })).toHaveLength(1);
    const audit = await t.incidents.audit();
    expect(audit.filter((a) => a.action === 'maintenance.overrun')).toHaveLength(1);
  });

  it('completing after the planned end keeps it an overrun and ends it; acknowledging the alert is recorded once', async () => {
    const m = await t.incidents.scheduleMaintenance(windowInput(0, HOUR), 'ana');
    await t.clock.advance(HOUR + 10 * MINUTE);
    const done = await t.incidents.completeMaintenance(m.id, 'ana');
    expect(done.previous).toMatchObject({ state: 'overrun', endedAt: new Date(T0 + 70 * MINUTE) });
    const [alert] = await t.incidents.alerts();
    expect(alert?.message).toContain('10 min late');
    const ack = await t.incidents.acknowledgeAlert(alert!.id, 'luis');
    expect(ack.acknowledgedAt).toEqual(new Date(T0 + 70 * MINUTE));
    await t.clock.advance(MINUTE);
    expect((await t.incidents.acknowledgeAlert(alert!.id, 'marta')).acknowledgedAt).toEqual(new Date(T0 + 70 * MINUTE));
    expect((await t.incidents.audit()).filter((a) => a.action === 'alert.acknowledge').map((a) => a.author)).toEqual(['luis']);
    expect(await codeOf(t.incidents.acknowledgeAlert('alr-000000000000', 'luis'))).toBe('ALERT_NOT_FOUND');
  });

  it('completing before the start calls that occurrence off; cancelling ends a window for good', async () => {
    const events: string[] = [];
    t.incidents.onEvent((e) => events.push(e.type));
    const m = await t.incidents.scheduleMaintenance(windowInput(HOUR, HOUR), 'ana');
    const skipped = await t.incidents.completeMaintenance(m.id, 'ana');
    expect(skipped.current).toBeNull();
    expect(skipped.previous?.state).toBe('cancelled');
    await t.clock.advance(3 * HOUR);
    await t.incidents.tick();
    expect(await t.incidents.alerts()).toEqual([]);

    const daily = await t.incidents.scheduleMaintenance(windowInput(HOUR, HOUR, { recurrence: { freq: 'daily' } }, T0 + 3 * HOUR), 'ana');
    await t.clock.advance(90 * MINUTE);
    await t.incidents.tick();
    const cancelled = await t.incidents.cancelMaintenance(daily.id, 'ana');
    expect(cancelled).toMatchObject({ current: null, cancelledAt: new Date(T0 + 270 * MINUTE) });
    expect(cancelled.previous).toMatchObject({ state: 'cancelled', startsAt: new Date(T0 + 4 * HOUR) });
    await t.clock.advance(2 * DAY);
    await t.incidents.tick();
    expect(await t.incidents.alerts()).toEqual([]);
    expect(await codeOf(t.incidents.cancelMaintenance(daily.id, 'ana'))).toBe('MAINTENANCE_ENDED');
    expect(await codeOf(t.incidents.cancelMaintenance('mnt-000000000000', 'ana'))).toBe('MAINTENANCE_NOT_FOUND');
    expect(events).toEqual(['maintenance.scheduled', 'maintenance.cancelled', 'maintenance.scheduled', 'maintenance.started', 'maintenance.cancelled']);
  });

  it('runs a weekly window on its weekdays across a month and stops at until', async () => {
    // Mondays and Thursdays 01:00–03:00 UTC from Monday 9 March, until 26 March.
    const first = Date.parse('2026-03-09T01:00:00Z');
    const m = await t.incidents.scheduleMaintenance(
      {
        components: [{ component: 'transfers', impact: 'under_maintenance' }],
        text: WINDOW_TEXT,
        startsAt: new Date(first),
        endsAt: new Date(first + 2 * HOUR),
        recurrence: { freq: 'weekly', byWeekday: [1, 4], until: new Date('2026-03-26T01:00:00Z') },
      },
      'ana',
    );
    const started: string[] = [];
    t.incidents.onEvent((e) => {
      if (e.type === 'maintenance.started') started.push(e.maintenance?.current?.startsAt.toISOString() ?? '');
    });
    for (let hour = 0; hour < 31 * 24; hour++) {
      await t.clock.advance(HOUR);
      await t.incidents.tick();
      const current = (await t.incidents.listMaintenance())[0]?.current;
      if (current?.state === 'in_progress' && t.clock.now() >= current.startsAt.getTime() + HOUR) await t.incidents.completeMaintenance(m.id, 'ana');
    }
    expect(started).toEqual(['2026-03-09', '2026-03-12', '2026-03-16', '2026-03-19', '2026-03-23', '2026-03-26'].map((d) => `${d}T01:00:00.000Z`));
    expect(await t.incidents.alerts()).toEqual([]);
    const [done] = await t.incidents.listMaintenance();
    expect(done?.current).toBeNull();
    expect(done?.previous).toMatchObject({ state: 'completed', startsAt: new Date('2026-03-26T01:00:00Z') });
  }, 30_000);

  it('refuses windows that are over, misaligned with their weekdays, or overlapping themselves', async () => {
    const field = async (input: Parameters<typeof t.incidents.scheduleMaintenance>[0]) => {
      try {
        await t.incidents.scheduleMaintenance(input, 'ana');
      } catch (err) {
        if (err instanceof ClaveError && err.code === 'INVALID_ARGUMENT') return err.message;
        throw err;
      }
      return 'accepted';
    };
    expect(await field(windowInput(-2 * HOUR, HOUR))).toBe('endsAt: the window is already over');
    expect(await field(windowInput(HOUR, -MINUTE))).toBe('endsAt: must be after startsAt');
    expect(await field(windowInput(HOUR, HOUR, { recurrence: { freq: 'weekly', byWeekday: [2] } }))).toBe(
      'recurrence.byWeekday: startsAt falls on weekday 1 (UTC), which is not one of byWeekday',
    );
    expect(await field(windowInput(HOUR, 25 * HOUR, { recurrence: { freq: 'daily' } }))).toBe(
      'endsAt: a window repeated daily must end before its next occurrence starts (at most 24 hours long)',
    );
    expect(await field(windowInput(HOUR, 49 * HOUR, { recurrence: { freq: 'weekly', byWeekday: [1, 3] } }))).toContain('at most 48 hours');
    expect(await field(windowInput(HOUR, HOUR, { text: { es: WINDOW_TEXT['es']! } }))).toContain('text.en: missing');
    expect(await field(windowInput(HOUR, HOUR, { announceBeforeMs: -1 }))).toContain('announceBeforeMs');
    expect(await t.incidents.listMaintenance()).toEqual([]);
  });

  it('skips occurrences already over when a recurring window is scheduled late', async () => {
    // Daily 07:00–08:00 UTC since three days ago; it is 09:00 now.
    const m = await t.incidents.scheduleMaintenance(windowInput(-3 * DAY - 2 * HOUR, HOUR, { recurrence: { freq: 'daily' } }), 'ana');
    expect(m.current).toEqual({ startsAt: new Date(T0 + 22 * HOUR), endsAt: new Date(T0 + 23 * HOUR), state: 'scheduled' });
    expect(m.startsAt).toEqual(new Date(T0 - 3 * DAY - 2 * HOUR));
    await t.incidents.tick();
    expect(await t.incidents.alerts()).toEqual([]);
  });

  it('a daily window left uncompleted overruns each day; starting again ends the previous overrun', async () => {
    const m = await t.incidents.scheduleMaintenance(windowInput(HOUR, HOUR, { recurrence: { freq: 'daily' } }), 'ana');
    await t.clock.advance(2 * HOUR);
    await t.incidents.tick();
    expect((await t.incidents.listMaintenance())[0]?.current?.state).toBe('overrun');
    await t.clock.advance(DAY - HOUR);
    await t.incidents.tick();
    const [again] = await t.incidents.listMaintenance();
    expect(again?.current).toMatchObject({ state: 'in_progress', startsAt: new Date(T0 + DAY + HOUR) });
    expect(again?.previous).toEqual({ startsAt: new Date(T0 + HOUR), endsAt: new Date(T0 + 2 * HOUR), state: 'overrun', endedAt: new Date(T0 + DAY + HOUR) });
    expect(await t.incidents.alerts()).toHaveLength(1);
    // Catching up after the line was down for two days: each missed occurrence is reported once.
    await t.clock.advance(2 * DAY);
    await t.incidents.tick();
    expect((await t.incidents.alerts()).map((a) => a.maintenanceId)).toEqual([m.id, m.id, m.id]);
    expect((await t.incidents.list({ visibility: 'draft' })).length).toBe(3);
    const [now] = await t.incidents.listMaintenance();
    expect(now?.current).toMatchObject({ state: 'in_progress', startsAt: new Date(T0 + 3 * DAY + HOUR) });
    expect(now?.previous).toMatchObject({ state: 'overrun', startsAt: new Date(T0 + 2 * DAY + HOUR), endedAt: new Date(T0 + 3 * DAY + HOUR) });
  });

  it('starts at once a window that is already running when scheduled', async () => {
    const m = await t.incidents.scheduleMaintenance(windowInput(-10 * MINUTE, HOUR), 'ana');
    expect(m.current).toEqual({ startsAt: new Date(T0 - 10 * MINUTE), endsAt: new Date(T0 + 50 * MINUTE), state: 'in_progress' });
  });
});
