import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaveError } from '../shared/index.ts';
import { subscriptionRoutes, type SubscriptionRoutesDeps } from './status-subscriptions.ts';

const UNSUBSCRIBE_URL = 'https://status.bank.example/status/unsubscribe/UnSubToken&x=1';
type Subs = SubscriptionRoutesDeps['subscriptions'];

/** Stands in for createSubscriptions: records calls, answers by token. */
function fakeSubscriptions() {
  const calls: { op: string; arg: unknown }[] = [];
  let subscribed = true;
  const subs: Subs = {
    subscribe(input) {
      calls.push({ op: 'subscribe', arg: input });
      if (input.address === 'not-an-address') return Promise.reject(new ClaveError('INVALID_ARGUMENT', 'bad', { field: 'address' }));
      if (input.components?.includes('teleport')) return Promise.reject(new ClaveError('INVALID_ARGUMENT', 'bad', { field: 'components' }));
      return Promise.resolve({ subscriptionId: 's1', confirmationSent: true });
    },
    confirm(token) {
      calls.push({ op: 'confirm', arg: token });
      if (token === 'good') return Promise.resolve({ outcome: 'confirmed', language: 'es', unsubscribeUrl: UNSUBSCRIBE_URL });
      if (token === 'old') return Promise.reject(new ClaveError('TOKEN_EXPIRED', 'expired'));
      return Promise.reject(new ClaveError('INVALID_TOKEN', 'invalid'));
    },
    unsubscribe(token) {
      calls.push({ op: 'unsubscribe', arg: token });
      if (token !== 'tok') return Promise.reject(new ClaveError('INVALID_TOKEN', 'invalid'));
      const was = subscribed;
      subscribed = false;
      return Promise.resolve(was ? { outcome: 'unsubscribed', language: 'en' } : { outcome: 'already_unsubscribed', language: null });
    },
    checkUnsubscribe(token) {
      calls.push({ op: 'check', arg: token });
      if (token !== 'tok') return Promise.reject(new ClaveError('INVALID_TOKEN', 'invalid'));
      return Promise.resolve({ subscribed, language: subscribed ? 'en' : null });
    },
  };
  return { subs, calls };
}

describe('status subscription routes', () => {
  let app: FastifyInstance;
  let fake: ReturnType<typeof fakeSubscriptions>;
  beforeEach(async () => {
    fake = fakeSubscriptions();
    app = Fastify();
    await app.register(subscriptionRoutes({ subscriptions: fake.subs, languages: ['es', 'en'] }));
  });
  afterEach(() => app.close());

  const form = (body: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/status/subscribe', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

  it('subscribes from a form, answering a page that escapes what it repeats', async () => {
    const res = await form('channel=email&address=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E%40example.com&language=es&components=ebanking&components%5B%5D=atm,card-payments');
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(fake.calls).toEqual([{ op: 'subscribe', arg: {
      channel: 'email', address: '"><script>alert(1)</script>@example.com', language: 'es', components: ['ebanking', 'atm', 'card-payments'],
    } }]);
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('<h1>Revisa tus mensajes</h1>');
    expect(res.body).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;@example.com');
    expect(res.body).not.toContain('<script');
  });

  it('subscribes from JSON, answering JSON, in the language asked for', async () => {
    const res = await app.inject({
      method: 'POST', url: '/status/subscribe', headers: { accept: 'application/json' },
      payload: { channel: 'sms', address: '+34 600 11 22 33', language: 'en-GB', markets: ['es'] },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      status: 'pending',
      message: 'We are sending a confirmation link to +34 600 11 22 33 by SMS, unless we sent one there a few minutes ago. Alerts start only once you open it.',
    });
    expect(fake.calls[0]?.arg).toEqual({ channel: 'sms', address: '+34 600 11 22 33', language: 'en-GB', markets: ['es'] });
  });

  it('takes the page language from Accept-Language when the form names none', async () => {
    const res = await form('channel=email&address=ana%40example.com', { 'accept-language': 'fr-FR, en-GB;q=0.8, es;q=0.5' });
    expect(res.statusCode).toBe(202);
    expect(res.body).toContain('<html lang="en">');
    expect((fake.calls[0]?.arg as { language: string }).language).toBe('en');
  });

  it('refuses bad input with 400, as a page or as JSON, without repeating it', async () => {
    const bad = await form('channel=sms&address=not-an-address&language=en');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The phone number is not valid');
    expect(bad.body).not.toContain('not-an-address');
    const choice = await app.inject({ method: 'POST', url: '/status/subscribe', payload: { channel: 'email', address: 'a@b.es', components: ['teleport'] } });
    expect(choice.statusCode).toBe(400);
    expect(choice.json()).toEqual({ error: 'invalid_argument', field: 'components', message: 'Alguno de los servicios o mercados elegidos no existe.' });
    const fax = await app.inject({ method: 'POST', url: '/status/subscribe', payload: { channel: 'fax', address: 'x' } });
    expect(fax.json()).toMatchObject({ error: 'invalid_argument', field: 'channel' });
    const text = await app.inject({ method: 'POST', url: '/status/subscribe', payload: 'channel=email', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(400);
    expect(fake.calls.length).toBe(2);
  });

  it('confirms by the link and shows how to unsubscribe; refuses unknown and expired links', async () => {
    const ok = await app.inject({ url: '/status/confirm/good' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('<h1>Suscripción confirmada</h1>');
    expect(ok.body).toContain('<a href="https://status.bank.example/status/unsubscribe/UnSubToken&#38;x=1">');
    const json = await app.inject({ url: '/status/confirm/good', headers: { accept: 'application/json' } });
    expect(json.json()).toEqual({ status: 'confirmed', unsubscribeUrl: UNSUBSCRIBE_URL });
    const unknown = await app.inject({ url: '/status/confirm/nope?lang=en' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('<h1>This link does not work</h1>');
    const expired = await app.inject({ url: '/status/confirm/old', headers: { accept: 'application/json' } });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toEqual({ error: 'token_expired' });
  });

  it('shows a one-button page on GET and unsubscribes only on POST', async () => {
    const ask = await app.inject({ url: '/status/unsubscribe/tok' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('<form method="post" action="/status/unsubscribe/tok">');
    expect(ask.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(ask.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(ask.body).not.toContain('<script');
    expect(fake.calls.map((c) => c.op)).toEqual(['check']);
    expect((await app.inject({ url: '/status/unsubscribe/forged' })).statusCode).toBe(404);
  });

  it('unsubscribes with the RFC 8058 one-click POST, urlencoded or multipart, idempotently', async () => {
    const click = await app.inject({
      method: 'POST', url: '/status/unsubscribe/tok', payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(click.statusCode).toBe(200);
    expect(click.body).toContain('<h1>Unsubscribed</h1>');
    const boundary = '----clave';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const again = await app.inject({
      method: 'POST', url: '/status/unsubscribe/tok', payload: multipart, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'already_unsubscribed' });
    const bare = await app.inject({ method: 'POST', url: '/status/unsubscribe/tok' });
    expect(bare.statusCode).toBe(200);
    expect(bare.body).toContain('<h1>Sin suscripción</h1>');
    const forged = await app.inject({ method: 'POST', url: '/status/unsubscribe/forged', headers: { accept: 'application/json' } });
    expect(forged.statusCode).toBe(404);
    expect(fake.calls.filter((c) => c.op === 'unsubscribe').length).toBe(4);
    const after = await app.inject({ url: '/status/unsubscribe/tok?lang=en' });
    expect(after.body).toContain('<h1>Not subscribed</h1>');
  });
});
