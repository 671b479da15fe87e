/**
 * Placeholder rendering in two stages, so a message can be stored without
 * its secret: `fillParams` fills the `{param}` placeholders and keeps the
 * `{secret}` slot; `fillSecret` (at delivery, in memory only) or
 * `maskSecret` (for display) fills the slot. `{{` and `}}` stand for literal
 * braces, and braces inside parameter values are escaped the same way, so a
 * value such as "{secret}" can never turn into the secret.
 */
const TOKEN = /\{\{|\}\}|\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export const SECRET_SLOT = 'secret';

/** What list() shows instead of a secret: fixed length, so the secret's length is not shown either. */
export const SECRET_MASK = '********';

/**
 * The placeholder names a template text uses, in order of first use.
 *
 * @example placeholdersOf('Hi {name}, code {secret}') // ['name', 'secret']
 */
export function placeholdersOf(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(TOKEN)) if (m[1] !== undefined) names.add(m[1]);
  return [...names];
}

/**
 * Fills the parameters, keeping the secret slot. Returns the stored form and
 * the names of missing parameters (the caller decides how to fail).
 *
 * @example fillParams('Hi {name}: {secret}', { name: 'Ana' }) // { text: 'Hi Ana: {secret}', missing: [] }
 */
export function fillParams(text: string, params: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(TOKEN, (token, name: string | undefined) => {
    if (name === undefined || name === SECRET_SLOT) return token;
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (typeof value !== 'string') {
      missing.push(name);
      return token;
    }
    return value.replaceAll('{', '{{').replaceAll('}', '}}');
  });
  return { text: out, missing };
}

/** The final text with the secret in clear. Keep the result in memory only. */
export function fillSecret(stored: string, secret: string | null): string {
  return stored.replace(TOKEN, (token, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (name === SECRET_SLOT && secret !== null) return secret;
    return token;
  });
}

/** The final text with the secret masked, for lists and logs. */
export function maskSecret(stored: string): string {
  return fillSecret(stored, SECRET_MASK);
}
