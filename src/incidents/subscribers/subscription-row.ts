import { ClaveError } from '../../shared/index.ts';
import type { StatusConfig } from '../types.ts';
import type { SubscriptionChannel } from './address.ts';

/** What a subscriber chose: language and filters (empty filter: everything). */
export interface SubscriptionChoice {
  language: string;
  components: string[];
  markets: string[];
}

export interface SubscriptionRow extends SubscriptionChoice {
  id: string;
  channel: SubscriptionChannel;
  address: string;
  status: 'pending' | 'confirmed';
  pending_change: SubscriptionChoice | null;
  confirm_expires_at: Date | null;
  confirmation_sent_at: Date | null;
  confirmation_window_start: Date | null;
  confirmations_in_window: number;
}

export const ROW_COLUMNS = `id, channel, address, language, components, markets, status, pending_change, confirm_expires_at,
  confirmation_sent_at, confirmation_window_start, confirmations_in_window`;

/**
 * The subscriber's language among those the line speaks: exact, else by
 * primary subtag ("es-ES" → "es"), else the configuration's first.
 *
 * @example resolveLanguage('en-GB', ['es', 'en']) // 'en'
 */
export function resolveLanguage(language: string | undefined, languages: readonly string[]): string {
  const fallback = languages[0] ?? 'en';
  if (!language) return fallback;
  const wanted = language.trim().toLowerCase();
  const primary = wanted.split(/[-_]/)[0];
  return languages.find((l) => l.toLowerCase() === wanted) ?? languages.find((l) => l.toLowerCase() === primary) ?? fallback;
}

/** Filters checked against the configuration, deduplicated and sorted (so equal choices compare equal). */
export function checkFilters(config: StatusConfig, components: readonly string[] = [], markets: readonly string[] = []): { components: string[]; markets: string[] } {
  return {
    components: known('components', components, new Set(config.components.map((c) => c.id))),
    markets: known('markets', markets, new Set(config.markets.map((m) => m.id))),
  };
}

function known(field: string, given: readonly string[], valid: Set<string>): string[] {
  // Callers outside TypeScript (a JSON body) may pass anything.
  const list: unknown = given;
  if (!Array.isArray(list) || !(list as unknown[]).every((id) => typeof id === 'string')) {
    throw new ClaveError('INVALID_ARGUMENT', `${field} must be a list of ids`, { field });
  }
  const ids = list as string[];
  const unknown = ids.filter((id) => !valid.has(id));
  if (unknown.length > 0) {
    throw new ClaveError('INVALID_ARGUMENT', `Unknown ${field}: ${unknown.slice(0, 5).join(', ').slice(0, 200)}`, { field, unknown: unknown.slice(0, 5) });
  }
  return [...new Set(ids)].sort();
}

export function sameChoice(a: SubscriptionChoice, b: SubscriptionChoice): boolean {
  return a.language === b.language && a.components.join('\n') === b.components.join('\n') && a.markets.join('\n') === b.markets.join('\n');
}
