import type { Incident, IncidentEvent, Maintenance, StatusConfig } from '../types.ts';

/** A small status configuration for the subscriber and webhook tests. */
export const CONFIG: StatusConfig = {
  components: [
    { id: 'ebanking', name: { es: 'Banca online', en: 'E-banking' } },
    { id: 'atm', name: { es: 'Cajeros', en: 'ATMs' } },
    { id: 'card-payments', name: { es: 'Pagos con tarjeta', en: 'Card payments' } },
  ],
  markets: [
    { id: 'es', name: { es: 'España', en: 'Spain' }, callingCodes: ['34'] },
    { id: 'it', name: { es: 'Italia', en: 'Italy' }, callingCodes: ['39'] },
  ],
  languages: ['es', 'en'],
};

const T0 = new Date('2026-01-01T09:00:00Z');

export function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    visibility: 'published',
    status: 'investigating',
    cause: 'technical_fault',
    components: [{ component: 'ebanking', impact: 'major_outage' }],
    markets: [],
    text: {
      es: { title: 'Banca online caída', message: 'No se puede entrar en la banca online.', workaround: 'Los cajeros funcionan con normalidad.' },
      en: { title: 'E-banking down', message: 'Nobody can log in to e-banking.', workaround: 'ATMs work normally.' },
    },
    updates: [{ id: 'upd-1', status: 'investigating', author: 'admin', at: T0 }],
    nextUpdateAt: null,
    source: 'operator',
    maintenanceId: null,
    createdAt: T0,
    publishedAt: T0,
    resolvedAt: null,
    ...over,
  };
}

export function maintenance(over: Partial<Maintenance> = {}): Maintenance {
  const startsAt = new Date('2026-01-10T21:00:00Z');
  const endsAt = new Date('2026-01-11T05:00:00Z');
  return {
    id: 'mnt-1',
    components: [{ component: 'atm', impact: 'under_maintenance' }],
    markets: ['es'],
    text: { es: { title: 'Mantenimiento de cajeros', message: 'Los cajeros no darán efectivo.' }, en: { title: 'ATM maintenance', message: 'ATMs will not dispense cash.' } },
    startsAt,
    endsAt,
    recurrence: null,
    announceBeforeMs: 86_400_000,
    current: { startsAt, endsAt, state: 'scheduled' },
    createdAt: T0,
    ...over,
  };
}

export function published(inc: Incident = incident(), at: Date = T0): IncidentEvent {
  return { type: 'incident.published', incident: inc, at };
}
