import { FALLBACK_LANGUAGE } from '../../notify/index.ts';

/**
 * The few words the subscribers context adds around an operator's texts, per
 * language of the notify catalogs (a test keeps the two sets equal), picked
 * by the same rule as the templates so a message never mixes languages.
 */
interface Phrases {
  /** Put before an incident's workaround. */
  workaround: string;
}

export const PHRASES: Readonly<Record<string, Phrases>> = {
  en: { workaround: 'Meanwhile:' },
  es: { workaround: 'Mientras tanto:' },
};

/** @example phrasesFor('es-ES').workaround // 'Mientras tanto:' */
export function phrasesFor(language: string): Phrases {
  const primary = language.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (Object.hasOwn(PHRASES, primary) ? PHRASES[primary] : undefined) ?? (PHRASES[FALLBACK_LANGUAGE] as Phrases);
}
