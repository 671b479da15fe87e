/**
 * Escaping for the page and the feed. Incident texts are operators' plain
 * text (never HTML): every character that means something in markup is
 * escaped, and characters XML 1.0 forbids are dropped, so a pasted control
 * character cannot make the feed unparseable for every subscriber.
 */

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the `u` flag a lone surrogate is one code point outside every range: dropped too.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Drops the characters XML 1.0 (and so HTML's parser, as errors) does not allow. */
export function cleanText(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/**
 * Text made safe for an HTML or XML text node or a quoted attribute value.
 *
 * @example
 *   escapeMarkup('<script>"x" & y') // '&lt;script&gt;&quot;x&quot; &amp; y'
 */
export function escapeMarkup(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
