import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/index.ts';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { acknowledgeAlert, listAlerts, listAudit, raiseOutageAlert } from './alerts.ts';
import { incidentPieces, maintenancePieces, selectFor, signatureOf } from './announcement.ts';
import { forgetHeard, heardVersion } from './heard.ts';
import { checkPromise, createIncident, publishIncident, updateIncident } from './incident-commands.ts';
import { loadIncidents, toIncident } from './incident-rows.ts';
import { parseCreateIncident } from './input-schema.ts';
import { advanceMaintenance, cancelMaintenance, completeMaintenance, scheduleMaintenance } from './maintenance-commands.ts';
import { loadMaintenance, toMaintenance } from './maintenance-rows.ts';
import { publicIncident } from './public-view.ts';
import { PublicCache } from './public-cache.ts';
import type { IncidentEvent, IncidentsService, StatusConfig } from './types.ts';
import { inTransaction, type Work } from './unit-of-work.ts';

export interface IncidentsDeps {
  db: Db;
  clock: Clock;
  config: StatusConfig;
  logger?: Logger;
  /**
   * Key (≥ 16 bytes) for the HMAC under which callers' numbers are
   * remembered (repeat callers hear the short announcement). Give the
   * deployment's data key so every process agrees; without one, a random key
   * per process: repeat detection then works per process only.
   */
  callerKey?: Buffer;
}

/**
 * The incidents context: incidents, maintenance windows, alerts, the public
 * view and what callers hear, over one database. Every change is one
 * transaction, audited, and its events are emitted after it commits.
 *
 * @example
 *   const incidents = createIncidents({ db, clock: systemClock, config: DEFAULT_STATUS_CONFIG });
 *   const { id } = await incidents.create({ status: 'investigating', cause: 'technical_fault', components: [{ component: 'ebanking', impact: 'major_outage' }], text, publish: true }, 'admin');
 *   const view = await incidents.statusView('es');
 */
export function createIncidents(deps: IncidentsDeps): IncidentsService {
  const { db, clock, config, logger } = deps;
  const callerKey = deps.callerKey ?? randomBytes(32);
  const listeners = new Set<(event: IncidentEvent) => void>();
  const cache = new PublicCache(db, clock, config);

  const emit = (events: IncidentEvent[]) => {
    for (const event of events) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          logger?.error({ err, event: event.type }, 'incident event listener failed');
        }
      }
    }
  };

  async function change<T>(fn: (w: Work) => Promise<T>): Promise<T> {
    const { result, events } = await inTransaction(db, config, new Date(clock.now()), fn);
    cache.invalidate();
    emit(events);
    return result;
  }

  return {
    config,
    create: async (input, author) => toIncident(await change((w) => createIncident(w, input, author))),
    update: async (id, input, author) => toIncident(await change((w) => updateIncident(w, id, input, author))),
    publish: async (id, author) => toIncident(await change((w) => publishIncident(w, id, author))),
    async get(id) {
      const [incident] = await loadIncidents(db, config.languages, 'i.id = $1', [id]);
      return incident ? toIncident(incident) : null;
    },
    async list(query = {}) {
      const where: string[] = ['true'];
      const params: unknown[] = [];
      if (query.visibility) where.push(`i.visibility = $${params.push(query.visibility)}`);
      if (query.active === true) where.push('i.resolved_at IS NULL');
      if (query.active === false) where.push('i.resolved_at IS NOT NULL');
      const limit = Math.max(1, Math.min(500, query.limit ?? 100));
      return (await loadIncidents(db, config.languages, where.join(' AND '), params, limit)).map(toIncident);
    },
    scheduleMaintenance: async (input, author) => toMaintenance(await change((w) => scheduleMaintenance(w, input, author))),
    completeMaintenance: async (id, author) => toMaintenance(await change((w) => completeMaintenance(w, id, author))),
    cancelMaintenance: async (id, author) => toMaintenance(await change((w) => cancelMaintenance(w, id, author))),
    listMaintenance: async () => (await loadMaintenance(db, config.languages, 'true', [], 200)).map(toMaintenance),
    alerts: () => listAlerts(db),
    acknowledgeAlert: (id, author) => change((w) => acknowledgeAlert(w, id, author)),
    async raiseOutageAlert(input, author) {
      const alert = await change((w) => raiseOutageAlert(w, input, author));
      // For operators' tools (webhooks that name alert.raised); subscribers are never told of a suspicion.
      emit([{ type: 'alert.raised', alert, at: alert.createdAt }]);
      return alert;
    },
    audit: (limit) => listAudit(db, limit),

    async tick() {
      const now = new Date(clock.now());
      const due = await db.query<{ id: string }>(
        `SELECT id FROM incidents_maintenance WHERE cancelled_at IS NULL AND next_start <= $1
         UNION SELECT maintenance_id FROM incidents_occurrence WHERE state = 'in_progress' AND ends_at <= $1`,
        [now],
      );
      let failure: Error | undefined;
      for (const { id } of due) {
        // One window per transaction: a failing window does not hold back the others.
        try {
          await change(async (w) => {
            await advanceMaintenance(w, id);
          });
        } catch (err) {
          logger?.error({ err, maintenanceId: id }, 'maintenance tick failed');
          failure ??= err instanceof Error ? err : new Error(String(err));
        }
      }
      await forgetHeard(db, now);
      if (failure !== undefined) throw failure;
    },

    statusView: (language) => cache.view(language),

    async announcementFor(call) {
      const snapshot = await cache.snapshot();
      const chosen = selectFor(snapshot, call, config);
      if (chosen.incidents.length === 0 && chosen.maintenance.length === 0) return null;
      const now = clock.now();
      const version = await heardVersion(db, callerKey, call.caller, signatureOf(chosen), new Date(now));
      return {
        pieces: [
          ...chosen.incidents.flatMap((i) => incidentPieces(i, call.language, config, now, version)),
          ...chosen.maintenance.flatMap((m) => maintenancePieces(m, call.language, config, now, version)),
        ],
        incidentIds: chosen.incidents.map((i) => i.id),
        maintenanceIds: chosen.maintenance.map((m) => m.id),
        version,
      };
    },

    preview(raw) {
      const input = parseCreateIncident(config, raw);
      const at = new Date(clock.now());
      // The same rendering as a published incident's: only the id and the save differ.
      const incident = {
        id: 'preview',
        visibility: 'published' as const,
        status: input.status,
        cause: input.cause,
        components: input.components,
        markets: input.markets ?? [],
        text: input.text,
        updates: [{ id: 'preview', status: input.status, text: input.text, author: 'preview', at }],
        nextUpdateAt: checkPromise(input.nextUpdateAt, at),
        source: 'operator' as const,
        maintenanceId: null,
        createdAt: at,
        publishedAt: at,
        resolvedAt: null,
        version: 0,
      };
      const page: ReturnType<IncidentsService['preview']>['page'] = {};
      const spoken: ReturnType<IncidentsService['preview']>['spoken'] = {};
      for (const lang of config.languages) {
        page[lang] = publicIncident(incident, lang, config);
        spoken[lang] = incidentPieces(incident, lang, config, at.getTime(), 'full');
      }
      return { page, spoken };
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
