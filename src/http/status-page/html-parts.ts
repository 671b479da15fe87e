import type { AffectedComponent, ComponentStatus } from '../../incidents/index.ts';
import { escapeMarkup as esc } from './escape.ts';
import { humanTime, isoTime, languageName } from './format.ts';
import type { Words } from './words.ts';

/** What every piece of the page needs to know besides its data. */
export interface RenderContext {
  language: string;
  words: Words;
  timeZone: string;
}

/** Icons say the same as the colours, for readers who cannot tell the colours apart. */
export const ICON: Record<ComponentStatus, string> = {
  operational: '✓',
  degraded: '!',
  partial_outage: '▲',
  major_outage: '✕',
  under_maintenance: '⚙',
};

/** A time in both forms: words for people, ISO 8601 for machines (and on hover). */
export function time(at: Date, ctx: RenderContext): string {
  const iso = isoTime(at);
  return `<time datetime="${iso}" title="${iso}">${esc(humanTime(at, ctx.language, ctx.timeZone))}</time>`;
}

/** A status in colour, icon and words. */
export function badge(status: ComponentStatus, words: string): string {
  return `<span class="badge s-${status}"><span aria-hidden="true">${ICON[status]}</span> ${esc(words)}</span>`;
}

/** An operator's text, with the visible note when it is shown in the fallback language. */
export function publicText(item: { message: string; workaround: string | null; fallback: string | null }, ctx: RenderContext): string {
  const note = item.fallback ? `<p class="note">${esc(ctx.words.onlyIn(languageName(item.fallback, ctx.language)))}</p>` : '';
  const workaround = item.workaround
    ? `<div class="workaround"><strong>${esc(ctx.words.workaroundLabel)}:</strong> <span class="message">${esc(item.workaround)}</span></div>`
    : '';
  const open = item.fallback ? `<div lang="${esc(item.fallback)}">` : '<div>';
  return `${note}${open}<p class="message">${esc(item.message)}</p>${workaround}</div>`;
}

/** "E-banking (major outage), ATMs (degraded)". */
export function affected(components: (AffectedComponent & { name: string })[], ctx: RenderContext): string {
  if (components.length === 0) return '';
  const list = components.map((c) => `${esc(c.name)} (${esc(ctx.words.impact[c.impact])})`).join(', ');
  return `<p><strong>${esc(ctx.words.affectedLabel)}:</strong> ${list}</p>`;
}

/** The markets concerned; none listed means every market. */
export function markets(list: { id: string; name: string }[], ctx: RenderContext): string {
  const names = list.length === 0 ? ctx.words.allMarkets : list.map((m) => m.name).join(', ');
  return `<p><strong>${esc(ctx.words.marketsLabel)}:</strong> ${esc(names)}</p>`;
}
