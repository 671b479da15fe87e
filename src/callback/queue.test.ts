import { describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { createCallbacks } from './create-callbacks.ts';
import { FakeDialer, MINUTE, request, SECOND, T0, until, useCallbacks } from './fixture.test-support.ts';
import { createLogger } from '../log/index.ts';

const BUSY = { kind: 'not_answered', reason: 'busy' } as const;
const KEY_READ = (callId: string) => ({ kind: 'answered', callId, outcome: 'signing_key_read' }) as const;

describe('the call-back queue', () => {
  const h = useCallbacks();

  /** The statuses that have requests, with how many (counts() gives every status, 0 included). */
  async function statuses(): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await h.callbacks.counts()).filter(([, n]) => n > 0));
  }

  it('counts the requests in every status, 0 included', async () => {
    expect(await h.callbacks.counts()).toEqual({ pending: 0, dialing: 0, done: 0, failed: 0, expired: 0 });
    await h.callbacks.schedule(request({ reference: 'op-1' }));
    await h.callbacks.schedule(request({ reference: 'op-2' }));
    expect(await h.callbacks.counts()).toEqual({ pending: 2, dialing: 0, done: 0, failed: 0, expired: 0 });
  });

  it('retries a minute (plus jitter) after each failed attempt, and fails after the third', async () => {
    const { id } = await h.callbacks.schedule(request());
    for (const attempt of [1, 2, 3]) {
      if (attempt > 1) {
        await h.clock.advance(59 * SECOND);
        expect(await h.callbacks.tick()).toBe(0);
        await h.clock.advance(7 * SECOND);
      }
      expect(await h.callbacks.tick()).toBe(1);
      const call = h.dialer.callFor(id);
      expect(call.req.attempt).toBe(attempt);
      call.resolve({ kind: 'not_answered', reason: 'no_answer', callId: `out-${attempt}` });
      await until(() => h.callbacks.inFlight === 0);
    }
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'failed', attempts: 3, lastResult: 'no_answer', callIds: ['out-1', 'out-2', 'out-3'] });
    await h.clock.advance(5 * MINUTE);
    expect(await h.callbacks.tick()).toBe(0);
    expect(h.dialer.calls).toHaveLength(3);
  });

  it('fails rather than plan a retry after the expiry', async () => {
    await h.configure({ lifetimeMs: 90 * SECOND });
    const { id } = await h.callbacks.schedule(request());
    await h.callbacks.tick();
    h.dialer.callFor(id).resolve(BUSY);
    await until(() => h.callbacks.inFlight === 0);
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'pending', attempts: 1 });
    await h.clock.advance(66 * SECOND);
    expect(await h.callbacks.tick()).toBe(1);
    h.dialer.callFor(id).resolve(BUSY);
    await until(() => h.callbacks.inFlight === 0);
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'failed', attempts: 2, lastResult: 'busy' });
  });

  it('expires a request past its lifetime without dialling it', async () => {
    const { id } = await h.callbacks.schedule(request());
    await h.clock.advance(15 * MINUTE);
    expect(await h.callbacks.tick()).toBe(0);
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'expired', attempts: 0, updatedAt: '2026-03-02T09:15:00.000Z' });
    expect(h.dialer.calls).toHaveLength(0);
    // The expired one no longer blocks a new request for the operation.
    expect((await h.callbacks.schedule(request())).created).toBe(true);
  });

  it('expires a request whose line stayed full until its end', async () => {
    const { id } = await h.callbacks.schedule(request());
    await h.clock.advance(14 * MINUTE + 55 * SECOND);
    expect(await h.callbacks.tick()).toBe(1);
    h.dialer.callFor(id).resolve({ kind: 'not_answered', reason: 'at_capacity' });
    await until(() => h.callbacks.inFlight === 0);
    await h.clock.advance(10 * SECOND);
    expect(await h.callbacks.tick()).toBe(0);
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'expired', attempts: 0, lastResult: 'at_capacity' });
    expect(h.dialer.calls).toHaveLength(1);
  });

  it('dials at most `concurrency` at once per process, even with ticks overlapping', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await h.callbacks.schedule(request({ reference: `op-${i}` }))).id);
    const started = await Promise.all([h.callbacks.tick(), h.callbacks.tick()]);
    expect(started[0] + started[1]).toBe(4);
    expect(h.callbacks.inFlight).toBe(4);
    expect(await h.callbacks.tick()).toBe(0);
    h.dialer.open[0]!.resolve(KEY_READ('out-1'));
    await until(() => h.callbacks.inFlight === 3);
    expect(await h.callbacks.tick()).toBe(1);
    // Another process has its own slots.
    const bDialer = new FakeDialer();
    const b = h.another({ dialer: bDialer, config: { concurrency: 1 } });
    expect(await b.tick()).toBe(1);
    expect(await statuses()).toEqual({ dialing: 5, done: 1, pending: 1 });
    const dialled = [...h.dialer.calls, ...bDialer.calls].map((c) => c.req.requestId);
    expect(new Set(dialled).size).toBe(6);
    expect(dialled.every((id) => ids.includes(id))).toBe(true);
  });

  it('close() hangs up the calls in flight and gives their attempts back', async () => {
    const a = await h.callbacks.schedule(request({ reference: 'op-1' }));
    const b = await h.callbacks.schedule(request({ reference: 'op-2' }));
    expect(await h.callbacks.tick()).toBe(2);
    await h.clock.advance(20 * SECOND);
    await h.callbacks.close();
    expect(h.callbacks.inFlight).toBe(0);
    expect(h.dialer.calls.map((c) => [c.signal.aborted, (c.signal.reason as ClaveError).code])).toEqual([[true, 'CLOSED'], [true, 'CLOSED']]);
    for (const id of [a.id, b.id]) {
      expect(await h.callbacks.get(id)).toMatchObject({ status: 'pending', attempts: 0, lastResult: 'cancelled', nextAttemptAt: '2026-03-02T09:00:20.000Z' });
    }
    expect(await h.callbacks.tick()).toBe(0);
    await h.callbacks.close(); // idempotent
    // Another process takes them over at once.
    expect(await h.another().tick()).toBe(2);
  });

  it('close() gives the attempt back even when the dialer reports the outcome the flow had reached, unless the key was read', async () => {
    await h.configure({ maxAttempts: 1 });
    h.dialer.ignoreAbort = true;
    const cut = await h.callbacks.schedule(request({ reference: 'op-1' }));
    const read = await h.callbacks.schedule(request({ reference: 'op-2' }));
    expect(await h.callbacks.tick()).toBe(2);
    // As the SIP dialer does: the answered call ends from our side with the flow's outcome so far.
    for (const call of h.dialer.calls) {
      call.signal.addEventListener('abort', () => call.resolve(call.req.requestId === read.id
        ? KEY_READ('out-read')
        : { kind: 'answered', callId: 'out-cut', outcome: 'no_input' }));
    }
    await h.callbacks.close();
    expect(await h.callbacks.get(cut.id)).toMatchObject({ status: 'pending', attempts: 0, lastResult: 'cancelled', callIds: ['out-cut'] });
    expect(await h.callbacks.get(read.id)).toMatchObject({ status: 'done', attempts: 1, lastResult: 'signing_key_read', callIds: ['out-read'] });
  });

  it('takes over from a process that died mid-call, counting its attempt, and ignores the dead one\'s late result', async () => {
    const deadDialer = new FakeDialer();
    // Its own clock, never advanced: a dead process's timers never fire.
    const dead = h.another({ nodeId: 'node-dead', clock: new SimulatedClock(T0), dialer: deadDialer });
    const { id } = await h.callbacks.schedule(request());
    expect(await dead.tick()).toBe(1);
    await h.clock.advance(10 * MINUTE);
    expect(await h.callbacks.tick()).toBe(0); // the lease ends at T0+10min: not yet run out
    await h.clock.advance(SECOND);
    expect(await h.callbacks.tick()).toBe(1);
    expect(h.dialer.callFor(id).req.attempt).toBe(2);
    expect(h.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['deadNode']))
      .toEqual([expect.objectContaining({ requestId: id, attempt: 1, status: 'pending', result: 'lease_lost', deadNode: 'node-dead' })]);
    expect(await h.row(id)).toMatchObject({ status: 'dialing', attempts: 2, leased_by: 'node-a', last_result: 'lease_lost' });

    deadDialer.callFor(id).resolve(KEY_READ('zombie'));
    await until(() => dead.inFlight === 0);
    expect(await h.row(id)).toMatchObject({ status: 'dialing', attempts: 2, leased_by: 'node-a', call_ids: [] });
    expect(h.logLines.some((l) => l.includes('lease lost before the result was recorded') && l.includes('zombie'))).toBe(true);

    h.dialer.callFor(id).resolve(KEY_READ('out-2'));
    await until(() => h.callbacks.inFlight === 0);
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'done', attempts: 2, callIds: ['out-2'] });
  });

  it('fails or expires a dead process\'s request when no attempt or no time is left', async () => {
    const dead = h.another({ nodeId: 'node-dead', clock: new SimulatedClock(T0), config: { maxAttempts: 1 } });
    const spent = await h.callbacks.schedule(request({ reference: 'op-1' }));
    await dead.tick();
    await h.configure({ maxAttempts: 1 });
    await h.clock.advance(10 * MINUTE + SECOND);
    expect(await h.callbacks.tick()).toBe(0);
    expect(await h.callbacks.get(spent.id)).toMatchObject({ status: 'failed', attempts: 1, lastResult: 'lease_lost' });

    const late = await h.callbacks.schedule(request({ reference: 'op-2' })); // expires at T0+25min
    const dead2 = h.another({ nodeId: 'node-dead-2', clock: new SimulatedClock(h.clock.now()), config: { leaseMs: 20 * MINUTE } });
    await dead2.tick();
    await h.clock.advance(20 * MINUTE + SECOND);
    expect(await h.callbacks.tick()).toBe(0);
    expect(await h.callbacks.get(late.id)).toMatchObject({ status: 'expired', attempts: 1, lastResult: 'lease_lost' });
  });

  it('a process restarted under the same node id frees what it held at once, without waiting for the lease', async () => {
    const before = h.another({ nodeId: 'node-r', clock: new SimulatedClock(T0), dialer: new FakeDialer() });
    const { id } = await h.callbacks.schedule(request());
    expect(await before.tick()).toBe(1);
    const after = h.another({ nodeId: 'node-r' });
    await h.clock.advance(SECOND);
    expect(await after.tick()).toBe(1);
    expect(await h.row(id)).toMatchObject({ status: 'dialing', attempts: 2, leased_by: 'node-r', last_result: 'lease_lost' });
  });

  it('hangs up a call that outlives its lease, and counts the attempt', async () => {
    const { id } = await h.callbacks.schedule(request());
    await h.callbacks.tick();
    await h.clock.advance(9 * MINUTE - SECOND);
    expect(h.dialer.callFor(id).signal.aborted).toBe(false);
    await h.clock.advance(SECOND);
    await until(() => h.callbacks.inFlight === 0);
    expect(h.dialer.calls[0]!.signal.reason).toMatchObject({ code: 'TIMEOUT' });
    expect(await h.callbacks.get(id)).toMatchObject({ status: 'pending', attempts: 1, lastResult: 'timed_out' });
  });

  it('writes a result again when the database failed the first time', async () => {
    let failures = 1;
    const flaky: Db = {
      kind: h.db.kind,
      query: (sql, params) => {
        if (failures > 0 && sql.includes('SET status = $4')) {
          failures--;
          return Promise.reject(new ClaveError('STORE_UNAVAILABLE', 'the database restarted'));
        }
        return h.db.query(sql, params);
      },
      transaction: (fn) => h.db.transaction(fn),
      close: () => Promise.resolve(),
    };
    const logLines: string[] = [];
    const callbacks = createCallbacks({
      db: flaky, clock: h.clock, dialer: h.dialer, nodeId: 'node-flaky', config: { firstAttemptDelayMs: 0 },
      logger: createLogger({ destination: { write: (l: string) => void logLines.push(l) } }),
    });
    try {
      const { id } = await callbacks.schedule(request());
      await callbacks.tick();
      h.dialer.callFor(id).resolve(KEY_READ('out-1'));
      await until(() => h.clock.pending === 1, 'the retry timer');
      expect(await callbacks.get(id)).toMatchObject({ status: 'dialing' });
      await h.clock.advance(SECOND);
      await until(() => callbacks.inFlight === 0);
      expect(await callbacks.get(id)).toMatchObject({ status: 'done', attempts: 1, callIds: ['out-1'] });
      expect(failures).toBe(0);
    } finally {
      await callbacks.close();
    }
  });
});
