import { newId } from './ids.ts';
import { insertIncident } from './incident-commands.ts';
import type { MaintenanceRow, OccurrenceRow } from './maintenance-rows.ts';
import { clockTime, hasPhrases, nameIn, phrases } from './texts.ts';
import type { AffectedComponent, Impact, StatusConfig, Texts } from './types.ts';
import type { Work } from './unit-of-work.ts';

/** Who the audit trail names for what the clock did. */
export const SYSTEM_AUTHOR = 'system';

/**
 * The impact an overrun's draft states. A window that took a service down
 * ("under maintenance") and is still not back is, past its planned end, an
 * outage: major_outage. A window announced as only degrading a service keeps
 * that impact: overrunning does not make the service worse than announced.
 */
export function overrunImpact(impact: Impact): Impact {
  return impact === 'under_maintenance' ? 'major_outage' : impact;
}

/** "3 min", "1 h 20 min", "under a minute". */
export function lateness(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h} h ${minutes % 60} min` : `${minutes} min`;
}

/** The draft's texts, prefilled in each configured language Clave has sentences for (a draft may lack the others). */
export function overrunTexts(config: StatusConfig, maintenance: Texts, components: AffectedComponent[], plannedEnd: Date, now: number): Texts {
  const out: Texts = {};
  for (const lang of config.languages.filter(hasPhrases)) {
    const p = phrases(lang);
    const names = components
      .map((c) => config.components.find((d) => d.id === c.component))
      .filter((d) => d !== undefined)
      .map((d) => nameIn(d.name, lang, config))
      .join(', ');
    const workaround = maintenance[lang]?.workaround;
    out[lang] = {
      title: p.overrunTitle(names),
      message: p.overrunMessage(names, clockTime(plannedEnd, now, config)),
      ...(workaround ? { workaround } : {}),
    };
  }
  return out;
}

/**
 * An occurrence past its planned end that nobody completed: it becomes
 * `overrun`, and an alert plus a draft incident are written in the same
 * transaction. The conditional UPDATE (…AND state = 'in_progress') under the
 * window's row lock makes this happen once however many processes tick; the
 * unique indexes on the draft and the alert are the second guard.
 */
export async function markOverrun(w: Work, m: MaintenanceRow, o: OccurrenceRow, components: AffectedComponent[]): Promise<boolean> {
  const moved = await w.tx.query(
    `UPDATE incidents_occurrence SET state = 'overrun' WHERE maintenance_id = $1 AND starts_at = $2 AND state = 'in_progress' RETURNING starts_at`,
    [m.id, o.starts_at],
  );
  if (moved.length === 0) return false;
  const draftComponents = components.map((c) => ({ component: c.component, impact: overrunImpact(c.impact) }));
  const draftId = await insertIncident(
    w,
    {
      visibility: 'draft',
      status: 'investigating',
      cause: 'planned_maintenance',
      components: draftComponents,
      markets: m.markets,
      text: overrunTexts(w.config, m.text, components, o.ends_at, w.now.getTime()),
      nextUpdateAt: null,
      source: 'maintenance_overrun',
      maintenanceId: m.id,
      overrunOf: o.starts_at,
    },
    SYSTEM_AUTHOR,
  );
  const title = m.text[w.config.languages[0] ?? '']?.title ?? m.id;
  const late = lateness(w.now.getTime() - o.ends_at.getTime());
  const message = `Maintenance ${m.id} ("${title}") should have ended at ${o.ends_at.toISOString()} and is still running (${late} late). Draft incident ${draftId} is ready to review and publish.`;
  const alertId = newId('alr');
  await w.tx.query(
    `INSERT INTO incidents_alert (id, kind, message, draft_incident_id, maintenance_id, occurrence_start, created_at) VALUES ($1, 'maintenance_overrun', $2, $3, $4, $5, $6)`,
    [alertId, message, draftId, m.id, o.starts_at, w.now],
  );
  await w.audit(SYSTEM_AUTHOR, 'maintenance.overrun', m.id, { occurrence: o.starts_at, plannedEnd: o.ends_at, alertId, draftIncidentId: draftId });
  return true;
}
