import { describe, expect, it } from 'vitest';
import { ClaveError, SimulatedClock } from '../shared/index.ts';
import { wasCancelled, withDeadline } from './call-deadline.ts';

describe('withDeadline', () => {
  it('an adapter that throws before returning a promise rejects the call, its timer cleared', async () => {
    const clock = new SimulatedClock();
    const call = withDeadline(clock, 1000, undefined, () => {
      throw new ClaveError('CUSTOMER_NOT_FOUND', 'no such customer');
    });
    await expect(call).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
    expect(clock.pending).toBe(0);
  });

  it('a late rejection after the deadline is dropped; only the deadline is heard', async () => {
    const clock = new SimulatedClock();
    let fail!: (err: Error) => void;
    const call = withDeadline(clock, 1000, undefined, () => new Promise<never>((_, reject) => (fail = reject)));
    const seen = call.catch((err: unknown) => err);
    await clock.advance(1000);
    fail(new ClaveError('BANK_UNAVAILABLE', 'late'));
    const err = await seen;
    expect(err).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { deadlineMs: 1000 } });
    expect(wasCancelled(err)).toBe(false);
  });

  it("the caller's abort is told apart from the bank's silence", async () => {
    const clock = new SimulatedClock();
    const hangup = new AbortController();
    const seen = withDeadline(clock, 1000, hangup.signal, () => new Promise<never>(() => undefined)).catch((err: unknown) => err);
    hangup.abort();
    const err = await seen;
    expect(err).toMatchObject({ code: 'BANK_UNAVAILABLE', details: { cancelled: true } });
    expect(wasCancelled(err)).toBe(true);
    expect(wasCancelled(new ClaveError('BANK_UNAVAILABLE', 'x', { cancelled: true }))).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
