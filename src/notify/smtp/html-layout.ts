/** The words of the HTML frame around a message, per language. */
interface HtmlLayoutWords {
  /** Says the mail is automated and not to reply. */
  footer: string;
}

const EN: HtmlLayoutWords = {
  footer: "This is an automated message from your bank's phone line. Please do not reply to it.",
};

/** Languages by primary subtag; others fall back to English, like the text templates. */
const LAYOUTS: Readonly<Record<string, HtmlLayoutWords>> = {
  en: EN,
  es: {
    footer: 'Este es un mensaje automático de la línea telefónica de tu banco. Por favor, no respondas a este correo.',
  },
};

const FALLBACK = 'en';

// BCP 47 (RFC 5646 §2.1) in its common shape; anything else is not put in a header or attribute.
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** The language tag to announce: the message's own when well formed, else the fallback. */
export function languageTag(language: string): string {
  return LANGUAGE_TAG.test(language) ? language : FALLBACK;
}

/**
 * The HTML part of an e-mail: the rendered text (already in the customer's
 * language) as escaped paragraphs, plus a footer in that language. No remote
 * images, no scripts, no CSS beyond inline basics: it must read the same in
 * every mail client and in a text-only view. A footer in the fallback
 * language carries its own `lang` so screen readers switch voice.
 *
 * @example
 *   renderHtmlBody('Hola, Ana:\n\nTu usuario es ana.', 'es')
 *   // '<!DOCTYPE html>\n<html lang="es">…<p>Hola, Ana:</p>\n<p>Tu usuario es ana.</p>…'
 */
export function renderHtmlBody(text: string, language: string): string {
  const tag = languageTag(language);
  const primary = tag.split('-')[0]?.toLowerCase() ?? FALLBACK;
  const own = Object.hasOwn(LAYOUTS, primary) ? LAYOUTS[primary] : undefined;
  const layoutLanguage = own === undefined ? FALLBACK : primary;
  const words = own ?? EN;
  const footerLang = layoutLanguage === primary ? '' : ` lang="${layoutLanguage}"`;
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`);
  return [
    '<!DOCTYPE html>',
    `<html lang="${tag}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '</head>',
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222222;">',
    ...paragraphs,
    '<hr style="border: none; border-top: 1px solid #cccccc;">',
    `<p${footerLang} style="font-size: 12px; color: #666666;">${escapeHtml(words.footer)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
