import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db, type Queryable } from '../store/index.ts';
import { RefusalLog } from './refusal-log.ts';
import { callTraffic } from './traffic.ts';
import { lineFixture } from './line-fixture.test-support.ts';

let db: Db;
beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.query('TRUNCATE call_refusals, calls');
});

const T0 = Date.parse('2026-03-02T10:00:00Z');
const logger = createLogger({ level: 'silent' });

describe('callers refused at capacity, for the outage detector', () => {
  it('are written a second after each minute ends, added across processes, and counted as calls offered', async () => {
    const clock = new SimulatedClock(T0 + 10_000);
    const a = new RefusalLog(db, { clock, logger, nodeId: 'n1' });
    const b = new RefusalLog(db, { clock, logger, nodeId: 'n2' });
    a.start();
    for (let i = 0; i < 5; i++) a.note('950183313');
    b.note('950183313');
    b.note('901511000');
    await clock.advance(49_999);
    expect(await db.query('SELECT * FROM call_refusals')).toEqual([]);
    await clock.advance(1);
    await a.flush(); // the timer's write, awaited
    await b.flush();
    await db.query(
      `INSERT INTO calls (id, node_id, channel, dialed, caller, flow, language, state, started_at) VALUES ('c1', 'n1', 'sip', '950183313', '+34600111222', 'unlock-line', 'es', 'live', $1)`,
      [new Date(T0 + 30_000)],
    );
    expect(await callTraffic(db).countsForMinute(new Date(T0))).toEqual({ 'calls:950183313': 7, 'calls:901511000': 1 });
    a.note('950183313');
    await a.close();
    expect(await callTraffic(db).countsForMinute(new Date(T0 + 60_000))).toEqual({ 'calls:950183313': 1 });
  });

  it('keeps its counts when the store fails, and writes them with the next minute', async () => {
    const clock = new SimulatedClock(T0);
    let down = true;
    const flaky: Queryable = { query: (sql, params) => (down ? Promise.reject(new Error('connection lost')) : db.query(sql, params)) };
    const log = new RefusalLog(flaky, { clock, logger, nodeId: 'n1' });
    log.note('950183313');
    log.note('950183313');
    await log.flush();
    down = false;
    await clock.advance(60_000);
    log.note('950183313');
    await log.flush();
    expect(await callTraffic(db).countsForMinute(new Date(T0))).toEqual({ 'calls:950183313': 2 });
    expect(await callTraffic(db).countsForMinute(new Date(T0 + 60_000))).toEqual({ 'calls:950183313': 1 });
  });

  it('the line notes a caller it refuses, with the number dialed', async () => {
    const noted: string[] = [];
    const { line } = await lineFixture({ db, admission: { maxCalls: 1, atCapacity: 'reject' }, refusals: { note: (d) => void noted.push(d) } });
    const first = line.admit('+34 950 183 313');
    expect(first.kind).toBe('call');
    expect(line.admit('950183313').kind).toBe('refused');
    expect(line.admit().kind).toBe('refused');
    expect(noted).toEqual(['950183313']);
  });
});
