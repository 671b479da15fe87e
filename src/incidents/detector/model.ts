/**
 * The outage detector's statistics, pure: no clock, no store.
 *
 * Each series (a key such as `calls:950183313` or `report:ebanking`) has a
 * baseline per hour of the week (168 slots): the expected count per minute,
 * an exponentially weighted mean of the minutes seen in that slot. Every
 * minute, the last `windowMinutes` observed counts are compared with what
 * the baselines expect for those minutes. The count of a quiet series is
 * close to Poisson, so the test is the Poisson z-score
 *
 *     z = (observed − expected) / √expected
 *
 * and a series is anomalous when z ≥ zThreshold, observed ≥ minCount and
 * observed ≥ ratio × expected, all three: z alone fires on tiny expected
 * counts, the ratio alone on noise, the minimum on a handful of calls.
 * Before a slot has `minSamples` minutes of history, its expectation is the
 * larger of its mean so far and `priorPerMinute` (a new line does not alarm
 * on its first busy morning). Minutes of a series under alert are not
 * learnt, so an outage does not become the new normal; an alert holds for
 * `cooldownMinutes` before the same series may fire again.
 */

export interface DetectorOptions {
  windowMinutes: number;
  zThreshold: number;
  minCount: number;
  ratio: number;
  /** EWMA weight of a new minute in its slot's mean. */
  alpha: number;
  minSamples: number;
  priorPerMinute: number;
  cooldownMinutes: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  windowMinutes: 5,
  zThreshold: 4,
  minCount: 15,
  ratio: 3,
  alpha: 0.05,
  minSamples: 30,
  priorPerMinute: 0.5,
  cooldownMinutes: 30,
};

export interface SlotStats {
  mean: number;
  samples: number;
}

export interface DetectorState {
  /** key → 168 slots (hour of the week, UTC: 0 = Sunday 00:00). */
  baselines: Record<string, SlotStats[]>;
  /** key → the last `windowMinutes` counts, newest last, with their minute (ms). */
  recent: Record<string, { minute: number; count: number }[]>;
  /** key → minute (ms) until which an alert holds. */
  holdUntil: Record<string, number>;
}

export interface Anomaly {
  key: string;
  observed: number;
  expected: number;
  z: number;
  windowMinutes: number;
}

const MINUTE = 60_000;
const SLOTS = 168;

export function emptyState(): DetectorState {
  return { baselines: {}, recent: {}, holdUntil: {} };
}

/** The hour of the week of a minute, UTC. @example slotOf(Date.UTC(2026, 10, 22, 10, 30)) // 10 (a Sunday) */
export function slotOf(minuteMs: number): number {
  const d = new Date(minuteMs);
  return d.getUTCDay() * 24 + d.getUTCHours();
}

function baselineOf(state: DetectorState, key: string): SlotStats[] {
  let slots = state.baselines[key];
  if (!slots) {
    slots = Array.from({ length: SLOTS }, () => ({ mean: 0, samples: 0 }));
    state.baselines[key] = slots;
  }
  return slots;
}

function expectedPerMinute(slot: SlotStats, o: DetectorOptions): number {
  return slot.samples >= o.minSamples ? slot.mean : Math.max(slot.mean, o.priorPerMinute);
}

/**
 * Takes one minute's counts (keys absent count 0 for the series already
 * known), returns the series that became anomalous at this minute, and
 * updates the state in place. `options` may differ per series (problem
 * reports alarm on fewer events than calls do).
 *
 * @example
 *   const state = emptyState();
 *   observeMinute(state, Date.UTC(2026, 0, 5, 10, 0), { 'calls:950183313': 3 }); // []
 */
export function observeMinute(
  state: DetectorState,
  minuteMs: number,
  counts: Readonly<Record<string, number>>,
  options: Partial<DetectorOptions> | ((key: string) => Partial<DetectorOptions>) = {},
): Anomaly[] {
  const keys = new Set([...Object.keys(state.baselines), ...Object.keys(counts)]);
  const anomalies: Anomaly[] = [];
  for (const key of keys) {
    const o = { ...DEFAULT_DETECTOR_OPTIONS, ...(typeof options === 'function' ? options(key) : options) };
    const count = counts[key] ?? 0;
    const slots = baselineOf(state, key);
    const recent = (state.recent[key] ??= []);
    recent.push({ minute: minuteMs, count });
    while (recent.length > 0 && recent[0]!.minute <= minuteMs - o.windowMinutes * MINUTE) recent.shift();

    const observed = recent.reduce((sum, r) => sum + r.count, 0);
    const expected = recent.reduce((sum, r) => sum + expectedPerMinute(slots[slotOf(r.minute)]!, o), 0);
    const z = (observed - expected) / Math.sqrt(Math.max(expected, 1e-9));
    const held = (state.holdUntil[key] ?? 0) > minuteMs;
    if (!held && observed >= o.minCount && observed >= o.ratio * expected && z >= o.zThreshold) {
      anomalies.push({ key, observed, expected, z, windowMinutes: o.windowMinutes });
      state.holdUntil[key] = minuteMs + o.cooldownMinutes * MINUTE;
    }
    // Learn only normal minutes: an outage must not become the baseline.
    if ((state.holdUntil[key] ?? 0) <= minuteMs) {
      const slot = slots[slotOf(minuteMs)]!;
      slot.mean = slot.samples === 0 ? count : slot.mean + o.alpha * (count - slot.mean);
      slot.samples += 1;
    }
  }
  return anomalies;
}
