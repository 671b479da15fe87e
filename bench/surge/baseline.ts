import { emptyState, observeMinute, poisson, seededRandom, slotOf, type DetectorState } from '../../src/incidents/index.ts';
import { openStore } from '../../src/store/index.ts';

const MINUTE = 60_000;

export interface SeededBaseline {
  key: string;
  perMinute: number;
  weeks: number;
  /** The expectation the detector now holds for the current hour of the week, and how many minutes it learnt it from. */
  slotMean: number;
  slotSamples: number;
  /** The last minute the detector counts as judged (it goes on from the next). */
  lastMinute: Date;
}

/**
 * Gives a fresh line's outage detector a normal history before it starts:
 * `weeks` of synthetic minutes, each a Poisson count of `perMinute` calls to
 * `dialed`, every hour of the week alike, are fed through the detector's own
 * model (observeMinute) up to the last whole minute, and the state it learnt
 * is written to its table (incidents_detector) in the line's store, opened
 * with the project's own store code. The line's detector then goes on from
 * the next minute as if it had been answering calls all along.
 *
 * @example
 *   const seeded = await seedBaseline(dataDir, { dialed: '950183313', perMinute: 6, weeks: 4 });
 *   // seeded.slotMean ≈ 6, seeded.slotSamples = 240
 */
export async function seedBaseline(dataDir: string, o: { dialed: string; perMinute: number; weeks: number; now?: number }): Promise<SeededBaseline> {
  const key = `calls:${o.dialed}`;
  const lastWhole = Math.floor((o.now ?? Date.now()) / MINUTE) * MINUTE - MINUTE;
  const minutes = o.weeks * 7 * 24 * 60;
  const random = seededRandom(0x5eed);
  const state: DetectorState = emptyState();
  for (let minute = lastWhole - (minutes - 1) * MINUTE; minute <= lastWhole; minute += MINUTE) {
    observeMinute(state, minute, { [key]: poisson(o.perMinute, random) });
  }
  const db = await openStore({ dataDir });
  try {
    await db.query(
      `INSERT INTO incidents_detector (id, state, last_minute) VALUES (1, $1::jsonb, $2)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, last_minute = EXCLUDED.last_minute`,
      [JSON.stringify(state), new Date(lastWhole)],
    );
  } finally {
    await db.close();
  }
  const slot = state.baselines[key]![slotOf(lastWhole + MINUTE)]!;
  return { key, perMinute: o.perMinute, weeks: o.weeks, slotMean: slot.mean, slotSamples: slot.samples, lastMinute: new Date(lastWhole) };
}
