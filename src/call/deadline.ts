import { ClaveError, type Clock, type TimerHandle } from '../shared/index.ts';

/**
 * `work`, or a TIMEOUT error once `ms` of the clock have passed, whichever
 * comes first. The work itself is not cancelled (a query cannot be); its late
 * answer, or failure, is dropped.
 *
 * @example
 *   const announcement = await withDeadline(clock, announcer.announcementFor(call), 1500, 'announcement lookup');
 */
export function withDeadline<T>(clock: Clock, work: Promise<T>, ms: number, what: string): Promise<T> {
  let handle: TimerHandle | undefined;
  const deadline = new Promise<never>((_, reject) => {
    handle = clock.setTimeout(() => reject(new ClaveError('TIMEOUT', `${what}: no answer within ${ms} ms`, { ms })), ms);
  });
  return Promise.race([work, deadline]).finally(() => {
    if (handle) clock.clearTimeout(handle);
  });
}
