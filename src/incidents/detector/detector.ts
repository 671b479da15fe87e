import type { Logger } from '../../log/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { Db } from '../../store/index.ts';
import { marketOf } from '../announcement.ts';
import { newId } from '../ids.ts';
import type { Alert, ComponentDef, IncidentsService, StatusConfig, Texts } from '../types.ts';
import { emptyState, observeMinute, type Anomaly, type DetectorOptions, type DetectorState } from './model.ts';

/** The line's own traffic for one whole minute, by series key (`calls:<dialed>`, `abandoned:<dialed>`, `failed:<dialed>`). */
export interface TrafficPort {
  countsForMinute(minuteStart: Date): Promise<Record<string, number>>;
}

export interface OutageDetectorDeps {
  db: Db;
  clock: Clock;
  incidents: Pick<IncidentsService, 'raiseOutageAlert'>;
  config: StatusConfig;
  traffic: TrafficPort;
  logger?: Logger;
  options?: Partial<DetectorOptions>;
  /** Problem reports alarm on fewer events than calls: their own options (default: at least 5 in the window). */
  reportOptions?: Partial<DetectorOptions>;
  /** The component a dialed number mostly serves, for a surge with no reports (default: ebanking). */
  lineComponent?: (dialed: string) => string;
}

export interface OutageDetector {
  /** Judges every whole minute since the last judged one (at most the last hour). Safe to run in several processes. */
  tick(): Promise<Alert[]>;
  /** A caller's "report a problem": counted in `report:<component>`. */
  report(input: { component: string; dialed: string; caller: string }): Promise<void>;
}

const MINUTE = 60_000;
const CATCH_UP_MINUTES = 60;

/**
 * Notices an outage from the line's own traffic before anyone declares it:
 * calls per minute per dialed number, abandoned calls, failed verifications
 * and callers' problem reports per component, each against its time-of-day
 * baseline (see model.ts for the method). An anomaly raises an alert with a
 * drafted incident naming the likely component, for an operator to confirm:
 * nothing is published without a person.
 *
 * @example
 *   const detector = createOutageDetector({ db, clock, incidents, config, traffic });
 *   await detector.tick(); // every minute
 */
