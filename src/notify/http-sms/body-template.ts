import { ClaveError } from '../../shared/index.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a body template may name. */
export const PLACEHOLDERS = ['to', 'text', 'id', 'from', 'validitySeconds', 'callbackUrl'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string | number | null>;

const PLACEHOLDER = /\{\{([A-Za-z]+)\}\}/g;

/**
 * Fills a provider's body template. Substitution happens in the parsed
 * structure, leaf by leaf, and the result is serialized afterwards: a text with
 * quotes, backslashes or newlines can never break out of its string. A leaf
 * that is exactly one placeholder takes the value's own type (so
 * `"{{validitySeconds}}"` becomes a number, or null when unknown); inside a
 * longer string a value is written as text (null as nothing). Keys are never
 * substituted.
 *
 * @example
 *   fillBodyTemplate({ to: '{{to}}', ttl: '{{validitySeconds}}' }, { ...values, to: '+34600000001', validitySeconds: 900 })
 *   // { to: '+34600000001', ttl: 900 }
 */
export function fillBodyTemplate(template: JsonValue, values: PlaceholderValues): JsonValue {
  if (typeof template === 'string') {
    const whole = /^\{\{([A-Za-z]+)\}\}$/.exec(template);
    if (whole) return valueOf(whole[1] ?? '', values);
    return template.replace(PLACEHOLDER, (_m, name: string) => {
      const v = valueOf(name, values);
      return v === null ? '' : String(v);
    });
  }
  if (Array.isArray(template)) return template.map((t) => fillBodyTemplate(t, values));
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [key, t] of Object.entries(template)) out[key] = fillBodyTemplate(t, values);
    return out;
  }
  return template;
}

/** Every placeholder the template's string leaves name, in order of first use. */
export function placeholdersOf(template: JsonValue): string[] {
  const found = new Set<string>();
  const walk = (t: JsonValue): void => {
    if (typeof t === 'string') for (const m of t.matchAll(PLACEHOLDER)) found.add(m[1] ?? '');
    else if (Array.isArray(t)) t.forEach(walk);
    else if (typeof t === 'object' && t !== null) Object.values(t).forEach(walk);
  };
  walk(template);
  return [...found];
}

/**
 * Checks a template against the configuration when the channel is built, so
 * a typo fails at startup and not on a customer's message: every placeholder
 * known, `{{text}}` and `{{to}}` present, `{{from}}` and `{{callbackUrl}}` only
 * with a value configured, and a flat object for form encoding.
 */
export function checkBodyTemplate(template: JsonValue, config: { from?: string; callbackUrl?: string; bodyEncoding: 'json' | 'form' }): void {
  const names = placeholdersOf(template);
  const unknown = names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
  const fail = (reason: string) => new ClaveError('INVALID_CONFIG', `SMS HTTP bodyTemplate: ${reason}`, { option: 'bodyTemplate' });
  if (unknown.length > 0) throw fail(`unknown placeholder(s) ${unknown.map((n) => `{{${n}}}`).join(', ')} (known: ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')})`);
  for (const needed of ['to', 'text']) if (!names.includes(needed)) throw fail(`{{${needed}}} is missing`);
  if (names.includes('from') && config.from === undefined) throw fail('{{from}} is used but no "from" is configured');
  if (names.includes('callbackUrl') && config.callbackUrl === undefined) throw fail('{{callbackUrl}} is used but no "callbackUrl" is configured');
  if (config.bodyEncoding === 'form') {
    const flat = typeof template === 'object' && template !== null && !Array.isArray(template) && Object.values(template).every((v) => typeof v !== 'object' || v === null);
    if (!flat) throw fail('form encoding needs a flat object of fields');
  }
}

function valueOf(name: string, values: PlaceholderValues): string | number | null {
  if (!Object.hasOwn(values, name)) throw new ClaveError('INVALID_CONFIG', `SMS HTTP bodyTemplate: unknown placeholder {{${name}}}`);
  return values[name as Placeholder];
}
