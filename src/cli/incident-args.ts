import { readFile } from 'node:fs/promises';

/** Bad usage: the command prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type TextField = 'title' | 'message' | 'workaround';
export type TextFlags = Record<string, Partial<Record<TextField, string>>>;

const TEXT_FLAG = /^--([a-z]{2,3})-(title|message|workaround)(?:=([\s\S]*))?$/;

/**
 * Takes the per-language text flags out of `args` (`--es-title T`,
 * `--en-message=M`, any language code), since parseArgs only knows options
 * declared in advance and languages are the server's configuration.
 *
 * @example
 *   extractTextFlags(['--es-title', 'Caída', 'ID']); // { text: { es: { title: 'Caída' } }, rest: ['ID'] }
 */
export function extractTextFlags(args: string[]): { text: TextFlags; rest: string[] } {
  const text: TextFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const m = TEXT_FLAG.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const [, lang = '', field = 'title', inline] = m;
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    (text[lang] ??= {})[field as TextField] = value;
  }
  return { text, rest };
}

/** "ebanking=major_outage" → { component, impact }. */
export function parseComponents(values: string[] | undefined): { component: string; impact: string }[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.map((v) => {
    const [component, impact, extra] = v.split('=');
    if (!component || !impact || extra !== undefined) throw new UsageError(`--component takes ID=IMPACT (e.g. ebanking=major_outage), not "${v}"`);
    return { component, impact };
  });
}

const RELATIVE = /^\+(\d+)([mhd])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time with offset, or "+30m" / "+2h" / "+1d" from now, as the ISO string the API takes. */
export function parseWhen(flag: string, value: string | undefined, now: number): string | undefined {
  if (value === undefined) return undefined;
  const rel = RELATIVE.exec(value);
  if (rel) return new Date(now + Number(rel[1]) * (UNIT_MS[rel[2] ?? 'm'] ?? 0)).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(`${flag} takes an ISO 8601 time with offset (2026-03-02T14:30:00+01:00) or +30m, +2h, +1d; not "${value}"`);
  }
  return new Date(value).toISOString();
}

const WEEKDAYS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'];

/** "mo,th" → [1, 4] (UTC weekdays, 0 = Sunday). */
export function parseWeekdays(value: string): number[] {
  return value.split(',').map((d) => {
    const i = WEEKDAYS.indexOf(d.trim().toLowerCase().slice(0, 2));
    if (i < 0) throw new UsageError(`--weekly takes weekdays like mo,th; not "${value}"`);
    return i;
  });
}

/** A JSON request body from --file, which flags then complete or override. */
export async function readBodyFile(path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--file ${path}: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`--file ${path}: expected a JSON object`);
  return raw as Record<string, unknown>;
}

/** Text from the file, with flags merged in per language and field. */
export function mergeText(fromFile: unknown, flags: TextFlags): Record<string, Record<string, string>> | undefined {
  const base = (fromFile && typeof fromFile === 'object' ? fromFile : {}) as Record<string, Record<string, string>>;
  const merged: Record<string, Record<string, string>> = { ...base };
  for (const [lang, fields] of Object.entries(flags)) merged[lang] = { ...(base[lang] ?? {}), ...(fields as Record<string, string>) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Drops undefined values, so a flag not given never overrides the file. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
