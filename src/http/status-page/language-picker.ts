import { pickLanguage } from './negotiate.ts';

/** Distinct Accept-Language values remembered; browsers send few, and a flood of odd ones only empties it. */
const REMEMBERED = 512;

/**
 * pickLanguage with a memory of the headers seen: under load the same few
 * Accept-Language values come again and again.
 *
 * @example
 *   const picker = new LanguagePicker(['es', 'en']);
 *   picker.pick(undefined, 'en-GB,en;q=0.9') // 'en'
 */
export class LanguagePicker {
  readonly #languages: readonly string[];
  #seen = new Map<string, string>();

  constructor(languages: readonly string[]) {
    if (languages.length === 0) throw new TypeError('the status page needs at least one language');
    this.#languages = languages;
  }

  pick(query: unknown, acceptLanguage: string | undefined): string {
    if (typeof query === 'string' || acceptLanguage === undefined) return pickLanguage(query, acceptLanguage, this.#languages);
    let language = this.#seen.get(acceptLanguage);
    if (language === undefined) {
      language = pickLanguage(undefined, acceptLanguage, this.#languages);
      if (this.#seen.size >= REMEMBERED) this.#seen.clear();
      this.#seen.set(acceptLanguage, language);
    }
    return language;
  }
}
