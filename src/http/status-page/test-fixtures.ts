/**
 * Status views for the page's tests and benchmark, built by hand so the page
 * is tested without the incidents context: an outage after a maintenance
 * went wrong (es and en), a cyberattack on top-ups written only in Spanish
 * (so English readers get the visible fallback), maintenance, and history.
 */
import type { PublicIncident, PublicMaintenance, StatusView } from '../../incidents/index.ts';

export type Scenario = 'calm' | 'incident' | 'resolved';

const T0 = new Date('2025-03-12T06:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const TEXT = {
  es: {
    outage: 'Banca online y app no disponibles',
    outageMessage: 'Tras un mantenimiento programado, la banca online y la app móvil no funcionan.\nEstamos restableciendo el servicio.',
    outageWorkaround: 'Las retiradas de efectivo en cajeros y los pagos con tarjeta en comercios funcionan con normalidad.',
    update: 'Hemos identificado el fallo en la actualización del sistema central.',
    resolved: 'El servicio se ha restablecido por completo.',
    ebanking: 'Banca online', transfers: 'Transferencias', app: 'App móvil', atm: 'Cajeros', topups: 'Recargas', spain: 'España', italy: 'Italia',
    window: 'Mantenimiento de transferencias', windowMessage: 'Las transferencias pueden retrasarse durante la ventana.',
    nightly: 'Mantenimiento nocturno de la app', nightlyMessage: 'La app puede no responder unos minutos.',
    past: 'Códigos SMS con retraso', pastMessage: 'Los códigos SMS llegaron con retraso por un fallo del proveedor.',
  },
  en: {
    outage: 'Online banking and app unavailable',
    outageMessage: 'After a scheduled maintenance, online banking and the mobile app are not working.\nWe are restoring the service.',
    outageWorkaround: 'Cash withdrawals at ATMs and card payments in shops work normally.',
    update: 'We have found the fault in the core system upgrade.',
    resolved: 'The service is fully restored.',
    ebanking: 'Online banking', transfers: 'Transfers', app: 'Mobile app', atm: 'ATMs', topups: 'Top-ups', spain: 'Spain', italy: 'Italy',
    window: 'Transfers maintenance', windowMessage: 'Transfers may be delayed during the window.',
    nightly: 'Nightly app maintenance', nightlyMessage: 'The app may not answer for a few minutes.',
    past: 'SMS codes delayed', pastMessage: 'SMS codes arrived late because of a provider failure.',
  },
};

/** Written only in Spanish: English readers see it with the fallback note. */
const CYBER = {
  title: 'Recargas no disponibles en Italia',
  message: 'Un ciberataque afecta a las recargas. Ningún dato personal se ha visto comprometido, según lo que sabemos ahora: https://www.bancodemo.example/ayuda/incidencias/2025/03/12/recargas-italia-detalle-completo',
  workaround: 'Compre un bono de recarga en cualquier estanco.',
};

function words(language: string) {
  return language === 'en' ? TEXT.en : TEXT.es;
}

function outage(language: string, resolved: boolean): PublicIncident {
  const w = words(language);
  return {
    id: 'inc-outage', status: resolved ? 'resolved' : 'identified', cause: 'technical_fault',
    components: [{ component: 'ebanking', impact: 'major_outage', name: w.ebanking }, { component: 'mobile-app', impact: 'major_outage', name: w.app }],
    markets: [{ id: 'es', name: w.spain }],
    title: w.outage, message: resolved ? w.resolved : w.outageMessage, workaround: resolved ? null : w.outageWorkaround, fallback: null,
    timeline: [
      { status: 'investigating', message: w.outageMessage, at: at(30) },
      { status: 'identified', message: w.update, at: at(150) },
      ...(resolved ? [{ status: 'resolved' as const, message: w.resolved, at: at(1500) }] : []),
    ],
    nextUpdateAt: resolved ? null : at(210), publishedAt: at(30), resolvedAt: resolved ? at(1500) : null,
  };
}

