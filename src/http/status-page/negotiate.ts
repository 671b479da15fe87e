/**
 * Which configured language a request gets: `?lang=` first, then
 * Accept-Language, then the first configured language.
 */

/** Ranges read from one header: a browser sends a handful; a hostile client should not cost more. */
const MAX_RANGES = 32;

interface Range {
  tag: string;
  q: number;
  order: number;
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

function parseAcceptLanguage(header: string): Range[] {
  const ranges: Range[] = [];
  for (const [order, part] of header.split(',').slice(0, MAX_RANGES).entries()) {
    const [rawTag, ...params] = part.split(';');
    const tag = rawTag?.trim().toLowerCase() ?? '';
    if (!/^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/.test(tag)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'q') continue;
      if (value === undefined || !QVALUE.test(value)) valid = false;
      else q = Number(value);
    }
    if (valid) ranges.push({ tag, q, order });
  }
  // Highest q first; equal q keeps the client's order.
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order);
}

/** RFC 4647 §3.3.1 (a range matches a longer tag) and §3.4 (a longer range falls back to its prefix). */
function matches(range: string, language: string): boolean {
  const lang = language.toLowerCase();
  return range === lang || range.startsWith(`${lang}-`) || lang.startsWith(`${range}-`);
}

/**
 * The language to answer in.
 *
 * @example
 *   pickLanguage(undefined, 'en-GB,en;q=0.9,es;q=0.8', ['es', 'en']) // 'en'
 *   pickLanguage('es', 'en', ['es', 'en'])                           // 'es'
 *   pickLanguage(undefined, 'fr', ['es', 'en'])                      // 'es'
 */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined, languages: readonly string[]): string {
  const fallback = languages[0];
  if (fallback === undefined) throw new TypeError('the status page needs at least one language');
  if (typeof query === 'string') {
    const asked = languages.find((l) => l.toLowerCase() === query.toLowerCase());
    if (asked) return asked;
  }
  if (!acceptLanguage) return fallback;
  const ranges = parseAcceptLanguage(acceptLanguage);
  // RFC 9110 §12.4.2: "a value of 0 means not acceptable".
  const refused = new Set(languages.filter((l) => ranges.some((r) => r.q === 0 && r.tag !== '*' && matches(r.tag, l))));
  for (const range of ranges) {
    if (range.q === 0) continue;
    const found = range.tag === '*' ? languages.find((l) => !refused.has(l)) : languages.find((l) => matches(range.tag, l));
    if (found !== undefined) return found;
  }
  return fallback;
}
