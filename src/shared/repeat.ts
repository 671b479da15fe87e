import type { Clock, TimerHandle } from './clock.ts';

/**
 * Runs `work` again and again on `clock`, each run `delay()` ms after the
 * previous one ended (never two at once), until stop(). A run that fails is
 * handed to `onError` and the next one is scheduled all the same: a periodic
 * job must not die of one bad round.
 *
 * @example
 *   const job = repeat(clock, () => 60_000, () => services.reconcile(), (err) => logger.error({ err }, 'reconciliation failed'));
 *   job.stop();
 */
export function repeat(clock: Clock, delay: () => number, work: () => Promise<unknown>, onError: (err: unknown) => void): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const next = () => {
    timer = clock.setTimeout(() => {
      timer = undefined;
      work()
        .catch(onError)
        .finally(() => {
          if (!stopped) next();
        });
    }, delay());
  };
  next();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