export function createOutageDetector(deps: OutageDetectorDeps): OutageDetector {
  const { db, clock, config, logger } = deps;
  const componentOf = (id: string): ComponentDef | undefined => config.components.find((c) => c.id === id);
  const lineComponent = deps.lineComponent ?? (() => (componentOf('ebanking') ? 'ebanking' : (config.components[0]?.id ?? 'ebanking')));
  const optionsFor = (key: string): Partial<DetectorOptions> =>
    key.startsWith('report:') ? { minCount: 5, priorPerMinute: 0.05, ...deps.reportOptions } : { ...deps.options };

  async function reportCounts(from: Date, to: Date): Promise<Record<string, number>> {
    const rows = await db.query<{ component: string; n: number }>(
      'SELECT component, count(*)::int AS n FROM incidents_problem_report WHERE reported_at >= $1 AND reported_at < $2 GROUP BY component',
      [from, to],
    );
    return Object.fromEntries(rows.map((r) => [`report:${r.component}`, r.n]));
  }

  /** The component to name: the most reported in the window, else the one the series points at. */
  async function likelyComponent(anomaly: Anomaly, minute: number): Promise<string> {
    if (anomaly.key.startsWith('report:')) return anomaly.key.slice('report:'.length);
    // Reports up to now: callers often say what is broken a minute after the surge began.
    const reports = await reportCounts(new Date(minute - anomaly.windowMinutes * MINUTE), new Date(Math.max(clock.now(), minute + MINUTE)));
    const top = Object.entries(reports).sort((a, b) => b[1] - a[1])[0];
    if (top && top[1] > 0) return top[0].slice('report:'.length);
    return lineComponent(anomaly.key.split(':')[1] ?? '');
  }

  function draftTexts(anomaly: Anomaly, component: string): Texts {
    const factor = anomaly.expected > 0 ? (anomaly.observed / anomaly.expected).toFixed(1) : '∞';
    const [kind, subject] = anomaly.key.split(':');
    const text: Texts = {};
    for (const language of config.languages) {
      const name = componentOf(component)?.name[language] ?? component;
      const es = language === 'es';
      const what = kind === 'report'
        ? (es ? `${anomaly.observed} clientes han informado de un problema con ${name} en ${anomaly.windowMinutes} minutos` : `${anomaly.observed} callers reported a problem with ${name} in ${anomaly.windowMinutes} minutes`)
        : (es ? `Las llamadas (${kind}) al ${subject} son ${factor} veces lo habitual: ${anomaly.observed} en ${anomaly.windowMinutes} minutos` : `Calls (${kind}) to ${subject} are ${factor} times the usual: ${anomaly.observed} in ${anomaly.windowMinutes} minutes`);
      text[language] = es
        ? { title: `Posible incidencia en ${name}`, message: `${what}. Estamos investigando. (Borrador del detector: revíselo antes de publicar.)` }
        : { title: `Possible problem with ${name}`, message: `${what}. We are investigating. (Detector draft: review before publishing.)` };
    }
    return text;
  }

  async function raise(anomaly: Anomaly, minute: number): Promise<Alert> {
    const component = await likelyComponent(anomaly, minute);
    const message =
      `Outage suspected: ${anomaly.key} had ${anomaly.observed} in the ${anomaly.windowMinutes} minutes to ${new Date(minute + MINUTE).toISOString()} ` +
      `against ${anomaly.expected.toFixed(1)} expected (z = ${anomaly.z.toFixed(1)}); likely component: ${component}.`;
    return deps.incidents.raiseOutageAlert(
      { message, draft: { status: 'investigating', cause: 'under_investigation', components: [{ component, impact: 'partial_outage' }], text: draftTexts(anomaly, component) } },
      'detector',
    );
  }

  return {
    async tick() {
      const now = clock.now();
      const lastWhole = Math.floor(now / MINUTE) * MINUTE - MINUTE;
      // Counts are read first, outside the lock (PGlite has one connection: a query inside the
      // transaction's callback through another handle would wait for the transaction forever).
      const [peek] = await db.query<{ last_minute: Date | null }>('SELECT last_minute FROM incidents_detector WHERE id = 1');
      const seen = peek?.last_minute?.getTime() ?? null;
      const first = Math.max(seen !== null ? seen + MINUTE : lastWhole, lastWhole - (CATCH_UP_MINUTES - 1) * MINUTE);
      if (first > lastWhole) return [];
      const samples: { minute: number; counts: Record<string, number> }[] = [];
      for (let minute = first; minute <= lastWhole; minute += MINUTE) {
        const from = new Date(minute);
        const to = new Date(minute + MINUTE);
        samples.push({ minute, counts: { ...(await deps.traffic.countsForMinute(from)), ...(await reportCounts(from, to)) } });
      }
      const found: { anomaly: Anomaly; minute: number }[] = [];
      // One process at a time holds the row, and only the one that read its state first judges: each minute is judged once.
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO incidents_detector (id, state, last_minute) VALUES (1, $1::jsonb, NULL) ON CONFLICT (id) DO NOTHING`, [JSON.stringify(emptyState())]);
        const [row] = await tx.query<{ state: DetectorState; last_minute: Date | null }>('SELECT state, last_minute FROM incidents_detector WHERE id = 1 FOR UPDATE');
        if ((row?.last_minute?.getTime() ?? null) !== seen) return;
        const state = row?.state ?? emptyState();
        for (const { minute, counts } of samples) {
          for (const anomaly of observeMinute(state, minute, counts, optionsFor)) found.push({ anomaly, minute });
        }
        await tx.query('UPDATE incidents_detector SET state = $1::jsonb, last_minute = $2 WHERE id = 1', [JSON.stringify(state), new Date(lastWhole)]);
      });
      const alerts: Alert[] = [];
      for (const { anomaly, minute } of found) {
        try {
          alerts.push(await raise(anomaly, minute));
          logger?.warn({ key: anomaly.key, observed: anomaly.observed, expected: anomaly.expected, z: anomaly.z }, 'outage suspected: alert raised with a draft incident');
        } catch (err) {
          logger?.error({ err, key: anomaly.key }, 'outage detector could not raise its alert');
        }
      }
      return alerts;
    },

    async report({ component, dialed, caller }) {
      const known = componentOf(component) ? component : 'unknown';
      await db.query(
        'INSERT INTO incidents_problem_report (id, component, dialed, market, reported_at) VALUES ($1, $2, $3, $4, $5)',
        [newId('rep'), known, dialed, marketOf(caller, config)?.id ?? null, new Date(clock.now())],
      );
    },
  };
}
