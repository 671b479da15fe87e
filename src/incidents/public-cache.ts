import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { loadIncidents } from './incident-rows.ts';
import { loadMaintenance } from './maintenance-rows.ts';
import { buildView, type PublicSnapshot } from './public-view.ts';
import { viewLanguage } from './texts.ts';
import type { StatusConfig, StatusView } from './types.ts';

/** How long a view may be served without looking at the database again, when nothing changed in this process. */
export const VIEW_TTL_MS = 1000;
const HISTORY_MS = 90 * 86_400_000;

/**
 * The public snapshot and its views per language, kept in memory: the status
 * page is hammered when things break (5,000 requests per second on two
 * cores), so a request costs a clock read and a map lookup. Any change made
 * through this process drops the cache at once; changes made by another
 * process (several Clave processes on one PostgreSQL) show within
 * VIEW_TTL_MS, as do windows reaching their announcement time. Concurrent
 * misses share one load.
 */
export class PublicCache {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #config: StatusConfig;
  #snapshot: { at: number; promise: Promise<PublicSnapshot> } | null = null;
  #views = new Map<string, { from: Promise<PublicSnapshot>; view: Promise<StatusView> }>();

  constructor(db: Db, clock: Clock, config: StatusConfig) {
    this.#db = db;
    this.#clock = clock;
    this.#config = config;
  }

  invalidate(): void {
    this.#snapshot = null;
    this.#views.clear();
  }

  snapshot(): Promise<PublicSnapshot> {
    const now = this.#clock.now();
    const cached = this.#snapshot;
    if (cached && now - cached.at < VIEW_TTL_MS && now >= cached.at) return cached.promise;
    const entry = { at: now, promise: this.#load(now) };
    this.#snapshot = entry;
    // A failed load is not cached: the next request tries again.
    entry.promise.catch(() => {
      if (this.#snapshot === entry) this.#snapshot = null;
    });
    return entry.promise;
  }

  view(language: string): Promise<StatusView> {
    const lang = viewLanguage(language, this.#config);
    const from = this.snapshot();
    const cached = this.#views.get(lang);
    if (cached && cached.from === from) return cached.view;
    const view = from.then((s) => buildView(s, lang, this.#config));
    this.#views.set(lang, { from, view });
    return view;
  }

  async #load(now: number): Promise<PublicSnapshot> {
    const [incidents, maintenance] = await Promise.all([
      loadIncidents(this.#db, this.#config.languages, `i.visibility = 'published' AND (i.resolved_at IS NULL OR i.resolved_at >= $1)`, [new Date(now - HISTORY_MS)]),
      loadMaintenance(
        this.#db,
        this.#config.languages,
        `m.cancelled_at IS NULL AND (m.next_start IS NOT NULL OR EXISTS (
           SELECT 1 FROM incidents_occurrence o WHERE o.maintenance_id = m.id AND (o.state = 'in_progress' OR (o.state = 'overrun' AND o.ended_at IS NULL))))`,
        [],
      ),
    ]);
    return { at: now, incidents, maintenance };
  }
}
