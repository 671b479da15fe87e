import { createHash } from 'node:crypto';
import type { StoredIncident } from './incident-rows.ts';
import type { StoredMaintenance } from './maintenance-rows.ts';
import { nameIn, pickText, viewLanguage } from './texts.ts';
import type { AffectedComponent, ComponentStatus, Maintenance, PublicIncident, PublicMaintenance, StatusConfig, StatusView } from './types.ts';

/** Worst last, as the contract orders them. */
const SEVERITY: readonly ComponentStatus[] = ['operational', 'degraded', 'partial_outage', 'major_outage', 'under_maintenance'];

export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a;
}

/** What the public may see right now: published incidents (active, or resolved in the last 90 days) and windows that can be announced. */
export interface PublicSnapshot {
  at: number;
  incidents: StoredIncident[];
  maintenance: StoredMaintenance[];
}

/** A window is announced from `announceBeforeMs` before its occurrence starts until that occurrence's work ends. */
export function isAnnounced(m: Maintenance, now: number): boolean {
  const c = m.current;
  if (!c || m.cancelledAt) return false;
  return c.state !== 'scheduled' || now >= c.startsAt.getTime() - m.announceBeforeMs;
}

/** Running (or overrun and not yet completed): its components are under maintenance. */
export function isUnderway(m: Maintenance): boolean {
  return m.current !== null && (m.current.state === 'in_progress' || m.current.state === 'overrun');
}

function named(components: AffectedComponent[], language: string, config: StatusConfig): (AffectedComponent & { name: string })[] {
  return components.map((c) => {
    const def = config.components.find((d) => d.id === c.component);
    return { ...c, name: def ? nameIn(def.name, language, config) : c.component };
  });
}

function markets(ids: string[], language: string, config: StatusConfig): { id: string; name: string }[] {
  return ids.map((id) => {
    const def = config.markets.find((m) => m.id === id);
    return { id, name: def ? nameIn(def.name, language, config) : id };
  });
}

/**
 * An incident as the page shows it in one language. Its public timeline
 * starts when it was published (a draft's edits stay private), newest first.
 *
 * @example
 *   publicIncident(incident, 'en', config).fallback; // 'es' when it has no English text
 */
export function publicIncident(i: StoredIncident, language: string, config: StatusConfig): PublicIncident {
  const picked = pickText(i.text, language, config);
  const since = i.publishedAt?.getTime() ?? 0;
  return {
    id: i.id,
    status: i.status,
    cause: i.cause,
    components: named(i.components, language, config),
    markets: markets(i.markets, language, config),
    title: picked.text.title,
    message: picked.text.message,
    workaround: picked.text.workaround ?? null,
    fallback: picked.fallback,
    timeline: i.updates
      .filter((u) => u.at.getTime() >= since)
      .map((u) => ({ status: u.status, message: u.text ? pickText(u.text, language, config).text.message : null, at: u.at }))
      .reverse(),
    nextUpdateAt: i.nextUpdateAt,
    publishedAt: i.publishedAt ?? i.createdAt,
    resolvedAt: i.resolvedAt,
  };
}

export function publicMaintenance(m: Maintenance, language: string, config: StatusConfig): PublicMaintenance | null {
  if (!m.current) return null;
  const picked = pickText(m.text, language, config);
  return {
    id: m.id,
    components: named(m.components, language, config),
    markets: markets(m.markets, language, config),
    title: picked.text.title,
    message: picked.text.message,
    workaround: picked.text.workaround ?? null,
    fallback: picked.fallback,
    startsAt: m.current.startsAt,
    endsAt: m.current.endsAt,
    state: m.current.state,
  };
}

function grid(s: PublicSnapshot, language: string, config: StatusConfig): StatusView['grid'] {
  const rows: { market: string | null; marketName: string | null }[] = [
    { market: null, marketName: null },
    ...config.markets.map((m) => ({ market: m.id, marketName: nameIn(m.name, language, config) })),
  ];
  const concerns = (marketIds: string[], market: string | null) => market === null || marketIds.length === 0 || marketIds.includes(market);
  return rows.map((row) => {
    const status = new Map<string, ComponentStatus>(config.components.map((c) => [c.id, 'operational']));
    const raise = (id: string, to: ComponentStatus) => status.set(id, worse(status.get(id) ?? 'operational', to));
    for (const i of s.incidents) {
      if (i.resolvedAt || !concerns(i.markets, row.market)) continue;
      for (const c of i.components) raise(c.component, c.impact);
    }
    for (const m of s.maintenance) {
      if (!isUnderway(m) || !concerns(m.markets, row.market)) continue;
      for (const c of m.components) raise(c.component, 'under_maintenance');
    }
    return {
      ...row,
      components: config.components.map((c) => ({ id: c.id, name: nameIn(c.name, language, config), status: status.get(c.id) ?? 'operational' })),
    };
  });
}

/**
 * The whole public view in one language (an unconfigured language gets the
 * first configured one). `version` hashes everything but `generatedAt`, so
 * an ETag built on it changes exactly when what the page shows changes.
 */
export function buildView(s: PublicSnapshot, asked: string, config: StatusConfig): StatusView {
  const language = viewLanguage(asked, config);
  const byTime = (a: Date | null, b: Date | null) => (b?.getTime() ?? 0) - (a?.getTime() ?? 0);
  const active = s.incidents.filter((i) => !i.resolvedAt).sort((a, b) => byTime(a.publishedAt, b.publishedAt));
  const history = s.incidents.filter((i) => i.resolvedAt).sort((a, b) => byTime(a.resolvedAt, b.resolvedAt));
  const maintenance = s.maintenance
    .filter((m) => isAnnounced(m, s.at))
    .sort((a, b) => (a.current?.startsAt.getTime() ?? 0) - (b.current?.startsAt.getTime() ?? 0))
    .map((m) => publicMaintenance(m, language, config))
    .filter((m) => m !== null);
  const content = {
    language,
    grid: grid(s, language, config),
    active: active.map((i) => publicIncident(i, language, config)),
    maintenance,
    history: history.map((i) => publicIncident(i, language, config)),
  };
  const version = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22);
  return { generatedAt: new Date(s.at), version, ...content };
}
