import { describe, expect, it } from 'vitest';
import { fixedTexts, hasPlaceholders, segmentsFromTemplate, segmentsFromText } from './prompt-segments.ts';

const repeat = 'Repetimos, su clave de firma es: {key}. Es válida durante {minutes} minutos y solo para esta operación.';
const params = { key: '4 8 2 1 5 5 0 9', minutes: '5' };
const rendered = 'Repetimos, su clave de firma es: 4 8 2 1 5 5 0 9. Es válida durante 5 minutos y solo para esta operación.';
const expected = [
  { kind: 'fixed', text: 'Repetimos, su clave de firma es:', index: 1 },
  { kind: 'digits', digits: '48215509' },
  { kind: 'fixed', text: 'Es válida durante', index: 2 },
  { kind: 'digits', digits: '5' },
  { kind: 'fixed', text: 'minutos y solo para esta operación.', index: 3 },
];

describe('prompt segments', () => {
  it('split a template into fixed pieces, digit strings and values', () => {
    expect(segmentsFromTemplate(repeat, params)).toEqual(expected);
    expect(segmentsFromTemplate('Operación de {amount} {currency} a favor de {payee}.', { amount: '125,50', currency: 'euros', payee: 'Electricidad Norte' })).toEqual([
      { kind: 'fixed', text: 'Operación de', index: 1 },
      { kind: 'value', text: '125,50' },
      { kind: 'value', text: 'euros' },
      { kind: 'fixed', text: 'a favor de', index: 2 },
      { kind: 'value', text: 'Electricidad Norte' },
    ]);
  });

  it('read unspaced numbers as values (an amount), spaced ones digit by digit', () => {
    expect(segmentsFromTemplate('{a}', { a: '1250' })).toEqual([{ kind: 'value', text: '1250' }]);
    expect(segmentsFromTemplate('{a}', { a: '1 2 5 0' })).toEqual([{ kind: 'digits', digits: '1250' }]);
    expect(segmentsFromTemplate('Hola {a}', {})).toEqual([{ kind: 'fixed', text: 'Hola', index: 1 }]);
  });

  it('find the same split in the rendered text, longest value first', () => {
    expect(segmentsFromText(rendered, params)).toEqual(expected);
    // "5" also occurs inside the key: placed after it, in the second fixed piece.
    expect(segmentsFromText(rendered, { minutes: '5', key: '4 8 2 1 5 5 0 9' })).toEqual(expected);
  });

  it('give up when a value is not in the text', () => {
    expect(segmentsFromText('Su clave de firma es: 1 2.', { key: '9 9' })).toBeUndefined();
  });

  it('list the fixed texts to warm', () => {
    expect(fixedTexts(repeat)).toEqual(['Repetimos, su clave de firma es:', 'Es válida durante', 'minutos y solo para esta operación.']);
    expect(hasPlaceholders(repeat)).toBe(true);
    expect(hasPlaceholders('Gracias por llamar. Adiós.')).toBe(false);
  });
});
