import { createHash } from 'node:crypto';
import type { StoredIncident } from './incident-rows.ts';
import type { StoredMaintenance } from './maintenance-rows.ts';
import { isAnnounced } from './public-view.ts';
import type { PublicSnapshot } from './public-view.ts';
import { clockTime, hasPhrases, phrases, pickText, viewLanguage } from './texts.ts';
import type { Announcement, AffectedComponent, MarketDef, StatusConfig, Texts } from './types.ts';

type Piece = Announcement['pieces'][number];

function digits(number: string): string {
  return number.replace(/[^0-9]/g, '');
}

/** The caller's international digits: "+34 600…" and "0034600…" alike; null for a national number. */
function international(caller: string): string | null {
  const trimmed = caller.trim();
  if (trimmed.startsWith('+')) return digits(trimmed);
  if (trimmed.startsWith('00')) return digits(trimmed).slice(2);
  return null;
}

/**
 * The market of an E.164 caller (ITU-T E.164 §6.2.1: the country code leads
 * the international number), by the longest configured calling code that
 * prefixes it; null when unknown or the number is not international.
 *
 * @example
 *   marketOf('+34600111222', config)?.id; // 'ES'
 */
export function marketOf(caller: string, config: StatusConfig): MarketDef | null {
  const number = international(caller);
  if (number === null) return null;
  let best: MarketDef | null = null;
  let bestLength = 0;
  for (const m of config.markets) {
    for (const code of m.callingCodes) {
      if (number.startsWith(code) && code.length > bestLength) {
        best = m;
        bestLength = code.length;
      }
    }
  }
  return best;
}

/** Whether a dialed number is a configured line: same digits, or the line behind a configured calling code. */
function sameLine(dialed: string, line: string, config: StatusConfig): boolean {
  const a = international(dialed) ?? digits(dialed);
  const b = digits(line);
  if (a === b) return true;
  const prefix = a.slice(0, a.length - b.length);
  return a.endsWith(b) && config.markets.some((m) => m.callingCodes.includes(prefix));
}

/** Whether any of these components concerns callers of `dialed` (a component without `lines` concerns every line). */
export function concernsLine(components: AffectedComponent[], dialed: string, config: StatusConfig): boolean {
  return components.some((c) => {
    const def = config.components.find((d) => d.id === c.component);
    return def !== undefined && (def.lines === undefined || def.lines.some((line) => sameLine(dialed, line, config)));
  });
}

/** An incident or window for every market, or for the caller's; an unknown market hears only the former. */
export function concernsMarket(marketIds: string[], market: MarketDef | null): boolean {
  return marketIds.length === 0 || (market !== null && marketIds.includes(market.id));
}

function textPieces(prefix: string, texts: Texts, language: string, config: StatusConfig, version: Announcement['version']): Piece[] {
  const picked = pickText(texts, language, config);
  const pieces: Piece[] = [{ key: `${prefix}.title`, text: picked.text.title, language: picked.language }];
  if (version === 'full') pieces.push({ key: `${prefix}.message`, text: picked.text.message, language: picked.language });
  if (picked.text.workaround) pieces.push({ key: `${prefix}.workaround`, text: picked.text.workaround, language: picked.language });
  return pieces;
}

/** A sentence Clave writes itself, in the asked language when it has one (else English, which the piece then says). */
function ownPiece(key: string, language: string, say: (p: ReturnType<typeof phrases>) => string): Piece {
  const lang = hasPhrases(language) ? language : 'en';
  return { key, text: say(phrases(lang)), language: lang };
}

/**
 * What a caller hears about one incident: title, message, workaround, and
 * the promised next update ("Next update at 14:30", in the configured zone,
 * Europe/Madrid by default for every language). Short: title and workaround.
 *
 * @example
 *   incidentPieces(incident, 'en', config, now, 'short').map((p) => p.key); // ['incident.inc-1.title', 'incident.inc-1.workaround']
 */
export function incidentPieces(i: StoredIncident, language: string, config: StatusConfig, now: number, version: Announcement['version']): Piece[] {
  const lang = viewLanguage(language, config);
  const pieces = textPieces(`incident.${i.id}`, i.text, lang, config, version);
  if (version === 'full' && i.nextUpdateAt && i.nextUpdateAt.getTime() > now) {
    const at = clockTime(i.nextUpdateAt, now, config);
    pieces.push(ownPiece(`incident.${i.id}.next_update`, lang, (p) => p.nextUpdate(at)));
  }
  return pieces;
}

/** A window: its title, when it runs, its message and workaround. Short: title and workaround. */
export function maintenancePieces(m: StoredMaintenance, language: string, config: StatusConfig, now: number, version: Announcement['version']): Piece[] {
  const lang = viewLanguage(language, config);
  const [title, ...rest] = textPieces(`maintenance.${m.id}`, m.text, lang, config, version);
  const pieces = title ? [title] : [];
  if (version === 'full' && m.current) {
    const from = clockTime(m.current.startsAt, now, config);
    const to = clockTime(m.current.endsAt, now, config);
    pieces.push(ownPiece(`maintenance.${m.id}.window`, lang, (p) => p.window(from, to)));
  }
  return [...pieces, ...rest];
}

/** What concerns this call, newest incident first, then windows by start. */
export function selectFor(s: PublicSnapshot, call: { dialed: string; caller: string }, config: StatusConfig): { incidents: StoredIncident[]; maintenance: StoredMaintenance[] } {
  const market = marketOf(call.caller, config);
  const incidents = s.incidents
    .filter((i) => !i.resolvedAt && concernsLine(i.components, call.dialed, config) && concernsMarket(i.markets, market))
    .sort((a, b) => (b.publishedAt?.getTime() ?? 0) - (a.publishedAt?.getTime() ?? 0));
  const maintenance = s.maintenance
    .filter((m) => isAnnounced(m, s.at) && concernsLine(m.components, call.dialed, config) && concernsMarket(m.markets, market))
    .sort((a, b) => (a.current?.startsAt.getTime() ?? 0) - (b.current?.startsAt.getTime() ?? 0));
  return { incidents, maintenance };
}

/** Identifies what was announced: the same incidents at the same versions and the same windows in the same state. */
export function signatureOf(sel: { incidents: StoredIncident[]; maintenance: StoredMaintenance[] }): string {
  const parts = [
    ...sel.incidents.map((i) => `i:${i.id}:${i.version}`),
    ...sel.maintenance.map((m) => `m:${m.id}:${m.current?.startsAt.toISOString() ?? ''}:${m.current?.state ?? ''}`),
  ].sort();
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}
