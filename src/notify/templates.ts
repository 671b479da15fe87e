import { ClaveError } from '../shared/index.ts';
import type { OutboxChannel } from './types.ts';
import { TEMPLATE_SPECS, isTemplateId, type PartialLanguageCatalog, type TemplateId, type TemplateSpec } from './templates/catalog.ts';
import { en } from './templates/en.ts';
import { es } from './templates/es.ts';
import { fillParams, fillSecret } from './render.ts';

export const FALLBACK_LANGUAGE = 'en';

/** Languages by primary subtag. Adding a language = adding its file and one line here. */
export const LANGUAGES: Readonly<Record<string, PartialLanguageCatalog>> = { en, es };

export interface RenderedTemplate {
  template: TemplateId;
  channel: OutboxChannel;
  /** The language actually used: the requested one, or English when it has no such template. */
  language: string;
  subject: string | null;
  /** Parameters filled, `{secret}` slot kept (see render.ts): safe to store. */
  body: string;
  hasSecret: boolean;
}

/**
 * Picks the template text for a language and fills its parameters. Unknown
 * template ids and missing parameters are configuration errors, raised when
 * the message is enqueued, not when a worker later tries to send it.
 *
 * @example
 *   renderTemplate('password_changed', 'es-ES', { username: 'ana' }).language // 'es'
 *   renderTemplate('password_changed', 'fr', { username: 'ana' }).language    // 'en'
 */
export function renderTemplate(
  template: string,
  language: string,
  params: Readonly<Record<string, string>>,
  languages: Readonly<Record<string, PartialLanguageCatalog>> = LANGUAGES,
): RenderedTemplate {
  if (!isTemplateId(template)) {
    throw new ClaveError('INVALID_CONFIG', `Unknown message template '${template}'`, { template });
  }
  const spec: TemplateSpec = TEMPLATE_SPECS[template];
  const { language: used, text } = pickText(template, language, languages);
  const filled = fillParams(text.text, params);
  const subject = text.subject === undefined ? null : fillParams(text.subject, params);
  const declaredMissing = spec.params.filter((p) => typeof params[p] !== 'string');
  const missing = [...new Set([...declaredMissing, ...filled.missing, ...(subject?.missing ?? [])])];
  if (missing.length > 0) {
    throw new ClaveError('INVALID_CONFIG', `Message template '${template}' needs parameter(s) ${missing.join(', ')}`, {
      template,
      missing,
    });
  }
  return {
    template,
    channel: spec.channel,
    language: used,
    // A subject never has a secret slot (a test checks every language), so it is final here.
    subject: subject === null ? null : fillSecret(subject.text, null),
    body: filled.text,
    hasSecret: spec.secret,
  };
}

function pickText(template: TemplateId, language: string, languages: Readonly<Record<string, PartialLanguageCatalog>>) {
  // BCP 47: the primary language subtag decides ("es-ES", "es_MX" -> "es").
  const primary = language.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const own = Object.hasOwn(languages, primary) ? languages[primary]?.[template] : undefined;
  if (own) return { language: primary, text: own };
  return { language: FALLBACK_LANGUAGE, text: en[template] };
}
