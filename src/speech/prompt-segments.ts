/** One piece of a prompt as it is spoken. */
export type Segment =
  /** Catalog text between parameters; `index` counts fixed pieces from 1. */
  | { kind: 'fixed'; text: string; index: number }
  /** A digit string ("4 8 2 1" as the flow's `digits` filter writes it): read digit by digit. */
  | { kind: 'digits'; digits: string }
  /** Any other parameter value (an amount, a payee): synthesized as text. */
  | { kind: 'value'; text: string };

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;
const SPACED_DIGITS = /^\d(\s+\d)*$/;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * Splits a catalog template into what is spoken, filling parameters.
 *
 * @example
 *   segmentsFromTemplate('Su clave de firma es: {key}.', { key: '4 8 2 1' })
 *   // [{ kind: 'fixed', text: 'Su clave de firma es:', index: 1 }, { kind: 'digits', digits: '4821' }]
 */
export function segmentsFromTemplate(template: string, params: Readonly<Record<string, string>>): Segment[] {
  const pieces: ({ fixed: string } | { value: string })[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    pieces.push({ fixed: template.slice(at, m.index) }, { value: params[m[1] as string] ?? '' });
    at = m.index + m[0].length;
  }
  pieces.push({ fixed: template.slice(at) });
  return build(pieces);
}

/**
 * The same split without the template: finds the parameter values in the
 * rendered text, longest first so a short value ("5") is not found inside a
 * longer one ("4 8 2 1 5 5 0 9"). Undefined when a value cannot be placed.
 *
 * @example
 *   segmentsFromText('Su clave de firma es: 4 8 2 1.', { key: '4 8 2 1' })
 *   // [{ kind: 'fixed', text: 'Su clave de firma es:', index: 1 }, { kind: 'digits', digits: '4821' }]
 */
export function segmentsFromText(text: string, params: Readonly<Record<string, string>>): Segment[] | undefined {
  const taken: { from: number; to: number }[] = [];
  const values = Object.values(params).filter((v) => v.trim() !== '').sort((a, b) => b.length - a.length);
  for (const value of values) {
    let from = text.indexOf(value);
    while (from >= 0 && taken.some((t) => from < t.to && from + value.length > t.from)) from = text.indexOf(value, from + 1);
    if (from < 0) return undefined;
    taken.push({ from, to: from + value.length });
  }
  taken.sort((a, b) => a.from - b.from);
  const pieces: ({ fixed: string } | { value: string })[] = [];
  let at = 0;
  for (const t of taken) {
    pieces.push({ fixed: text.slice(at, t.from) }, { value: text.slice(t.from, t.to) });
    at = t.to;
  }
  pieces.push({ fixed: text.slice(at) });
  return build(pieces);
}

export function hasPlaceholders(template: string): boolean {
  return template.match(PLACEHOLDER) !== null;
}

/** The fixed texts of a template, to synthesize ahead of calls. */
export function fixedTexts(template: string): string[] {
  return segmentsFromTemplate(template, {}).flatMap((s) => (s.kind === 'fixed' ? [s.text] : []));
}

function build(pieces: readonly ({ fixed: string } | { value: string })[]): Segment[] {
  const out: Segment[] = [];
  let index = 0;
  for (const piece of pieces) {
    if ('fixed' in piece) {
      // Punctuation left between two parameters, or after the last, has nothing to say.
      const text = piece.fixed.trim().replace(/^[.,;:]+\s*/, '');
      if (SPEAKABLE.test(text)) out.push({ kind: 'fixed', text, index: ++index });
    } else {
      const value = piece.value.trim();
      if (SPACED_DIGITS.test(value)) out.push({ kind: 'digits', digits: value.replace(/\s/g, '') });
      else if (SPEAKABLE.test(value)) out.push({ kind: 'value', text: value });
    }
  }
  return out;
}
