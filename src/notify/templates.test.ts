import { describe, expect, it } from 'vitest';
import { isClaveError } from '../shared/index.ts';
import { gsmSeptets, SMS_SINGLE_PART_SEPTETS } from './gsm.ts';
import { fillSecret, placeholdersOf } from './render.ts';
import { TEMPLATE_SPECS, type TemplateId, type TemplateSpec } from './templates/catalog.ts';
import { FALLBACK_LANGUAGE, LANGUAGES, renderTemplate } from './templates.ts';

const IDS = Object.keys(TEMPLATE_SPECS) as TemplateId[];

// Long but realistic values: if these fit one SMS part, real ones do.
const LONG_PARAMS: Record<string, string> = {
  name: 'María José Fernández de la Peña',
  username: 'mjfernandez.delapena',
  validMinutes: '1440',
  reference: '12345678',
  // Status alerts: a long title, a labelled workaround and the links a subscriber gets.
  title: 'Card payments and e-banking unavailable in Spain',
  message: 'Since 08:10 card payments and e-banking fail for most customers. We are working on it.',
  workaround: '\nMeanwhile: cash withdrawals at ATMs and card payments in shops work normally.',
  window: 'Saturday, 10 January 2026, 22:00 - Sunday, 11 January 2026, 06:00 (Europe/Madrid)',
  statusUrl: 'https://status.banco-ejemplo.example/status?lang=es',
  confirmUrl: 'https://status.banco-ejemplo.example/status/confirm/Xk3pQ7rZ9tW2mK4nB6vC8d',
  unsubscribeUrl: 'https://status.banco-ejemplo.example/status/unsubscribe/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_',
  validHours: '24',
};
const LONG_SECRET = 'Qx7mK2pR9tZ4'; // 12 characters, GSM basic set

function catch_(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('message templates', () => {
  it('has English and Spanish complete', () => {
    for (const lang of ['en', 'es']) expect(Object.keys(LANGUAGES[lang] ?? {}).sort()).toEqual([...IDS].sort());
    expect(FALLBACK_LANGUAGE).toBe('en');
  });

  for (const [lang, catalog] of Object.entries(LANGUAGES)) {
    for (const id of IDS) {
      const text = catalog[id];
      if (!text) continue;
      const spec: TemplateSpec = TEMPLATE_SPECS[id];
      it(`${lang}/${id} uses exactly its declared placeholders`, () => {
        const expected = [...spec.params, ...(spec.secret ? ['secret'] : [])].sort();
        expect(placeholdersOf(text.text).sort()).toEqual(expected);
        if (spec.channel === 'email') {
          expect(text.subject).toBeTypeOf('string');
          expect(placeholdersOf(text.subject ?? '')).not.toContain('secret');
        } else {
          expect(text.subject).toBeUndefined();
        }
      });
      if (spec.channel === 'sms' && spec.secret) {
        it(`${lang}/${id} fits one GSM 7-bit SMS part with long values`, () => {
          const rendered = renderTemplate(id, lang, LONG_PARAMS);
          const final = fillSecret(rendered.body, LONG_SECRET);
          const septets = gsmSeptets(final);
          expect(septets, final).not.toBeNull();
          expect(septets).toBeLessThanOrEqual(SMS_SINGLE_PART_SEPTETS);
        });
      } else if (spec.channel === 'sms') {
        // Without a secret a message may be concatenated (153 septets a part), but stays short.
        it(`${lang}/${id} fits ${id.startsWith('status_') ? 3 : 1} GSM 7-bit SMS part(s) with long values`, () => {
          const final = fillSecret(renderTemplate(id, lang, LONG_PARAMS).body, null);
          const septets = gsmSeptets(final);
          expect(septets, final).not.toBeNull();
          const parts = septets! <= SMS_SINGLE_PART_SEPTETS ? 1 : Math.ceil(septets! / 153);
          expect(parts, final).toBeLessThanOrEqual(id.startsWith('status_') ? 3 : 1);
        });
      }
    }
  }

  it('never puts a password in the user-name e-mails', () => {
    for (const lang of ['en', 'es']) {
      for (const id of ['ebanking_username', 'phonebanking_username'] as const) {
        expect(TEMPLATE_SPECS[id].secret).toBe(false);
        expect(placeholdersOf(LANGUAGES[lang]?.[id]?.text ?? '')).toEqual(['name', 'username']);
      }
    }
  });

  it('renders Spanish with the secret kept as a slot', () => {
    const r = renderTemplate('operation_unlock_code', 'es', { reference: '40012345', validMinutes: '15' });
    expect(r).toEqual({
      template: 'operation_unlock_code',
      channel: 'sms',
      language: 'es',
      subject: null,
      body: 'Para desbloquear la operacion 40012345, escribe en tu banca online la clave {secret}. Caduca en 15 min. No la compartas.',
      hasSecret: true,
    });
  });

  it('renders e-mail subjects and uses the primary language subtag', () => {
    const r = renderTemplate('ebanking_username', 'es-ES', { name: 'Ana', username: 'ana.garcia' });
    expect(r.language).toBe('es');
    expect(r.subject).toBe('Tu usuario de banca online');
    expect(r.body).toContain('Tu nombre de usuario es: ana.garcia\n');
  });

  it('falls back to English for a language it does not have, and says so', () => {
    const r = renderTemplate('password_changed', 'fr', { username: 'ana' });
    expect(r.language).toBe('en');
    expect(r.body).toBe('The e-banking password of user ana has been changed. If it was not you, call your bank at once.');
  });

  it('falls back per template when a language is partial', () => {
    const languages = { ...LANGUAGES, ca: { signature_unlocked: { text: 'La teva signatura s\'ha desbloquejat.' } } };
    expect(renderTemplate('signature_unlocked', 'ca', {}, languages).language).toBe('ca');
    expect(renderTemplate('password_changed', 'ca', { username: 'x' }, languages).language).toBe('en');
  });

  it('rejects an unknown template id', () => {
    const err = catch_(() => renderTemplate('ebanking_pin', 'en', {}));
    expect(isClaveError(err, 'INVALID_CONFIG')).toBe(true);
    expect((err as { details: unknown }).details).toEqual({ template: 'ebanking_pin' });
  });

  it('rejects missing parameters, naming them', () => {
    const err = catch_(() => renderTemplate('operation_unlock_code', 'es', { validMinutes: '15' }));
    expect(isClaveError(err, 'INVALID_CONFIG')).toBe(true);
    expect((err as { details: unknown }).details).toEqual({ template: 'operation_unlock_code', missing: ['reference'] });
  });
});

describe('gsmSeptets', () => {
  it('counts basic and extension characters and refuses others', () => {
    expect(gsmSeptets('Código')).toBeNull();
    expect(gsmSeptets('contraseña ¿ñ? é')).toBe(16);
    expect(gsmSeptets('5 €')).toBe(4);
  });
});
