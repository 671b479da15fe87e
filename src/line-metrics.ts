// The line's own figures for Prometheus (GET /metrics), next to the outbox's:
// what an operations team watches when the bank or the line is in trouble.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AdmissionStats, CallDirection } from './call/index.ts';
import type { BankHealth } from './bank/index.ts';
import type { MediaClockStats } from './channel/index.ts';
import type { SecurityModeName } from './services/index.ts';
import type { StoreHealth } from './store/index.ts';

export interface LineMetricsSources {
  line: () => AdmissionStats & { pendingRecords: number };
  bank: () => BankHealth;
  store: () => StoreHealth;
  securityMode: () => SecurityModeName;
  /** Alerts of the outage detector and of maintenance overruns not yet acknowledged; null when unknown (the store fails). */
  openAlerts: () => Promise<number | null>;
  /** Call-back requests by status; null when unknown. */
  callbacks: () => Promise<Record<string, number> | null>;
}

export interface LineMetrics {
  /** Counts a call that ended (the line's onCallEnded). */
  callEnded(call: { outcome: string; direction: CallDirection }): void;
}

const MODES: readonly SecurityModeName[] = ['normal', 'heightened', 'lockdown'];
const CIRCUIT: readonly BankHealth['circuit'][] = ['closed', 'half-open', 'open'];

/**
 * Registers the line's metrics. Gauges are read when Prometheus scrapes;
 * totals kept elsewhere (admission, the media clock) are carried into
 * counters by their growth since the last scrape, so they stay counters.
 * Labels carry outcomes, modes and states, never a caller.
 *
 * @example
 *   const metrics = createLineMetrics(registry, sources);
 *   createLine({ ..., onCallEnded: metrics.callEnded });
 */
export function createLineMetrics(registry: Registry, src: LineMetricsSources): LineMetrics {
  const registers = [registry];
  const ended = new Counter({
    name: 'clave_calls_ended_total', help: 'Calls that ended, by direction and outcome (the spec\'s outcome codes).',
    labelNames: ['direction', 'outcome'], registers,
  });
  new Gauge({
    name: 'clave_calls_live', help: 'Calls holding a place on the line: running a flow, or hearing the short refusal at capacity.',
    labelNames: ['kind'], registers,
    collect() {
      const s = src.line();
      this.set({ kind: 'flow' }, s.calls);
      this.set({ kind: 'brief' }, s.brief);
    },
  });
  const capacity = src.line().maxCalls;
  if (capacity !== null) {
    new Gauge({ name: 'clave_calls_capacity', help: 'CLAVE_MAX_CALLS (absent without a limit).', registers }).set(capacity);
  }
  const turnedAway = growth<'how'>();
  new Counter({
    name: 'clave_calls_turned_away_total', help: 'Callers beyond capacity: told the lines are busy (announced), or refused outright (SIP 503).',
    labelNames: ['how'], registers,
    collect() {
      const s = src.line();
      turnedAway(this, { how: 'announced' }, s.announcedTotal);
      turnedAway(this, { how: 'refused' }, s.refusedTotal);
    },
  });
  new Gauge({
    name: 'clave_call_records_pending', help: 'Ended calls whose record waits for the database.', registers,
    collect() {
      this.set(src.line().pendingRecords);
    },
  });
  new Gauge({
    name: 'clave_bank_available', help: '1 while the bank answers (its circuit lets calls through), 0 while the line tells callers it is down.', registers,
    collect() {
      this.set(src.bank().available ? 1 : 0);
    },
  });
  new Gauge({
    name: 'clave_bank_circuit', help: 'The bank circuit breaker: 1 for its state now.', labelNames: ['state'], registers,
    collect() {
      const now = src.bank().circuit;
      for (const state of CIRCUIT) this.set({ state }, state === now ? 1 : 0);
    },
  });
  new Gauge({
    name: 'clave_store_available', help: '1 while the database works, 0 while it fails (a full disk, no connection).', registers,
    collect() {
      this.set(src.store().state === 'ok' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'clave_security_mode', help: 'The security mode in force: 1 for the mode now.', labelNames: ['mode'], registers,
    collect() {
      const now = src.securityMode();
      for (const mode of MODES) this.set({ mode }, mode === now ? 1 : 0);
    },
  });
  new Gauge({
    name: 'clave_alerts_open', help: 'Alerts (suspected outages, overrunning maintenance) no operator has acknowledged yet.', registers,
    async collect() {
      // NaN, not 0, while the store cannot say: no alert is not the same as not knowing.
      this.set((await src.openAlerts()) ?? Number.NaN);
    },
  });
  new Gauge({
    name: 'clave_callbacks', help: 'Call-back requests (signing keys in the heightened mode), by status.', labelNames: ['status'], registers,
    async collect() {
      const counts = await src.callbacks();
      if (counts === null) {
        this.reset();
        return;
      }
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  return {
    callEnded: ({ outcome, direction }) => ended.inc({ direction, outcome }),
  };
}

/**
 * The media clock's figures (summed over the media threads), once SIP and
 * its media are up.
 */
export function registerMediaMetrics(registry: Registry, clock: MediaClockStats): void {
  const registers = [registry];
  new Gauge({
    name: 'clave_media_clock_worst_late_ms', help: 'The worst lateness of a 20 ms media tick since start (or since a benchmark level reset it), in ms.', registers,
    collect() {
      this.set(clock.worstLateMs);
    },
  });
  const skipped = growth<string>();
  new Counter({
    name: 'clave_media_ticks_skipped_total', help: 'Media ticks given up on after a stall of the process (packets never sent).', registers,
    collect() {
      skipped(this, {}, clock.skipped);
    },
  });
}

/**
 * Carries a running total into a counter: each call adds what the total grew
 * by since the last one (a total that went down, a reset, is taken afresh).
 */
function growth<T extends string>(): (counter: Counter<T>, labels: Partial<Record<T, string>>, total: number) => void {
  const seen = new Map<string, number>();
  return (counter, labels, total) => {
    const key = JSON.stringify(labels);
    const before = seen.get(key) ?? 0;
    const delta = total >= before ? total - before : total;
    seen.set(key, total);
    if (delta > 0) counter.inc(labels, delta);
  };
}
