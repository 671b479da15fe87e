import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ClaveError } from '../shared/index.ts';
import type { StatusConfig } from './types.ts';

export const DEFAULT_STATUS_CONFIG_PATH = fileURLToPath(new URL('./defaults/status.yaml', import.meta.url));

const Language = z.string().regex(/^[a-z]{2,3}$/, 'a language code such as "es"');
const Names = z.record(Language, z.string().trim().min(1).max(80));
const Line = z.string().regex(/^\+?[0-9]{3,15}$/, 'a dialed number (digits, optional leading +)');

const Schema = z
  .strictObject({
    languages: z.array(Language).min(1),
    timeZone: z.string().optional(),
    markets: z.array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, - or _ (at most 16)'),
        name: Names,
        callingCodes: z.array(z.string().regex(/^[1-9][0-9]{0,2}$/, 'an E.164 country calling code such as "34"')).min(1),
      }),
    ),
    components: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and - (at most 40)'),
          name: Names,
          lines: z.array(Line).min(1).optional(),
        }),
      )
      .min(1),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (new Set(c.languages).size !== c.languages.length) issue(['languages'], 'each language once');
    if (c.timeZone !== undefined && !validTimeZone(c.timeZone)) issue(['timeZone'], `unknown IANA time zone "${c.timeZone}"`);
    const lists = [['markets', c.markets], ['components', c.components]] as const;
    for (const [key, list] of lists) {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.id)) issue([key, i, 'id'], `duplicate id "${item.id}"`);
        seen.add(item.id);
        for (const lang of c.languages) if (!(lang in item.name)) issue([key, i, 'name', lang], `missing (every configured language needs a name)`);
      });
    }
    const codes = new Map<string, string>();
    c.markets.forEach((m, i) => {
      for (const code of m.callingCodes) {
        const other = codes.get(code);
        if (other !== undefined) issue(['markets', i, 'callingCodes'], `calling code ${code} is also market ${other}'s`);
        codes.set(code, m.id);
      }
    });
  });

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a parsed status configuration; `source` names it in errors, which
 * carry the path of the first bad field ("components.2.name.en: missing …").
 *
 * @example
 *   parseStatusConfig({ languages: ['es'], markets: [], components: [{ id: 'atm', name: { es: 'Cajeros' } }] }, 'inline');
 */
export function parseStatusConfig(raw: unknown, source: string): StatusConfig {
  const parsed = Schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.join('.') || '(root)';
    throw new ClaveError('INVALID_CONFIG', `${source}: ${field}: ${first?.message ?? 'invalid'}`, { file: source, field });
  }
  const c = parsed.data;
  return {
    languages: c.languages,
    timeZone: c.timeZone ?? 'Europe/Madrid',
    markets: c.markets,
    components: c.components.map((comp) => (comp.lines ? comp : { id: comp.id, name: comp.name })),
  };
}

function parseText(text: string, source: string): StatusConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ClaveError('INVALID_CONFIG', `${source}: not valid YAML: ${(err as Error).message}`, { file: source });
  }
  return parseStatusConfig(raw, source);
}

/**
 * Reads and checks a status.yaml (components, markets, languages); without a
 * path, the default one shipped in src/incidents/defaults/.
 *
 * @example
 *   const config = await loadStatusConfig('/etc/clave/status.yaml');
 *   config.languages; // ['es', 'en']
 */
export async function loadStatusConfig(path: string = DEFAULT_STATUS_CONFIG_PATH): Promise<StatusConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ClaveError('INVALID_CONFIG', `${path}: cannot read: ${(err as Error).message}`, { file: path });
  }
  return parseText(text, path);
}

/** The shipped configuration, read once when this module loads (a small file next to this one). */
export const DEFAULT_STATUS_CONFIG: Readonly<StatusConfig> = parseText(readFileSync(DEFAULT_STATUS_CONFIG_PATH, 'utf8'), DEFAULT_STATUS_CONFIG_PATH);
