import { mask } from '../shared/index.ts';
import type { PromptRef } from './schema.ts';
import type { FlowBundle, PlayedPrompt, Snapshot } from './types.ts';

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;

/** Formats a parameter value for speech: `digits` spaces out digits, so "4821" is read "4 8 2 1". */
const FILTERS: Record<string, (v: string) => string> = {
  digits: (v) => v.replace(/\D/g, '').split('').join(' '),
};

export function promptId(ref: PromptRef): string {
  return typeof ref === 'string' ? ref : ref.id;
}

/** Placeholders a catalog text expects, e.g. ["amount", "payee"]. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Resolves prompt references against the call's language catalog and
 * variables. Secret parameters are filled in `text` (what the caller hears)
 * and masked in `maskedText` (what records keep).
 *
 * @example
 *   renderPrompts(bundle, 'en', [{ id: 'signing_key', params: { key: '$secret.key|digits' } }], snapshot)
 *   // [{ id: 'signing_key', text: 'Your key is 4 8 2 1…', maskedText: 'Your key is *******…', … }]
 */
export function renderPrompts(bundle: FlowBundle, language: string, refs: readonly PromptRef[], s: Snapshot): PlayedPrompt[] {
  const catalog = bundle.catalogs.get(language) ?? bundle.catalogs.get(bundle.defaultLanguage);
  if (!catalog) throw new Error(`no prompt catalog for ${language} nor ${bundle.defaultLanguage}`);
  return refs.map((ref) => {
    const id = promptId(ref);
    const template = catalog[id];
    if (template === undefined) throw new Error(`prompt ${id} missing from catalog ${language}`);
    const params: Record<string, string> = {};
    const maskedParams: Record<string, string> = {};
    for (const [name, spec] of Object.entries(typeof ref === 'string' ? {} : (ref.params ?? {}))) {
      const { value, secret } = resolveParam(spec, s);
      params[name] = value;
      maskedParams[name] = secret ? mask(value.replace(/\s/g, '')) : value;
    }
    const fill = (p: Record<string, string>) => template.replace(PLACEHOLDER, (_, name: string) => p[name] ?? '');
    return { id, text: fill(params), params, maskedText: fill(maskedParams), maskedParams };
  });
}

function resolveParam(spec: string, s: Snapshot): { value: string; secret: boolean } {
  if (!spec.startsWith('$')) return { value: spec, secret: false };
  const [path = '', filter] = spec.slice(1).split('|');
  const format = filter ? FILTERS[filter] : undefined;
  if (filter && !format) throw new Error(`unknown prompt filter ${filter}`);
  if (path.startsWith('secret.')) {
    const secret = s.secrets[path.slice('secret.'.length)];
    if (!secret) throw new Error(`secret ${path} is not set`);
    const raw = secret.reveal();
    return { value: format ? format(raw) : raw, secret: true };
  }
  const raw = s.vars[path];
  if (raw === undefined) throw new Error(`variable ${path} is not set`);
  return { value: format ? format(raw) : raw, secret: false };
}

export function knownFilter(name: string): boolean {
  return name in FILTERS;
}
