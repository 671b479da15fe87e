import type { ComponentStatus, Impact, IncidentCause, IncidentStatus, MaintenanceState } from '../../incidents/index.ts';

/** Every word the page and the feed print around the operators' texts, in one language. */
export interface Words {
  title: string;
  languageNav: string;
  overall: Record<ComponentStatus, string>;
  component: Record<ComponentStatus, string>;
  impact: Record<Impact, string>;
  incident: Record<IncidentStatus, string>;
  cause: Record<IncidentCause, string>;
  maintenanceState: Record<MaintenanceState, string>;
  allMarkets: string;
  gridHeading: string;
  activeHeading: string;
  noActive: string;
  maintenanceHeading: string;
  maintenanceNow: string;
  maintenanceNext: string;
  maintenanceDone: string;
  historyHeading: string;
  noHistory: string;
  causeLabel: string;
  notCyberattack: string;
  workaroundLabel: string;
  affectedLabel: string;
  marketsLabel: string;
  timelineLabel: string;
  nextUpdateLabel: string;
  fromTo: (from: string, to: string) => string;
  duration: (minutes: number) => string;
  onlyIn: (language: string) => string;
  generated: string;
  feeds: string;
}

function hoursMinutes(minutes: number, h: string, min: string): string {
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  return hours === 0 ? `${rest} ${min}` : rest === 0 ? `${hours} ${h}` : `${hours} ${h} ${rest} ${min}`;
}

const es: Words = {
  title: 'Estado del servicio',
  languageNav: 'Idioma',
  overall: {
    operational: 'Todos los servicios funcionan con normalidad',
    degraded: 'Algunos servicios funcionan con lentitud',
    partial_outage: 'Algunos servicios no funcionan',
    major_outage: 'Hay servicios que no funcionan',
    under_maintenance: 'Mantenimiento en curso',
  },
  component: { operational: 'Operativo', degraded: 'Funcionamiento degradado', partial_outage: 'Interrupción parcial', major_outage: 'Interrupción total', under_maintenance: 'En mantenimiento' },
  impact: { degraded: 'funcionamiento degradado', partial_outage: 'interrupción parcial', major_outage: 'interrupción total', under_maintenance: 'en mantenimiento' },
  incident: { investigating: 'Investigando', identified: 'Causa identificada', monitoring: 'En observación', resolved: 'Resuelto' },
  cause: { technical_fault: 'fallo técnico', planned_maintenance: 'mantenimiento programado', third_party: 'fallo de un proveedor externo', cyberattack: 'ciberataque', under_investigation: 'en investigación' },
  maintenanceState: { scheduled: 'Programado', in_progress: 'En curso', completed: 'Terminado', overrun: 'Se está prolongando más de lo previsto', cancelled: 'Cancelado' },
  allMarkets: 'Todos los mercados',
  gridHeading: 'Estado por servicio',
  activeHeading: 'Incidencias en curso',
  noActive: 'No hay incidencias en curso.',
  maintenanceHeading: 'Mantenimiento',
  maintenanceNow: 'En curso',
  maintenanceNext: 'Próximamente',
  maintenanceDone: 'Terminado o cancelado',
  historyHeading: 'Historial de los últimos 90 días',
  noHistory: 'Ninguna incidencia en los últimos 90 días.',
  causeLabel: 'Causa',
  notCyberattack: 'No se trata de un ciberataque.',
  workaroundLabel: 'Mientras tanto',
  affectedLabel: 'Servicios afectados',
  marketsLabel: 'Mercados',
  timelineLabel: 'Actualizaciones',
  nextUpdateLabel: 'Próxima actualización',
  fromTo: (from, to) => `Del ${from} al ${to}`,
  duration: (minutes) => `Duración: ${hoursMinutes(minutes, 'h', 'min')}`,
  onlyIn: (language) => `Sólo disponible en ${language}.`,
  generated: 'Datos de',
  feeds: 'También en',
};

const en: Words = {
  title: 'Service status',
  languageNav: 'Language',
  overall: {
    operational: 'All services are working normally',
    degraded: 'Some services are slow',
    partial_outage: 'Some services are not working',
    major_outage: 'Some services are down',
    under_maintenance: 'Maintenance in progress',
  },
  component: { operational: 'Operational', degraded: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage', under_maintenance: 'Under maintenance' },
  impact: { degraded: 'degraded performance', partial_outage: 'partial outage', major_outage: 'major outage', under_maintenance: 'under maintenance' },
  incident: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
  cause: { technical_fault: 'technical fault', planned_maintenance: 'planned maintenance', third_party: 'third-party failure', cyberattack: 'cyberattack', under_investigation: 'under investigation' },
  maintenanceState: { scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed', overrun: 'Taking longer than planned', cancelled: 'Cancelled' },
  allMarkets: 'All markets',
  gridHeading: 'Status by service',
  activeHeading: 'Current incidents',
  noActive: 'No current incidents.',
  maintenanceHeading: 'Maintenance',
  maintenanceNow: 'In progress',
  maintenanceNext: 'Upcoming',
  maintenanceDone: 'Completed or cancelled',
  historyHeading: 'History of the last 90 days',
  noHistory: 'No incidents in the last 90 days.',
  causeLabel: 'Cause',
  notCyberattack: 'This is not a cyberattack.',
  workaroundLabel: 'Meanwhile',
  affectedLabel: 'Affected services',
  marketsLabel: 'Markets',
  timelineLabel: 'Updates',
  nextUpdateLabel: 'Next update',
  fromTo: (from, to) => `From ${from} to ${to}`,
  duration: (minutes) => `Duration: ${hoursMinutes(minutes, 'h', 'min')}`,
  onlyIn: (language) => `Only available in ${language}.`,
  generated: 'Data as of',
  feeds: 'Also as',
};

const WORDS: Record<string, Words> = { es, en };

/**
 * The page's own words in `language`; a language the page has no words for
 * gets English ones (the operators' texts still come in their language).
 *
 * @example
 *   wordsFor('es').cause.technical_fault // 'fallo técnico'
 */
export function wordsFor(language: string): Words {
  return WORDS[language.toLowerCase().split('-')[0] ?? ''] ?? en;
}

/** Causes the page states plainly are not an attack, as the bank in the seed had to insist. */
export function isNotCyberattack(cause: IncidentCause): boolean {
  return cause === 'technical_fault' || cause === 'planned_maintenance';
}
