import type { PublicIncident, PublicMaintenance, StatusView } from '../../incidents/index.ts';
import { escapeMarkup as esc } from './escape.ts';
import { humanTime, isoTime, languageName } from './format.ts';
import { nameUuid } from './name-uuid.ts';
import { isNotCyberattack, wordsFor, type Words } from './words.ts';

export interface FeedOptions {
  title?: Record<string, string> | undefined;
  timeZone: string;
  /** The page's public address; without it the feed's links are relative to the feed's own URL. */
  publicUrl?: string | undefined;
}

interface Entry {
  id: string;
  title: string;
  updated: Date;
  published: Date;
  anchor: string;
  category: { term: string; label: string };
  summary: string;
  content: string;
  language: string;
}

function link(ref: string, publicUrl: string | undefined): string {
  return esc(publicUrl ? new URL(ref, publicUrl).href : ref);
}

function stamp(at: Date, language: string, timeZone: string): string {
  return `${isoTime(at)} (${humanTime(at, language, timeZone)})`;
}

function fallbackLine(fallback: string | null, language: string, words: Words): string[] {
  return fallback ? [words.onlyIn(languageName(fallback, language))] : [];
}

function incidentEntry(i: PublicIncident, language: string, words: Words, timeZone: string): Entry {
  const updated = new Date(Math.max(i.publishedAt.getTime(), i.resolvedAt?.getTime() ?? 0, ...i.timeline.map((u) => u.at.getTime())));
  const updates = [...i.timeline].sort((a, b) => b.at.getTime() - a.at.getTime()).map((u) => `${stamp(u.at, language, timeZone)} — ${words.incident[u.status]}${u.message ? `\n${u.message}` : ''}`);
  const lines = [
    `${words.incident[i.status]}.`,
    ...fallbackLine(i.fallback, language, words),
    i.message,
    ...(i.workaround ? [`${words.workaroundLabel}: ${i.workaround}`] : []),
    `${words.causeLabel}: ${words.cause[i.cause]}.${isNotCyberattack(i.cause) ? ` ${words.notCyberattack}` : ''}`,
    `${words.affectedLabel}: ${i.components.map((c) => `${c.name} (${words.impact[c.impact]})`).join(', ')}`,
    `${words.marketsLabel}: ${i.markets.length ? i.markets.map((m) => m.name).join(', ') : words.allMarkets}`,
    ...(i.nextUpdateAt && i.status !== 'resolved' ? [`${words.nextUpdateLabel}: ${stamp(i.nextUpdateAt, language, timeZone)}`] : []),
    '',
    `${words.timelineLabel}:`,
    updates.join('\n\n'),
  ];
  return {
    id: nameUuid(`incident:${i.id}:${language}`), title: i.title, updated, published: i.publishedAt, anchor: `incident-${i.id}`,
    category: { term: i.cause, label: words.cause[i.cause] }, summary: i.message, content: lines.join('\n'), language: i.fallback ?? language,
  };
}

/** A window's last change: its start once running, its end once over; before that, when the view was made. */
function maintenanceEntry(m: PublicMaintenance, language: string, words: Words, view: StatusView, timeZone: string): Entry {
  const updated = m.state === 'in_progress' ? m.startsAt : m.state === 'completed' || m.state === 'overrun' ? m.endsAt : view.generatedAt;
  const lines = [
    `${words.maintenanceState[m.state]}. ${words.fromTo(stamp(m.startsAt, language, timeZone), stamp(m.endsAt, language, timeZone))}`,
    ...fallbackLine(m.fallback, language, words),
    m.message,
    ...(m.workaround ? [`${words.workaroundLabel}: ${m.workaround}`] : []),
    `${words.affectedLabel}: ${m.components.map((c) => `${c.name} (${words.impact[c.impact]})`).join(', ')}`,
    `${words.marketsLabel}: ${m.markets.length ? m.markets.map((x) => x.name).join(', ') : words.allMarkets}`,
  ];
  return {
    id: nameUuid(`maintenance:${m.id}:${language}`), title: m.title, updated, published: m.startsAt < updated ? m.startsAt : updated, anchor: `maintenance-${m.id}`,
    category: { term: 'maintenance', label: words.maintenanceHeading }, summary: m.message, content: lines.join('\n'), language: m.fallback ?? language,
  };
}

function entryXml(e: Entry, page: string, publicUrl: string | undefined): string {
  return [
    `<entry xml:lang="${esc(e.language)}">`,
    `<id>${e.id}</id>`,
    `<title type="text">${esc(e.title)}</title>`,
    `<updated>${isoTime(e.updated)}</updated>`,
    `<published>${isoTime(e.published)}</published>`,
    `<link rel="alternate" type="text/html" href="${link(`${page}#${encodeURIComponent(e.anchor)}`, publicUrl)}"/>`,
    `<category term="${esc(e.category.term)}" label="${esc(e.category.label)}"/>`,
    `<summary type="text">${esc(e.summary)}</summary>`,
    `<content type="text">${esc(e.content)}</content>`,
    '</entry>',
  ].join('\n');
}

/**
 * The view as an Atom 1.0 feed (RFC 4287): one entry per incident (active
 * and of the last 90 days) and per maintenance window, newest change first.
 *
 * @example
 *   const xml = renderAtom(await incidents.statusView('en'), { timeZone: 'UTC', publicUrl: 'https://status.bank.example/status' });
 */
export function renderAtom(view: StatusView, options: FeedOptions): string {
  const language = view.language;
  const words = wordsFor(language);
  const title = options.title?.[language] ?? words.title;
  const entries = [
    ...view.active.map((i) => incidentEntry(i, language, words, options.timeZone)),
    ...view.maintenance.map((m) => maintenanceEntry(m, language, words, view, options.timeZone)),
    ...view.history.map((i) => incidentEntry(i, language, words, options.timeZone)),
  ].sort((a, b) => b.updated.getTime() - a.updated.getTime());
  // RFC 4287 §4.2.15: the feed's updated is its most recent significant change.
  const updated = entries[0]?.updated ?? view.generatedAt;
  const page = `status?lang=${encodeURIComponent(language)}`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${esc(language)}">`,
    `<id>${nameUuid(`feed:${options.publicUrl ?? ''}:${language}`)}</id>`,
    `<title type="text">${esc(title)}</title>`,
    `<updated>${isoTime(updated)}</updated>`,
    // RFC 4287 §4.1.1: a feed MUST have an author unless every entry has one.
    `<author><name>${esc(title)}</name></author>`,
    `<link rel="self" type="application/atom+xml" href="${link(`status.atom?lang=${encodeURIComponent(language)}`, options.publicUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${link(page, options.publicUrl)}"/>`,
    '<generator>Clave</generator>',
    ...entries.map((e) => entryXml(e, page, options.publicUrl)),
    '</feed>',
    '',
  ].join('\n');
}
