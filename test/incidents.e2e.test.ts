/**
 * Incidents end to end on a running line: an operator publishes an incident
 * through the API; softphone callers hear it in their language before the
 * menu (skipping it with a key is tested over SIP, where prompts take real
 * time: test/incidents-sip.e2e.test.ts); a repeat caller hears the short version; a caller from another
 * market does not hear it); the status page, its JSON and its feed show it;
 * after resolution it is gone. Then the whole maintenance story: a window
 * starts, callers hear it, it overruns, an alert and a draft incident
 * appear, the draft is published, subscribers get e-mail and SMS, and it
 * resolves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/call/index.ts';
import { ADMIN_TOKEN, eventually, prompts, startTestLine, type JumpClock, type TestLine } from './support/line.ts';

const UNLOCK = '950183313';
const MARIA = '+34600111222';
const JOHN = '+34611222333';
const GIULIA = '+39347123456';

let line: TestLine;
beforeAll(async () => {
  line = await startTestLine();
}, 60_000);
afterAll(async () => {
  await line?.close();
});

async function api<T>(method: 'POST' | 'GET', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(line.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const OUTAGE = {
  status: 'identified',
  cause: 'technical_fault',
  components: [{ component: 'ebanking', impact: 'major_outage' }, { component: 'card-payments', impact: 'partial_outage' }],
  markets: ['ES'],
  text: {
    es: { title: 'Banca online no disponible', message: 'Tras un mantenimiento, la banca online no funciona.', workaround: 'Los cajeros y el pago con tarjeta en comercios funcionan con normalidad.' },
    en: { title: 'Online banking unavailable', message: 'After a maintenance, online banking is not working.', workaround: 'Cash machines and card payments in shops work normally.' },
  },
  publish: true,
};

const announced = (r: { events: { type: string; id?: string; text?: string }[] }) =>
  r.events.filter((e) => e.type === 'prompt' && e.id === 'announcement').map((e) => e.text);

describe('incidents on the line', () => {
  let incidentId = '';

  it('callers hear a published incident in their language before the menu; the record says so', async () => {
    const created = await api<{ id: string }>('POST', '/api/incidents', OUTAGE);
    expect(created.status).toBe(201);
    incidentId = created.body.id;

    const english = await line.call(MARIA, UNLOCK, '2 1');
    const heard = announced(english);
    expect(heard.join(' ')).toContain('After a maintenance, online banking is not working.');
    expect(heard.join(' ')).toContain('Cash machines and card payments in shops work normally.');
    const ids = prompts(english);
    expect(ids.indexOf('announcement')).toBeGreaterThan(ids.indexOf('language_menu'));
    expect(ids.indexOf('main_menu')).toBeGreaterThan(ids.lastIndexOf('announcement'));
    const record = await line.api<CallRecord>(`/api/calls/${english.callId}`);
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', incidentIds: [incidentId], version: 'full' }));

    const spanish = await line.call(JOHN, UNLOCK, '1 1');
    expect(announced(spanish).join(' ')).toContain('Tras un mantenimiento, la banca online no funciona.');
  });

  it('a repeat caller hears the short version; a caller from another market hears nothing', async () => {
    const again = await line.call(MARIA, UNLOCK, '2 1');
    const record = await line.api<CallRecord>(`/api/calls/${again.callId}`);
    expect(record.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', version: 'short' }));
    expect(announced(again).join(' ')).not.toContain('After a maintenance');
    expect(announced(again).join(' ')).toContain('Online banking unavailable');

    const italy = await line.call(GIULIA, UNLOCK, '2 1');
    expect(announced(italy)).toEqual([]);
  });

  it('the status page, its JSON and its feed show the incident; after resolution it is gone', async () => {
    const page = await fetch(`${line.url}/status?lang=en`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Online banking unavailable');
    expect(html).toContain('This is not a cyberattack');
    const etag = page.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await fetch(`${line.url}/status?lang=en`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    const json = (await (await fetch(`${line.url}/status.json`, { headers: { 'accept-language': 'es' } })).json()) as { active: { id: string; title: string }[] };
    expect(json.active.map((i) => [i.id, i.title])).toEqual([[incidentId, 'Banca online no disponible']]);
    const atom = await (await fetch(`${line.url}/status.atom`)).text();
    expect(atom).toContain('<feed');
    expect(atom).toContain('Banca online no disponible');

    const resolved = await api('POST', `/api/incidents/${incidentId}/updates`, {
      status: 'resolved',
      text: { es: { title: 'Banca online restablecida', message: 'La banca online funciona de nuevo.' }, en: { title: 'Online banking restored', message: 'Online banking works again.' } },
    });
    expect(resolved.status).toBe(200);
    const after = await line.call(JOHN, UNLOCK, '2 1');
    expect(announced(after)).toEqual([]);
    const json2 = (await (await fetch(`${line.url}/status.json?lang=en`)).json()) as { active: unknown[]; history: { id: string }[] };
    expect(json2.active).toEqual([]);
    expect(json2.history.map((h) => h.id)).toContain(incidentId);
    expect((await fetch(`${line.url}/status?lang=en`, { headers: { 'if-none-match': etag! } })).status).toBe(200);
  });
});

describe('the maintenance story', () => {
  it('starts, is announced, overruns into an alert and a draft; published, subscribers are told; resolved', async () => {
    // Two subscribers, confirmed through the links they receive.
    for (const [channel, address] of [['email', 'ops-watcher@example.es'], ['sms', '+34699000111']] as const) {
      const res = await fetch(`${line.url}/status/subscribe`, {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ channel, address, language: 'es' }),
      });
      expect(res.status).toBeLessThan(300);
      const confirmation = await eventually(async () => (await line.mailbox()).find((m) => m.to === address && /\/status\/confirm\//.test(m.text)), 10_000);
      const path = /\/status\/confirm\/[^\s"<>]+/.exec(confirmation.text)?.[0];
      expect(path).toBeDefined();
      expect((await fetch(line.url + path!)).status).toBe(200);
    }

    const clock = line.clock as JumpClock;
    const startsAt = new Date(clock.now() + 60_000);
    const scheduled = await api<{ id: string }>('POST', '/api/maintenance', {
      components: [{ component: 'transfers', impact: 'under_maintenance' }],
      text: {
        es: { title: 'Mantenimiento de transferencias', message: 'Las transferencias no estarán disponibles durante el mantenimiento.' },
        en: { title: 'Transfers maintenance', message: 'Transfers will be unavailable during the maintenance.' },
      },
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
      announceBeforeMinutes: 0,
    });
    expect(scheduled.status).toBe(201);

    clock.jump(2 * 60_000);
    await line.incidents.tick();
    const during = await line.call(MARIA, UNLOCK, '1 1');
    expect(announced(during).join(' ')).toContain('Las transferencias no estarán disponibles');
    const duringRecord = await line.api<CallRecord>(`/api/calls/${during.callId}`);
    expect(duringRecord.transcript).toContainEqual(expect.objectContaining({ type: 'announcement', maintenanceIds: [scheduled.body.id] }));

    // Nobody marked it complete: past its end it overruns.
    clock.jump(40 * 60_000);
    await line.incidents.tick();
    await line.incidents.tick();
    const alerts = await api<{ kind: string; draftIncidentId: string | null }[]>('GET', '/api/alerts');
    const overrun = alerts.body.filter((a) => a.kind === 'maintenance_overrun');
    expect(overrun).toHaveLength(1);
    const draftId = overrun[0]!.draftIncidentId!;
    const draft = await api<{ visibility: string; cause: string; source: string }>('GET', `/api/incidents/${draftId}`);
    expect(draft.body).toMatchObject({ visibility: 'draft', cause: 'planned_maintenance', source: 'maintenance_overrun' });
    // A draft is not public.
    const json = (await (await fetch(`${line.url}/status.json?lang=es`)).json()) as { active: { id: string }[] };
    expect(json.active.map((i) => i.id)).not.toContain(draftId);

    expect((await api('POST', `/api/incidents/${draftId}/publish`)).status).toBe(200);
    const notices = await eventually(async () => {
      const box = await line.mailbox();
      const email = box.find((m) => m.to === 'ops-watcher@example.es' && !/\/status\/confirm\//.test(m.text));
      const sms = box.find((m) => m.to === '+34699000111' && !/\/status\/confirm\//.test(m.text));
      return email && sms ? { email, sms } : undefined;
    }, 15_000);
    expect(notices.email.text).toContain('/status/unsubscribe/');
    expect(notices.sms.channel).toBe('sms');

    const resolved = await api('POST', `/api/incidents/${draftId}/updates`, {
      status: 'resolved',
      text: { es: { title: 'Transferencias restablecidas', message: 'Las transferencias funcionan.' }, en: { title: 'Transfers restored', message: 'Transfers work.' } },
    });
    expect(resolved.status).toBe(200);
    await eventually(async () => ((await line.mailbox()).filter((m) => m.to === 'ops-watcher@example.es').length >= 3 ? true : undefined), 15_000);
    const after = await line.call(MARIA, UNLOCK, '1 1');
    expect(announced(after)).toEqual([]);
    const audit = await api<{ author: string; action: string }[]>('GET', '/api/audit');
    expect(audit.body.map((a) => a.action)).toEqual(expect.arrayContaining([expect.stringMatching(/publish/)]));
  }, 90_000);
});
