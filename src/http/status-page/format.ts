/**
 * Times and language names in the reader's language. Absolute times only:
 * a rendered page is cached until the view changes, so "5 minutes ago"
 * would go stale while the same bytes are served.
 */

const timeFormats = new Map<string, Intl.DateTimeFormat>();
const languageNames = new Map<string, Intl.DisplayNames>();

/**
 * A time as a reader says it, with its zone.
 *
 * @example
 *   humanTime(new Date('2025-03-12T14:05:00Z'), 'es', 'UTC') // '12 mar 2025, 14:05 UTC'
 */
export function humanTime(at: Date, language: string, timeZone: string): string {
  const key = `${language}\0${timeZone}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short',
    });
    timeFormats.set(key, format);
  }
  return format.format(at);
}

/** ISO 8601 in UTC (RFC 3339 §5.6), for `<time datetime>` and the feed. */
export function isoTime(at: Date): string {
  return at.toISOString();
}

/**
 * A language's name as a reader of `inLanguage` calls it.
 *
 * @example
 *   languageName('en', 'es') // 'inglés'
 *   languageName('es', 'es') // 'español'
 */
export function languageName(code: string, inLanguage: string): string {
  let names = languageNames.get(inLanguage);
  if (!names) {
    names = new Intl.DisplayNames([inLanguage], { type: 'language', fallback: 'code' });
    languageNames.set(inLanguage, names);
  }
  return names.of(code) ?? code;
}

/** A language's own name, capitalised for a switch ("Español", "English"). */
export function autonym(code: string): string {
  const name = languageName(code, code);
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
}
