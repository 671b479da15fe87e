import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/index.ts';
import { SimulatedClock } from '../shared/index.ts';
import { migrate, openPglite, type Db } from '../store/index.ts';
import { SwitchableDb } from './line-fixture.test-support.ts';
import { RecordQueue } from './record-queue.ts';
import { CallRecords, type EndedCall } from './records.ts';

let pglite: Db;
beforeAll(async () => {
  pglite = await openPglite();
  await migrate(pglite);
}, 60_000);
afterAll(async () => {
  await pglite.close();
});

let n = 0;
function ended(extra: Partial<EndedCall> = {}): EndedCall {
  n++;
  return {
    callId: `queued-${n}-${Math.random().toString(36).slice(2)}`,
    channel: 'sip', dialed: '950183313', caller: `+3460010${String(n).padStart(4, '0')}`, flow: 'unlock-line', language: 'es',
    outcome: 'caller_hung_up', customerId: null, path: [], transcript: [],
    startedAt: new Date('2026-01-01T09:00:00Z'), endedAt: new Date('2026-01-01T09:01:30Z'),
    ...extra,
  };
}

function setUp(opts: { maxPending?: number } = {}) {
  const db = new SwitchableDb(pglite);
  const clock = new SimulatedClock();
  const records = new CallRecords(db, 'test');
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
  const queue = new RecordQueue(records, { clock, logger, retryMs: 5000, writeTimeoutMs: 2000, ...opts });
  return { db, clock, records, queue, lines };
}

describe('the queue of call records waiting for the database', () => {
  it('writes at once when it can: a whole row for a call whose start was never recorded, with its duration', async () => {
    const { queue, records } = setUp();
    const call = ended();
    expect(await queue.finish(call)).toBe('written');
    expect(await records.get(call.callId)).toMatchObject({ state: 'ended', outcome: 'caller_hung_up', durationMs: 90_000, caller: call.caller });
  });

  it('keeps what fails, logs the call id, and writes it when the database is back', async () => {
    const { db, clock, queue, records, lines } = setUp();
    const call = ended();
    db.down = true;
    expect(await queue.finish(call)).toBe('queued');
    expect(queue.pending).toBe(1);
    expect(lines.some((l) => l.includes('"level":50') && l.includes(call.callId))).toBe(true);
    await clock.advance(5000);
    expect(queue.pending).toBe(1);
    db.down = false;
    await clock.advance(5000);
    expect(queue.pending).toBe(0);
    expect((await records.get(call.callId))?.outcome).toBe('caller_hung_up');
  });

  it('writes what waits as soon as another write works, without waiting for the timer', async () => {
    const { db, queue, records } = setUp();
    const first = ended();
    db.down = true;
    await queue.finish(first);
    db.down = false;
    await queue.finish(ended());
    await queue.flush();
    expect(queue.pending).toBe(0);
    expect((await records.get(first.callId))?.state).toBe('ended');
  });

  it('never gives a call a second outcome: a repeated end changes nothing', async () => {
    const { queue, records } = setUp();
    const call = ended();
    await queue.finish(call);
    await queue.finish({ ...call, outcome: 'no_input' });
    expect((await records.get(call.callId))?.outcome).toBe('caller_hung_up');
  });

  it('does not hold the call when the database hangs: the write counts as failed after its timeout, and is kept', async () => {
    const { clock, lines } = setUp();
    const hanging = new CallRecords({ ...pglite, query: () => new Promise(() => {}) } as Db, 'test');
    const queue = new RecordQueue(hanging, { clock, logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }), writeTimeoutMs: 2000 });
    const result = queue.finish(ended());
    await clock.advance(1999);
    expect(queue.pending).toBe(0);
    await clock.advance(1);
    expect(await result).toBe('queued');
    expect(queue.pending).toBe(1);
    queue.close();
  });

  it('holds at most maxPending records, dropping the oldest with an error', async () => {
    const { db, queue, lines } = setUp({ maxPending: 2 });
    db.down = true;
    const calls = [ended(), ended(), ended()];
    for (const c of calls) await queue.finish(c);
    expect(queue.pending).toBe(2);
    expect(lines.some((l) => l.includes('call record dropped') && l.includes(calls[0]!.callId))).toBe(true);
    queue.close();
  });
});
