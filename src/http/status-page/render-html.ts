import type { StatusView } from '../../incidents/index.ts';
import { escapeMarkup as esc } from './escape.ts';
import { autonym } from './format.ts';
import { time } from './html-parts.ts';
import { activeHtml, bannerHtml, gridHtml, historyHtml, maintenanceHtml } from './html-sections.ts';
import { STYLE } from './style.ts';
import { wordsFor } from './words.ts';

export interface PageOptions {
  /** Every language the page is offered in (the switch). */
  languages: readonly string[];
  /** The page's heading, per language (plain text). */
  title?: Record<string, string> | undefined;
  /** The zone human times are written in (IANA name). */
  timeZone: string;
}

/**
 * The whole status page as one HTML document: no script, no external
 * resource, links only (the language switch, the feed, the JSON).
 *
 * @example
 *   const html = renderHtml(await incidents.statusView('es'), { languages: ['es', 'en'], timeZone: 'Europe/Madrid' });
 */
export function renderHtml(view: StatusView, options: PageOptions): string {
  const language = view.language;
  const words = wordsFor(language);
  const ctx = { language, words, timeZone: options.timeZone };
  const title = options.title?.[language] ?? words.title;
  const lang = esc(language);
  const switcher = options.languages
    .map((l) => {
      const current = l === language ? ' aria-current="true"' : '';
      return `<li><a href="?lang=${encodeURIComponent(l)}" hreflang="${esc(l)}" lang="${esc(l)}"${current}>${esc(autonym(l))}</a></li>`;
    })
    .join('');
  const alternates = options.languages
    .filter((l) => l !== language)
    .map((l) => `<link rel="alternate" hreflang="${esc(l)}" href="?lang=${encodeURIComponent(l)}">`)
    .join('');
  return [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<link rel="alternate" type="application/atom+xml" href="status.atom?lang=${encodeURIComponent(language)}">`,
    `<link rel="alternate" type="application/json" href="status.json?lang=${encodeURIComponent(language)}">`,
    alternates,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><nav aria-label="${esc(words.languageNav)}"><ul>${switcher}</ul></nav></header>`,
    '<main>',
    bannerHtml(view, ctx),
    activeHtml(view, ctx),
    gridHtml(view, ctx),
    maintenanceHtml(view, ctx),
    historyHtml(view, ctx),
    '</main>',
    `<footer><p>${esc(words.generated)} ${time(view.generatedAt, ctx)}. ${esc(words.feeds)} `,
    `<a href="status.atom?lang=${encodeURIComponent(language)}">Atom</a> · <a href="status.json?lang=${encodeURIComponent(language)}">JSON</a></p></footer>`,
    '</body></html>',
  ].join('');
}
