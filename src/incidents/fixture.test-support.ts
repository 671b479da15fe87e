import { afterAll, beforeAll, beforeEach } from 'vitest';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { createIncidents } from './create-incidents.ts';
import { DEFAULT_STATUS_CONFIG } from './status-config.ts';
import type { CreateIncidentInput, IncidentsService, ScheduleMaintenanceInput, StatusConfig, Texts } from './types.ts';

/** Monday 2 March 2026, 09:00 UTC (10:00 in Madrid). */
export const T0 = Date.parse('2026-03-02T09:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const CALLER_KEY = Buffer.alloc(32, 7);

export const TEXT: Texts = {
  es: { title: 'Banca online no disponible', message: 'No se puede acceder a la banca online.', workaround: 'Los cajeros y los pagos con tarjeta funcionan con normalidad.' },
  en: { title: 'Online banking unavailable', message: 'Online banking cannot be reached.', workaround: 'ATMs and card payments in shops work normally.' },
};

export function incidentInput(overrides: Partial<CreateIncidentInput> = {}): CreateIncidentInput {
  return {
    status: 'investigating',
    cause: 'technical_fault',
    components: [{ component: 'ebanking', impact: 'major_outage' }],
    text: TEXT,
    publish: true,
    ...overrides,
  };
}

export const WINDOW_TEXT: Texts = {
  es: { title: 'Mantenimiento de la banca online', message: 'Actualizamos la banca online.', workaround: 'Los cajeros funcionan.' },
  en: { title: 'Online banking maintenance', message: 'We are upgrading online banking.', workaround: 'ATMs work.' },
};

export function windowInput(startsInMs: number, lengthMs: number, overrides: Partial<ScheduleMaintenanceInput> = {}, now = T0): ScheduleMaintenanceInput {
  return {
    components: [{ component: 'ebanking', impact: 'under_maintenance' }],
    text: WINDOW_TEXT,
    startsAt: new Date(now + startsInMs),
    endsAt: new Date(now + startsInMs + lengthMs),
    ...overrides,
  };
}

const TABLES = [
  'incidents_heard', 'incidents_audit', 'incidents_alert', 'incidents_occurrence', 'incidents_maintenance_component',
  'incidents_maintenance', 'incidents_update', 'incidents_incident_component', 'incidents_incident',
];

/**
 * One in-memory database per test file (opening one takes seconds), emptied
 * before each test; a fresh clock at T0 and a fresh service per test.
 */
export function useIncidents(config: StatusConfig = DEFAULT_STATUS_CONFIG) {
  const ctx = {} as { db: Db; clock: SimulatedClock; incidents: IncidentsService; another(): IncidentsService };
  beforeAll(async () => {
    ctx.db = await openPglite();
    await migrate(ctx.db);
  }, 60_000);
  afterAll(async () => {
    await ctx.db.close();
  });
  beforeEach(async () => {
    await ctx.db.query(`TRUNCATE ${TABLES.join(', ')} CASCADE`);
    ctx.clock = new SimulatedClock(T0);
    ctx.incidents = createIncidents({ db: ctx.db, clock: ctx.clock, config, callerKey: CALLER_KEY });
    // A second process on the same database.
    ctx.another = () => createIncidents({ db: ctx.db, clock: ctx.clock, config, callerKey: CALLER_KEY });
  });
  return ctx;
}
