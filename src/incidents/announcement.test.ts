import { describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { marketOf } from './announcement.ts';
import { createIncidents } from './create-incidents.ts';
import { CALLER_KEY, HOUR, incidentInput, MINUTE, T0, TEXT, useIncidents, windowInput } from './fixture.test-support.ts';
import { REPEAT_WINDOW_MS } from './heard.ts';
import { VIEW_TTL_MS } from './public-cache.ts';
import { DEFAULT_STATUS_CONFIG } from './status-config.ts';
import type { StatusConfig } from './types.ts';

const SPAIN = { dialed: '950183313', caller: '+34600111222', language: 'es' };
const ITALY = { dialed: '950183313', caller: '+393331234567', language: 'en' };

describe('what callers hear', () => {
  const t = useIncidents();

  it('places callers in markets by calling code', () => {
    expect(marketOf('+34600111222', DEFAULT_STATUS_CONFIG)?.id).toBe('ES');
    expect(marketOf('0039 333 1234567', DEFAULT_STATUS_CONFIG)?.id).toBe('IT');
    expect(marketOf('+447700900123', DEFAULT_STATUS_CONFIG)).toBeNull();
    expect(marketOf('600111222', DEFAULT_STATUS_CONFIG)).toBeNull();
  });

  it('speaks title, message, workaround and the promised next update in the caller language', async () => {
    const { id } = await t.incidents.create(incidentInput({ nextUpdateAt: new Date('2026-03-02T10:30:00Z') }), 'ana');
    const es = await t.incidents.announcementFor(SPAIN);
    expect(es).toEqual({
      pieces: [
        { key: `incident.${id}.title`, text: TEXT['es']?.title, language: 'es' },
        { key: `incident.${id}.message`, text: TEXT['es']?.message, language: 'es' },
        { key: `incident.${id}.workaround`, text: TEXT['es']?.workaround, language: 'es' },
        // 10:30 UTC is 11:30 in Madrid in March.
        { key: `incident.${id}.next_update`, text: 'Daremos más información a las 11:30.', language: 'es' },
      ],
      incidentIds: [id],
      maintenanceIds: [],
      version: 'full',
    });
    const en = await t.incidents.announcementFor({ ...SPAIN, caller: '+34600999888', language: 'en' });
    expect(en?.pieces.map((p) => [p.text, p.language])).toEqual([
      [TEXT['en']?.title, 'en'],
      [TEXT['en']?.message, 'en'],
      [TEXT['en']?.workaround, 'en'],
      ['Next update at 11:30.', 'en'],
    ]);
  });

  it('chooses by market: every market, the caller one, and for an unknown market only the former', async () => {
    const everywhere = await t.incidents.create(incidentInput(), 'ana');
    await t.clock.advance(MINUTE);
    const italy = await t.incidents.create(incidentInput({ markets: ['IT'], components: [{ component: 'sms-codes', impact: 'major_outage' }] }), 'ana');
    expect((await t.incidents.announcementFor(ITALY))?.incidentIds).toEqual([italy.id, everywhere.id]);
    expect((await t.incidents.announcementFor(SPAIN))?.incidentIds).toEqual([everywhere.id]);
    expect((await t.incidents.announcementFor({ ...SPAIN, caller: '+447700900123' }))?.incidentIds).toEqual([everywhere.id]);
    await t.incidents.update(everywhere.id, { status: 'resolved' }, 'ana');
    expect(await t.incidents.announcementFor(SPAIN)).toBeNull();
    expect(await t.incidents.announcementFor({ ...SPAIN, caller: 'anonymous' })).toBeNull();
  });

  it('chooses by line: a component with lines concerns only callers of those numbers', async () => {
    const config: StatusConfig = {
      ...DEFAULT_STATUS_CONFIG,
      components: DEFAULT_STATUS_CONFIG.components.map((c) => (c.id === 'phone-banking' ? { ...c, lines: ['901511000', '950210191'] } : c)),
    };
    const incidents = createIncidents({ db: t.db, clock: t.clock, config, callerKey: CALLER_KEY });
    const { id } = await incidents.create(incidentInput({ components: [{ component: 'phone-banking', impact: 'major_outage' }] }), 'ana');
    expect(await incidents.announcementFor(SPAIN)).toBeNull();
    expect((await incidents.announcementFor({ ...SPAIN, dialed: '901511000' }))?.incidentIds).toEqual([id]);
    expect((await incidents.announcementFor({ ...SPAIN, dialed: '+34950210191' }))?.incidentIds).toEqual([id]);
  });

  it('gives a repeat caller the short version, until the announcement changes or half an hour passes', async () => {
    const { id } = await t.incidents.create(incidentInput({ nextUpdateAt: new Date(T0 + HOUR) }), 'ana');
    expect((await t.incidents.announcementFor(SPAIN))?.version).toBe('full');
    await t.clock.advance(10 * MINUTE);
    const short = await t.incidents.announcementFor(SPAIN);
    expect(short?.version).toBe('short');
    expect(short?.pieces.map((p) => p.key)).toEqual([`incident.${id}.title`, `incident.${id}.workaround`]);
    // Another caller still hears it all.
    expect((await t.incidents.announcementFor({ ...SPAIN, caller: '+34600000001' }))?.version).toBe('full');
    await t.incidents.update(id, { status: 'identified' }, 'ana');
    expect((await t.incidents.announcementFor(SPAIN))?.version).toBe('full');
    expect((await t.incidents.announcementFor(SPAIN))?.version).toBe('short');
    await t.clock.advance(REPEAT_WINDOW_MS);
    expect((await t.incidents.announcementFor(SPAIN))?.version).toBe('full');
  });

  it('remembers callers only as a keyed hash, and forgets them after the repeat window', async () => {
    await t.incidents.create(incidentInput(), 'ana');
    await t.incidents.announcementFor(SPAIN);
    const rows = await t.db.query<{ caller_hash: string }>('SELECT caller_hash FROM incidents_heard');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.caller_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('600111222');
    await t.clock.advance(REPEAT_WINDOW_MS);
    await t.incidents.tick();
    expect(await t.db.query('SELECT caller_hash FROM incidents_heard')).toEqual([]);
  });

  it('announces maintenance from its announcement time and while it runs', async () => {
    const m = await t.incidents.scheduleMaintenance(windowInput(2 * HOUR, HOUR, { announceBeforeMs: HOUR, markets: ['ES'] }), 'ana');
    expect(await t.incidents.announcementFor(SPAIN)).toBeNull();
    await t.clock.advance(HOUR + VIEW_TTL_MS);
    const spoken = await t.incidents.announcementFor({ ...SPAIN, language: 'en' });
    expect(spoken?.maintenanceIds).toEqual([m.id]);
    expect(spoken?.pieces).toEqual([
      { key: `maintenance.${m.id}.title`, text: 'Online banking maintenance', language: 'en' },
      { key: `maintenance.${m.id}.window`, text: 'Planned maintenance from 12:00 to 13:00.', language: 'en' },
      { key: `maintenance.${m.id}.message`, text: 'We are upgrading online banking.', language: 'en' },
      { key: `maintenance.${m.id}.workaround`, text: 'ATMs work.', language: 'en' },
    ]);
    expect(await t.incidents.announcementFor(ITALY)).toBeNull();
  });

  it('previews exactly what publishing then shows and says', async () => {
    const input = incidentInput({ markets: ['ES'], nextUpdateAt: new Date(T0 + 2 * HOUR), cause: 'third_party' });
    const preview = t.incidents.preview(input);
    expect(Object.keys(preview.page)).toEqual(['es', 'en']);
    const { id } = await t.incidents.create(input, 'ana');
    for (const lang of ['es', 'en']) {
      const shown = (await t.incidents.statusView(lang)).active[0];
      expect(shown).toEqual({ ...preview.page[lang], id });
      const heard = await t.incidents.announcementFor({ ...SPAIN, caller: `+3460000000${lang === 'es' ? 1 : 2}`, language: lang });
      const expected = preview.spoken[lang]?.map((p) => ({ ...p, key: p.key.replace('incident.preview.', `incident.${id}.`) }));
      expect(heard?.pieces).toEqual(expected);
    }
    expect(preview.spoken['en']?.at(-1)).toEqual({ key: 'incident.preview.next_update', text: 'Next update at 12:00.', language: 'en' });
    expect(preview.page['es']?.markets).toEqual([{ id: 'ES', name: 'España' }]);
  });

  it('previews a draft missing a language with the visible fallback, and refuses bad input', () => {
    const preview = t.incidents.preview(incidentInput({ publish: false, text: { es: TEXT['es']! } }));
    expect(preview.page['en']).toMatchObject({ title: TEXT['es']?.title, fallback: 'es' });
    expect(preview.spoken['en']?.[0]).toEqual({ key: 'incident.preview.title', text: TEXT['es']?.title, language: 'es' });
    expect(() => t.incidents.preview(incidentInput({ components: [] }))).toThrow(ClaveError);
  });
});

