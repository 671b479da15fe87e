import type { FlowBundle } from '../flow/index.ts';
import { ClaveError } from '../shared/index.ts';
import type { RenderedPrompt } from './channel.ts';

/**
 * Prompts the line speaks by itself, outside any flow: `lines_busy` to a
 * caller beyond capacity, `technical_problem` when the database fails under
 * a call. Every catalog must have them.
 */
export const LINE_MESSAGES = ['lines_busy', 'technical_problem'] as const;
export type LineMessage = (typeof LINE_MESSAGES)[number];

/**
 * Refuses, at start, a bundle whose catalogs lack a line message: better a
 * line that does not start than one that goes silent when the database fails.
 */
export function checkLineMessages(bundle: FlowBundle): void {
  for (const [language, catalog] of bundle.catalogs) {
    for (const id of LINE_MESSAGES) {
      if (catalog[id] === undefined) {
        throw new ClaveError('INVALID_FLOW', `catalogs/${language}.yaml: ${id}: missing (the line speaks it by itself; see the default catalogs)`, {
          path: id,
          language,
        });
      }
    }
  }
}

/**
 * The languages a caller whose language is not known yet hears, `first`
 * first: every catalog's, as the language menu itself speaks both.
 *
 * @example
 *   lineLanguages(bundle, 'es'); // ['es', 'en']
 */
export function lineLanguages(bundle: FlowBundle, first: string): string[] {
  return [first, ...[...bundle.catalogs.keys()].filter((l) => l !== first)];
}

/**
 * One line message, once per language, each spoken in its own language.
 *
 * @example
 *   lineMessage(bundle, 'lines_busy', ['es', 'en']); // [{ id: 'lines_busy', text: 'Todas nuestras líneas…', language: 'es', … }, …]
 */
export function lineMessage(bundle: FlowBundle, id: LineMessage, languages: readonly string[]): RenderedPrompt[] {
  return languages.flatMap((language) => {
    const text = bundle.catalogs.get(language)?.[id];
    return text === undefined ? [] : [{ id, text, params: {}, language }];
  });
}
