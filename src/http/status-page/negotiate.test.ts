import { describe, expect, it } from 'vitest';
import { LanguagePicker } from './language-picker.ts';
import { pickLanguage } from './negotiate.ts';

const LANGS = ['es', 'en'];

describe('pickLanguage', () => {
  it('takes ?lang= before Accept-Language, ignoring a language not offered', () => {
    expect(pickLanguage('es', 'en', LANGS)).toBe('es');
    expect(pickLanguage('EN', 'es', LANGS)).toBe('en');
    expect(pickLanguage('fr', 'en', LANGS)).toBe('en');
    expect(pickLanguage(['es', 'en'], 'en', LANGS)).toBe('en');
  });

  it('honours q-values, and the client order among equal ones', () => {
    expect(pickLanguage(undefined, 'es;q=0.5, en;q=0.9', LANGS)).toBe('en');
    expect(pickLanguage(undefined, 'en, es', LANGS)).toBe('en');
    expect(pickLanguage(undefined, 'fr-FR, fr;q=0.9, es;q=0.2, en;q=0.1', LANGS)).toBe('es');
  });

  it('matches regional tags both ways (RFC 4647)', () => {
    expect(pickLanguage(undefined, 'en-GB', LANGS)).toBe('en');
    expect(pickLanguage(undefined, 'es-419,en;q=0.5', ['en', 'es'])).toBe('es');
    expect(pickLanguage(undefined, 'pt-BR', ['es', 'pt-BR', 'en'])).toBe('pt-BR');
  });

  it('reads q=0 as "not this one", also under a wildcard', () => {
    expect(pickLanguage(undefined, '*, es;q=0', LANGS)).toBe('en');
    expect(pickLanguage(undefined, 'en;q=0, es;q=0.3', LANGS)).toBe('es');
  });

  it('skips malformed ranges and falls back to the first language', () => {
    expect(pickLanguage(undefined, 'en;q=2, es;q=0.1', ['en', 'es'])).toBe('es');
    expect(pickLanguage(undefined, '<script>, en', LANGS)).toBe('en');
    expect(pickLanguage(undefined, 'fr, de', LANGS)).toBe('es');
    expect(pickLanguage(undefined, undefined, LANGS)).toBe('es');
    expect(pickLanguage(undefined, '', ['en', 'es'])).toBe('en');
  });

  it('refuses an empty language list', () => {
    expect(() => pickLanguage(undefined, 'en', [])).toThrow(TypeError);
  });
});

describe('LanguagePicker', () => {
  it('answers as pickLanguage, from memory for a header seen before', () => {
    const picker = new LanguagePicker(LANGS);
    for (let round = 0; round < 2; round++) {
      expect(picker.pick(undefined, 'en-GB,en;q=0.9')).toBe('en');
      expect(picker.pick('es', 'en-GB,en;q=0.9')).toBe('es');
      expect(picker.pick(undefined, 'fr')).toBe('es');
      expect(picker.pick(undefined, undefined)).toBe('es');
    }
    // Many distinct headers: the memory empties itself and answers stay right.
    for (let i = 0; i < 2000; i++) expect(picker.pick(undefined, `x${i}, en`)).toBe('en');
    expect(() => new LanguagePicker([])).toThrow(TypeError);
  });
});
