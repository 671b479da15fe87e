import { ClaveError, type Clock } from '../shared/index.ts';

const cancellations = new WeakSet<Error>();

/**
 * Runs one bank call with a deadline on the given clock. The call receives a
 * signal that aborts at the deadline or when the caller's own signal aborts,
 * whichever comes first, and the returned promise settles at that moment even
 * if the adapter ignores its signal: a caller never waits past the deadline.
 * The call itself may go on at the bank; state-changing calls are keyed, so
 * the services' reconciliation repeats them safely.
 *
 * Both ends throw BANK_UNAVAILABLE (the port's rule for "no answer"); the
 * caller's own abort is marked, so `wasCancelled(err)` tells it apart from a
 * bank that did not answer.
 *
 * @example
 *   await withDeadline(clock, 3000, hangup.signal, (signal) => bank.getCustomer('CUS-0001', { signal }));
 *   // throws BANK_UNAVAILABLE { deadlineMs: 3000 } when no answer came within 3 s
 */
export function withDeadline<T>(
  clock: Clock,
  deadlineMs: number,
  caller: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (caller?.aborted) return Promise.reject(cancelled());
  const deadline = new AbortController();
  const handle = clock.setTimeout(() => {
    deadline.abort(new ClaveError('BANK_UNAVAILABLE', `the bank did not answer within ${deadlineMs} ms`, { deadlineMs }));
  }, deadlineMs);
  const signal = caller ? AbortSignal.any([caller, deadline.signal]) : deadline.signal;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(deadline.signal.aborted ? (deadline.signal.reason as Error) : cancelled());
    };
    const done = () => {
      clock.clearTimeout(handle);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // An adapter that throws before returning its promise rejects like one that rejects.
    const running = (async () => work(signal))();
    // A late answer after the deadline lands here and is dropped: the promise has already settled.
    running.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: Error) => {
        done();
        reject(err);
      },
    );
  });
}

/** True for the BANK_UNAVAILABLE thrown because the caller itself gave up (a hang-up), not the bank. */
export function wasCancelled(err: unknown): boolean {
  return err instanceof Error && cancellations.has(err);
}

function cancelled(): ClaveError {
  const err = new ClaveError('BANK_UNAVAILABLE', 'the bank call was cancelled by its caller', { cancelled: true });
  cancellations.add(err);
  return err;
}
