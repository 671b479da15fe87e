import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/index.ts';
import { createOutbox, type NotifyOutbox } from '../../notify/index.ts';
import { ClaveError, SimulatedClock } from '../../shared/index.ts';
import { migrate, openPglite, type Db } from '../../store/index.ts';
import { CONFIG, incident, maintenance, published } from './events.test-support.ts';
import { createSubscriptions, type Subscriptions } from './subscriptions.ts';

const PUBLIC_URL = 'https://status.bank.example';
const TEN_MINUTES = 10 * 60_000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(() => 'resolved', (err: unknown) => (err instanceof ClaveError ? err.code : `not a ClaveError: ${String(err)}`));
}

describe('status subscriptions', () => {
  let db: Db;
  let clock: SimulatedClock;
  let outbox: NotifyOutbox;
  let subs: Subscriptions;
  let logged: string;
  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
  }, 60_000);
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.query('DELETE FROM incidents_subscriptions');
    await db.query('DELETE FROM notify_outbox');
    clock = new SimulatedClock();
    outbox = createOutbox({ clock, dataKey: randomBytes(32) });
    logged = '';
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void (logged += s) } });
    subs = createSubscriptions({ db, outbox, clock, config: CONFIG, publicUrl: `${PUBLIC_URL}/`, secretKey: randomBytes(32), logger, timeZone: 'Europe/Madrid' });
  });

  // Oldest first; messages written at one simulated instant keep no order among themselves.
  const messages = async () => (await outbox.list(db, { limit: 500 })).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  /** The messages `fn` wrote. */
  async function fresh(fn: () => Promise<unknown>) {
    const before = new Set((await messages()).map((m) => m.id));
    await fn();
    return (await messages()).filter((m) => !before.has(m.id));
  }
  const only = <T,>(list: T[]): T => {
    expect(list.length).toBe(1);
    return list[0] as T;
  };
  const linkIn = (body: string, kind: 'confirm' | 'unsubscribe') => {
    const m = new RegExp(`${PUBLIC_URL}/status/${kind}/([A-Za-z0-9_-]+)`).exec(body);
    if (!m?.[1]) throw new Error(`no ${kind} link in: ${body}`);
    return m[1];
  };
  const lastConfirmToken = async () => {
    const [row] = await db.query<{ body: string }>("SELECT body FROM notify_outbox WHERE template LIKE 'status_confirm%' ORDER BY created_at DESC LIMIT 1");
    return linkIn(row?.body ?? '', 'confirm');
  };
  async function confirmed(address: string, extra: { components?: string[]; markets?: string[]; language?: string; channel?: 'email' | 'sms' } = {}) {
    const input = { channel: extra.channel ?? 'email', address, language: extra.language ?? 'es', components: extra.components, markets: extra.markets };
    const confirmation = only(await fresh(() => subs.subscribe(input)));
    expect((await subs.confirm(linkIn(confirmation.body, 'confirm'))).outcome).toBe('confirmed');
  }

  it('sends only the confirmation before the link is opened, and the incident after (double opt-in)', async () => {
    const result = await subs.subscribe({ channel: 'email', address: ' Ana.Garcia@Ejemplo.ES ', language: 'es', components: ['ebanking'] });
    expect(result.confirmationSent).toBe(true);
    expect(await subs.notify(published())).toEqual({ messages: 0 });
    const [confirmation, ...rest] = await messages();
    expect(rest).toEqual([]);
    expect(confirmation).toMatchObject({
      channel: 'email', to: 'ana.garcia@ejemplo.es', template: 'status_confirm_email', language: 'es',
      subject: 'Confirma tus avisos del estado del servicio', status: 'pending', expiresAt: new Date(clock.now() + 24 * 3_600_000),
    });
    expect(confirmation?.body).toContain('antes de 24 horas');
    expect(await subs.counts()).toEqual({ pending: 1, confirmed: 0 });

    const outcome = await subs.confirm(linkIn(confirmation?.body ?? '', 'confirm'));
    expect(outcome.outcome).toBe('confirmed');
    expect(outcome.language).toBe('es');
    expect(outcome.unsubscribeUrl).toMatch(/^https:\/\/status\.bank\.example\/status\/unsubscribe\/[A-Za-z0-9_-]{38}$/);
    const notice = only(await fresh(async () => expect(await subs.notify(published())).toEqual({ messages: 1 })));
    expect(notice).toMatchObject({ template: 'status_incident_published_email', to: 'ana.garcia@ejemplo.es', subject: 'Incidencia en el servicio: Banca online caída' });
    expect(notice?.body).toBe(
      'Banca online caída\n\nNo se puede entrar en la banca online.\n\nMientras tanto: Los cajeros funcionan con normalidad.\n\n' +
      'Sigue la incidencia en la página de estado: https://status.bank.example/status?lang=es\n\n' +
      `Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: ${outcome.unsubscribeUrl}\n`,
    );
  });

  it('writes one message per event and subscriber however often notify runs, concurrently too', async () => {
    await confirmed('ana@example.com');
    await confirmed('luis@example.com', { language: 'en' });
    const event = published();
    const runs = await Promise.all([subs.notify(event), subs.notify(event), subs.notify({ ...event, at: new Date(event.at) })]);
    expect(runs.map((r) => r.messages).sort()).toEqual([0, 0, 2]);
    expect((await subs.notify(event)).messages).toBe(0);
    const update = { type: 'incident.updated' as const, at: new Date(clock.now() + 60_000), incident: incident({ status: 'identified', updates: [...incident().updates, { id: 'upd-2', status: 'identified', author: 'admin', at: new Date(clock.now() + 60_000) }] }) };
    expect((await subs.notify(update)).messages).toBe(2);
    const notices = (await messages()).filter((m) => m.template.startsWith('status_incident'));
    expect(notices.map((m) => `${m.template} ${m.to} ${m.language}`).sort()).toEqual([
      'status_incident_published_email ana@example.com es',
      'status_incident_published_email luis@example.com en',
      'status_incident_updated_email ana@example.com es',
      'status_incident_updated_email luis@example.com en',
    ]);
    const luis = (template: string) => notices.find((m) => m.to === 'luis@example.com' && m.template === template)?.subject;
    expect(luis('status_incident_published_email')).toBe('Service incident: E-banking down');
    expect(luis('status_incident_updated_email')).toBe('Update: E-banking down');
  });

  it('tells each subscriber only of the components and markets they chose (empty: everything)', async () => {
    await confirmed('all@example.com');
    await confirmed('ebanking@example.com', { components: ['ebanking'] });
    await confirmed('atm@example.com', { components: ['atm'] });
    await confirmed('spain@example.com', { markets: ['es'] });
    await confirmed('italy@example.com', { markets: ['it'] });
    await confirmed('ebanking-italy@example.com', { components: ['ebanking', 'card-payments'], markets: ['it'] });
    const told = async (event: Parameters<Subscriptions['notify']>[0]) => (await fresh(() => subs.notify(event))).map((m) => m.to).sort();
    const t = new Date(clock.now());
    // An incident in every market reaches every market filter.
    expect(await told(published(incident({ id: 'a' }), t))).toEqual([
      'all@example.com', 'ebanking-italy@example.com', 'ebanking@example.com', 'italy@example.com', 'spain@example.com',
    ]);
    expect(await told(published(incident({ id: 'b', markets: ['es'] }), t))).toEqual(['all@example.com', 'ebanking@example.com', 'spain@example.com']);
    expect(await told(published(incident({ id: 'c', components: [{ component: 'atm', impact: 'degraded' }], markets: ['it'] }), t))).toEqual([
      'all@example.com', 'atm@example.com', 'italy@example.com',
    ]);
  });

  it('tells nothing of drafts, nor of windows starting or ending on time', async () => {
    await confirmed('ana@example.com');
    expect((await subs.notify(published(incident({ visibility: 'draft' })))).messages).toBe(0);
    expect((await subs.notify({ type: 'maintenance.started', maintenance: maintenance(), at: new Date(clock.now()) })).messages).toBe(0);
    expect((await subs.notify({ type: 'maintenance.completed', maintenance: maintenance(), at: new Date(clock.now()) })).messages).toBe(0);
  });

  it('announces scheduled maintenance with its window in the subscriber language and zone, by SMS too', async () => {
    await confirmed('0034 600 11 22 33', { channel: 'sms', language: 'en' });
    const sms = only(await fresh(() => subs.notify({ type: 'maintenance.scheduled', maintenance: maintenance(), at: new Date(clock.now()) })));
    expect(sms).toMatchObject({ channel: 'sms', to: '+34600112233', template: 'status_maintenance_scheduled_sms', subject: null });
    expect(sms?.body).toMatch(
      /^Planned maintenance: ATM maintenance, Saturday, January 10, 2026 at 22:00 - Sunday, January 11, 2026 at 06:00 \(Europe\/Madrid\)\nMore: https:\/\/status\.bank\.example\/status\?lang=en\nStop alerts: https:\/\/status\.bank\.example\/status\/unsubscribe\/[A-Za-z0-9_-]{38}$/,
    );
  });

  it('falls back to the configuration first language for a text missing in the subscriber one', async () => {
    await confirmed('luis@example.com', { language: 'en' });
    const notice = only(await fresh(() => subs.notify(published(incident({ text: { es: { title: 'Solo en español', message: 'Mensaje.' } } })))));
    expect(notice?.language).toBe('en');
    expect(notice?.subject).toBe('Service incident: Solo en español');
    expect(notice?.body.startsWith('Solo en español\n\nMensaje.\n\nFollow the incident')).toBe(true);
  });

  it('unsubscribes with the link of any message, once, and tells nothing afterwards', async () => {
    await confirmed('ana@example.com');
    const notice = only(await fresh(() => subs.notify(published())));
    const token = linkIn(notice.body, 'unsubscribe');
    // The e-mail carries the same link as RFC 8058 one-click List-Unsubscribe.
    const [row] = await db.query<{ unsubscribe_url: string | null }>('SELECT unsubscribe_url FROM notify_outbox WHERE id = $1', [notice.id]);
    expect(row?.unsubscribe_url).toBe(`${PUBLIC_URL}/status/unsubscribe/${token}`);
    expect(await subs.checkUnsubscribe(token)).toEqual({ subscribed: true, language: 'es' });
    expect(await subs.unsubscribe(token)).toEqual({ outcome: 'unsubscribed', language: 'es' });
    expect(await subs.unsubscribe(token)).toEqual({ outcome: 'already_unsubscribed', language: null });
    expect(await subs.checkUnsubscribe(token)).toEqual({ subscribed: false, language: null });
    expect((await subs.notify(published(incident({ id: 'inc-2' }))))).toEqual({ messages: 0 });
    expect(await subs.counts()).toEqual({ pending: 0, confirmed: 0 });
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await codeOf(subs.unsubscribe(flipped))).toBe('INVALID_TOKEN');
    expect(await codeOf(subs.unsubscribe('short'))).toBe('INVALID_TOKEN');
    expect(await codeOf(subs.checkUnsubscribe(flipped))).toBe('INVALID_TOKEN');
  });

  it('refuses wrong, replaced and expired confirmation links, and answers a used one without changing anything', async () => {
    expect(await codeOf(subs.confirm('not-a-token'))).toBe('INVALID_TOKEN');
    expect(await codeOf(subs.confirm('A'.repeat(22)))).toBe('INVALID_TOKEN');
    await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'es' });
    const first = await lastConfirmToken();
    await clock.advance(TEN_MINUTES);
    await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'es' });
    const second = await lastConfirmToken();
    expect(second).not.toBe(first);
    expect(await codeOf(subs.confirm(first))).toBe('INVALID_TOKEN');
    await clock.advance(24 * 3_600_000);
    expect(await codeOf(subs.confirm(second))).toBe('TOKEN_EXPIRED');
    expect(await subs.counts()).toEqual({ pending: 1, confirmed: 0 });
    expect(await subs.purgeUnconfirmed()).toBe(1);
    expect(await subs.counts()).toEqual({ pending: 0, confirmed: 0 });

    await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'es' });
    const third = await lastConfirmToken();
    expect((await subs.confirm(third)).outcome).toBe('confirmed');
    expect((await subs.confirm(third)).outcome).toBe('already_confirmed');
    expect(await subs.counts()).toEqual({ pending: 0, confirmed: 1 });
  });

  it('sends at most one confirmation per address in ten minutes and five a day, keeping the latest choice', async () => {
    const ask = (components: string[]) => subs.subscribe({ channel: 'sms', address: '+34600112233', language: 'es', components });
    expect((await ask(['atm'])).confirmationSent).toBe(true);
    expect((await ask(['ebanking'])).confirmationSent).toBe(false);
    await clock.advance(TEN_MINUTES - 1);
    expect((await ask(['ebanking'])).confirmationSent).toBe(false);
    expect((await messages()).length).toBe(1);
    await clock.advance(1);
    expect((await ask(['ebanking'])).confirmationSent).toBe(true);
    for (let i = 0; i < 4; i++) {
      await clock.advance(TEN_MINUTES);
      expect((await ask(['ebanking'])).confirmationSent).toBe(i < 3);
    }
    const sms = await messages();
    expect(sms.length).toBe(5);
    expect(sms[0]?.body).toMatch(/^Confirma tus avisos del estado del servicio: https:\/\/status\.bank\.example\/status\/confirm\/[A-Za-z0-9_-]{22} El enlace caduca en 24 h\./);
    await clock.advance(24 * 3_600_000);
    expect((await ask(['ebanking'])).confirmationSent).toBe(true);
    await subs.confirm(await lastConfirmToken());
    // The last choice holds: an incident on ATMs is not told, one on e-banking is.
    expect((await subs.notify(published(incident({ components: [{ component: 'atm', impact: 'degraded' }] }), new Date(clock.now())))).messages).toBe(0);
    expect((await subs.notify(published(incident({ id: 'inc-2' }), new Date(clock.now())))).messages).toBe(1);
  });

  it('changes a confirmed subscription only when the change is confirmed from the address', async () => {
    await confirmed('ana@example.com', { components: ['atm'] });
    await clock.advance(TEN_MINUTES);
    const same = await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'es', components: ['atm'] });
    expect(same.confirmationSent).toBe(false);
    const change = await subs.subscribe({ channel: 'email', address: 'ana@example.com', language: 'en', components: ['ebanking'] });
    expect(change.confirmationSent).toBe(true);
    const at = () => new Date(clock.now());
    expect((await subs.notify(published(incident(), at()))).messages).toBe(0);
    expect((await subs.confirm(await lastConfirmToken())).outcome).toBe('updated');
    expect(only(await fresh(() => subs.notify(published(incident({ id: 'inc-2' }), at())))).language).toBe('en');
  });

  it('checks addresses and filters, and never logs an address', async () => {
    const bad = async (input: Parameters<Subscriptions['subscribe']>[0]) => subs.subscribe(input).then(() => null, (err: ClaveError) => [err.code, err.details['field']]);
    expect(await bad({ channel: 'email', address: 'ana@', language: 'es' })).toEqual(['INVALID_ARGUMENT', 'address']);
    expect(await bad({ channel: 'email', address: 'ana@example.com\r\nBcc: x@y.z', language: 'es' })).toEqual(['INVALID_ARGUMENT', 'address']);
    expect(await bad({ channel: 'sms', address: '600112233', language: 'es' })).toEqual(['INVALID_ARGUMENT', 'address']);
    expect(await bad({ channel: 'email', address: 'ana@example.com', language: 'es', components: ['teleport'] })).toEqual(['INVALID_ARGUMENT', 'components']);
    expect(await bad({ channel: 'email', address: 'ana@example.com', language: 'es', markets: ['fr'] })).toEqual(['INVALID_ARGUMENT', 'markets']);
    expect(await bad({ channel: 'fax' as 'sms', address: '+34600112233', language: 'es' })).toEqual(['INVALID_ARGUMENT', 'channel']);
    expect(await messages()).toEqual([]);
    await confirmed('secret.person@example.com');
    await confirmed('+34699887766', { channel: 'sms', language: 'xx' });
    await subs.notify(published());
    expect((await messages()).find((m) => m.channel === 'sms')?.language).toBe('es');
    expect(logged).toContain('status subscribers notified');
    expect(logged).not.toContain('secret.person');
    expect(logged).not.toContain('699887766');
  });
});
