import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { incidentInput, MINUTE, T0, TEXT, useIncidents } from './fixture.test-support.ts';
import type { IncidentEvent } from './types.ts';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof ClaveError) return err.code;
    throw err;
  }
  throw new Error('expected a ClaveError');
}

describe('incident lifecycle', () => {
  const t = useIncidents();

  it('goes investigating → identified → monitoring → resolved, with a timeline of who said what', async () => {
    const events: IncidentEvent[] = [];
    t.incidents.onEvent((e) => events.push(e));
    const created = await t.incidents.create(incidentInput({ nextUpdateAt: new Date(T0 + 30 * MINUTE) }), 'ana');
    expect(created).toMatchObject({ visibility: 'published', status: 'investigating', source: 'operator', publishedAt: new Date(T0), resolvedAt: null });
    expect(created.id).toMatch(/^inc-[0-9a-f]{12}$/);
    expect(created.nextUpdateAt).toEqual(new Date(T0 + 30 * MINUTE));

    await t.clock.advance(10 * MINUTE);
    const identified = await t.incidents.update(created.id, { status: 'identified', text: { ...TEXT, es: { ...TEXT['es']!, message: 'Fallo en un servidor.' } } }, 'ana');
    expect(identified.status).toBe('identified');
    expect(identified.text['es']?.message).toBe('Fallo en un servidor.');
    // This update kept the promise; none is pending until another is made.
    expect(identified.nextUpdateAt).toBeNull();

    await t.clock.advance(10 * MINUTE);
    await t.incidents.update(created.id, { status: 'monitoring', components: [{ component: 'ebanking', impact: 'degraded' }] }, 'luis');
    await t.clock.advance(10 * MINUTE);
    const resolved = await t.incidents.update(created.id, { status: 'resolved' }, 'luis');
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: new Date(T0 + 30 * MINUTE), components: [{ component: 'ebanking', impact: 'degraded' }] });
    expect(resolved.updates.map((u) => [u.status, u.author, u.at.getTime() - T0])).toEqual([
      ['investigating', 'ana', 0],
      ['identified', 'ana', 10 * MINUTE],
      ['monitoring', 'luis', 20 * MINUTE],
      ['resolved', 'luis', 30 * MINUTE],
    ]);
    expect(resolved.updates[0]?.text).toEqual(TEXT);
    expect(resolved.updates[2]?.text).toBeUndefined();
    expect(events.map((e) => [e.type, e.at.getTime() - T0])).toEqual([
      ['incident.published', 0],
      ['incident.updated', 10 * MINUTE],
      ['incident.updated', 20 * MINUTE],
      ['incident.resolved', 30 * MINUTE],
    ]);
    expect(Object.keys(events[0]?.incident ?? {})).not.toContain('version');
  });

  it('refuses an update after resolved (INCIDENT_RESOLVED) and changes nothing', async () => {
    const { id } = await t.incidents.create(incidentInput(), 'ana');
    await t.incidents.update(id, { status: 'resolved' }, 'ana');
    expect(await codeOf(t.incidents.update(id, { status: 'monitoring' }, 'ana'))).toBe('INCIDENT_RESOLVED');
    expect((await t.incidents.get(id))?.updates).toHaveLength(2);
  });

  it('keeps a draft private until published; the public timeline starts at publication', async () => {
    const events: string[] = [];
    t.incidents.onEvent((e) => events.push(e.type));
    const draft = await t.incidents.create(incidentInput({ publish: false, text: { es: TEXT['es']! } }), 'ana');
    expect(draft).toMatchObject({ visibility: 'draft', publishedAt: null });
    expect(events).toEqual([]);
    expect((await t.incidents.statusView('es')).active).toEqual([]);
    // A draft may lack a language, but cannot go public without it.
    expect(await codeOf(t.incidents.publish(draft.id, 'ana'))).toBe('INVALID_ARGUMENT');
    await t.clock.advance(5 * MINUTE);
    await t.incidents.update(draft.id, { status: 'identified', text: TEXT }, 'ana');
    await t.clock.advance(5 * MINUTE);
    const published = await t.incidents.publish(draft.id, 'luis');
    expect(published).toMatchObject({ visibility: 'published', status: 'identified', publishedAt: new Date(T0 + 10 * MINUTE) });
    expect(events).toEqual(['incident.published']);
    const view = await t.incidents.statusView('en');
    expect(view.active.map((i) => i.id)).toEqual([draft.id]);
    expect(view.active[0]?.timeline).toEqual([{ status: 'identified', message: TEXT['en']?.message, at: new Date(T0 + 10 * MINUTE) }]);
    expect(await codeOf(t.incidents.publish(draft.id, 'luis'))).toBe('INCIDENT_ALREADY_PUBLISHED');
  });

  it('validates input and names the field', async () => {
    const bad = async (input: unknown) => {
      try {
        await t.incidents.create(input as never, 'ana');
      } catch (err) {
        if (err instanceof ClaveError && err.code === 'INVALID_ARGUMENT') return [err.details['field'], err.message];
        throw err;
      }
      throw new Error('accepted');
    };
    expect(await bad(incidentInput({ components: [{ component: 'teleport', impact: 'degraded' }] }))).toEqual([
      'components.0.component',
      'components.0.component: unknown component (configured: ebanking, mobile-app, card-payments, atm, transfers, phone-banking, sms-codes)',
    ]);
    expect((await bad(incidentInput({ text: { es: TEXT['es']! } })))[0]).toBe('text.en');
    expect((await bad(incidentInput({ text: { ...TEXT, fr: TEXT['en']! } })))[1]).toBe('text.fr: unknown language (configured: es, en)');
    expect((await bad(incidentInput({ markets: ['FR'] })))[0]).toBe('markets.0');
    expect((await bad(incidentInput({ status: 'resolved' as 'identified' })))[0]).toBe('status');
    expect((await bad({ ...incidentInput(), cause: 'aliens' }))[0]).toBe('cause');
    expect((await bad(incidentInput({ components: [{ component: 'atm', impact: 'operational' as 'degraded' }] })))[0]).toBe('components.0.impact');
    expect((await bad(incidentInput({ text: { ...TEXT, en: { title: 'x'.repeat(141), message: 'm', workaround: 'w' } } })))[1]).toBe('text.en.title: at most 140 characters');
    expect((await bad(incidentInput({ text: { ...TEXT, en: { title: 'Down', message: 'Down' } } })))[0]).toBe('text.en.workaround');
    expect((await bad(incidentInput({ text: { ...TEXT, en: { ...TEXT['en']!, title: 'a\u0007b' } } })))[1]).toContain('control characters');
    expect((await bad(incidentInput({ nextUpdateAt: new Date(T0 - 1) })))[0]).toBe('nextUpdateAt');
    expect((await bad({ ...incidentInput(), extra: 1 }))[1]).toContain('extra');
    expect(await t.incidents.list()).toEqual([]);
  });

  it('lists by visibility and activity, newest first, and 404s an unknown id', async () => {
    const a = await t.incidents.create(incidentInput(), 'ana');
    await t.clock.advance(MINUTE);
    const b = await t.incidents.create(incidentInput({ publish: false }), 'ana');
    await t.clock.advance(MINUTE);
    const c = await t.incidents.create(incidentInput(), 'ana');
    await t.incidents.update(c.id, { status: 'resolved' }, 'ana');
    expect((await t.incidents.list()).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
    expect((await t.incidents.list({ visibility: 'draft' })).map((i) => i.id)).toEqual([b.id]);
    expect((await t.incidents.list({ visibility: 'published', active: true })).map((i) => i.id)).toEqual([a.id]);
    expect((await t.incidents.list({ active: false })).map((i) => i.id)).toEqual([c.id]);
    expect((await t.incidents.list({ limit: 1 })).map((i) => i.id)).toEqual([c.id]);
    expect(await t.incidents.get('inc-000000000000')).toBeNull();
    expect(await codeOf(t.incidents.update('inc-000000000000', { status: 'resolved' }, 'ana'))).toBe('INCIDENT_NOT_FOUND');
  });

  it('audits every change with its author, newest first', async () => {
    const { id } = await t.incidents.create(incidentInput({ publish: false }), 'ana');
    await t.clock.advance(MINUTE);
    await t.incidents.publish(id, 'luis');
    await t.clock.advance(MINUTE);
    await t.incidents.update(id, { status: 'resolved' }, 'marta');
    const audit = await t.incidents.audit();
    expect(audit.map((a) => [a.action, a.author, a.subject, a.at.getTime() - T0])).toEqual([
      ['incident.resolve', 'marta', id, 2 * MINUTE],
      ['incident.publish', 'luis', id, MINUTE],
      ['incident.create', 'ana', id, 0],
    ]);
    expect(audit[2]?.detail).toMatchObject({ status: 'investigating', text: TEXT, publish: false });
  });

  it('emits nothing for a change that was refused, and a failing listener does not undo the change', async () => {
    const events: string[] = [];
    t.incidents.onEvent(() => {
      throw new Error('listener bug');
    });
    const off = t.incidents.onEvent((e) => events.push(e.type));
    const { id } = await t.incidents.create(incidentInput(), 'ana');
    await codeOf(t.incidents.update(id, { status: 'monitoring', components: [{ component: 'nope', impact: 'degraded' }] }, 'ana'));
    expect(events).toEqual(['incident.published']);
    expect((await t.incidents.get(id))?.status).toBe('investigating');
    off();
    await t.incidents.update(id, { status: 'resolved' }, 'ana');
    expect(events).toEqual(['incident.published']);
  });
});
