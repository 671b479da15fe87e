import { createHash } from 'node:crypto';

/**
 * A strong entity tag for one rendering: the view's version, the language
 * and the representation. Hashed, because `version` is the incidents
 * context's string and an ETag allows only a few characters (RFC 9110 §8.8.3).
 *
 * @example
 *   entityTag('v42', 'es', 'html') // '"html-es-3q2…"'
 */
export function entityTag(version: string, language: string, representation: string): string {
  const digest = createHash('sha256').update(`${version}\0${language}\0${representation}`).digest('base64url').slice(0, 22);
  const label = `${representation}-${language}`.replace(/[^A-Za-z0-9-]/g, '');
  return `"${label}-${digest}"`;
}

/**
 * Whether If-None-Match names `etag` (or is "*"): then a GET gets 304.
 * RFC 9110 §13.1.2: "A recipient MUST use the weak comparison function when
 * comparing entity tags for If-None-Match", so a W/ prefix is ignored.
 *
 * @example
 *   ifNoneMatchHits('W/"a", "b"', '"a"') // true
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  for (const match of header.matchAll(/(?:W\/)?("[^"]*")/g)) {
    if (match[1] === etag) return true;
  }
  return false;
}