function cyberattack(language: string): PublicIncident {
  return {
    id: 'inc-topups', status: 'investigating', cause: 'cyberattack',
    components: [{ component: 'topups', impact: 'partial_outage', name: words(language).topups }],
    markets: [{ id: 'it', name: words(language).italy }],
    ...CYBER, fallback: language === 'es' ? null : 'es',
    timeline: [{ status: 'investigating', message: CYBER.message, at: at(60) }],
    nextUpdateAt: at(240), publishedAt: at(60), resolvedAt: null,
  };
}

function maintenance(language: string): PublicMaintenance[] {
  const w = words(language);
  return [
    { id: 'mnt-transfers', components: [{ component: 'transfers', impact: 'under_maintenance', name: w.transfers }], markets: [], title: w.window, message: w.windowMessage, workaround: null, fallback: null, startsAt: at(-30), endsAt: at(600), state: 'in_progress' },
    { id: 'mnt-nightly', components: [{ component: 'mobile-app', impact: 'degraded', name: w.app }], markets: [{ id: 'es', name: w.spain }], title: w.nightly, message: w.nightlyMessage, workaround: null, fallback: null, startsAt: at(1200), endsAt: at(1260), state: 'scheduled' },
  ];
}

function past(language: string): PublicIncident {
  const w = words(language);
  return {
    id: 'inc-sms', status: 'resolved', cause: 'third_party', components: [{ component: 'sms-codes', impact: 'degraded', name: 'SMS' }], markets: [],
    title: w.past, message: w.pastMessage, workaround: null, fallback: null,
    timeline: [{ status: 'investigating', message: w.pastMessage, at: at(-5000) }, { status: 'resolved', message: null, at: at(-4800) }],
    nextUpdateAt: null, publishedAt: at(-5000), resolvedAt: at(-4800),
  };
}

/**
 * A whole view in `language`. 'incident': the outage and the cyberattack are
 * active; 'resolved': the outage is in the history; 'calm': nothing but the
 * old SMS incident.
 *
 * @example
 *   statusViewFixture('en', 'incident').active[1].fallback // 'es'
 */
export function statusViewFixture(language: string, scenario: Scenario = 'incident'): StatusView {
  const w = words(language);
  const down = scenario === 'incident';
  return {
    language, generatedAt: at(200), version: `v-${scenario}`,
    grid: [
      { market: null, marketName: null, components: [
        { id: 'ebanking', name: w.ebanking, status: down ? 'major_outage' : 'operational' },
        { id: 'mobile-app', name: w.app, status: down ? 'major_outage' : 'operational' },
        { id: 'atm', name: w.atm, status: 'operational' },
        { id: 'topups', name: w.topups, status: down ? 'partial_outage' : 'operational' },
        { id: 'transfers', name: w.transfers, status: scenario === 'calm' ? 'operational' : 'under_maintenance' },
      ] },
      { market: 'es', marketName: w.spain, components: [{ id: 'ebanking', name: w.ebanking, status: down ? 'major_outage' : 'operational' }, { id: 'atm', name: w.atm, status: 'operational' }] },
      { market: 'it', marketName: w.italy, components: [{ id: 'topups', name: w.topups, status: down ? 'partial_outage' : 'operational' }] },
    ],
    active: down ? [outage(language, false), cyberattack(language)] : [],
    maintenance: scenario === 'calm' ? [] : maintenance(language),
    history: scenario === 'resolved' ? [outage(language, true), past(language)] : [past(language)],
  };
}

/** A stand-in for the incidents service whose scenario a test moves along; counts the views asked for. */
export function fakeStatus(scenario: Scenario = 'incident'): { scenario: Scenario; calls: number; failing: boolean; statusView(language: string): Promise<StatusView> } {
  return {
    scenario,
    calls: 0,
    failing: false,
    statusView(language) {
      this.calls++;
      if (this.failing) return Promise.reject(new Error('store down'));
      return Promise.resolve(statusViewFixture(language, this.scenario));
    },
  };
}
