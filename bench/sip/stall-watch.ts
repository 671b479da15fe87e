import { performance, PerformanceObserver } from 'node:perf_hooks';

export interface Stall {
  /** Wall time between two 10 ms ticks of a watch timer, in ms. */
  wallMs: number;
  /** CPU the process used meanwhile (all its threads), in ms: near wallMs when the loop was busy, near 0 when the OS did not run it. */
  cpuMs: number;
  /** When the stall ended (performance.now()). */
  at: number;
  /** The longest garbage collection pause while watching, in ms (any time, not only in the stall). */
  longestGcMs: number;
}

/**
 * Watches this process's event loop with a 10 ms timer and keeps the longest
 * stall, with the CPU the process used during it: it tells the line's own
 * work (GC, a synchronous step) from a loop starved by the other processes
 * on the same cores (SIPp, tshark, other jobs); and the longest GC pause,
 * to tell a collection from the line's own code.
 *
 * @example
 *   const watch = watchStalls();
 *   // … load …
 *   const worst = watch.stop(); // { wallMs: 170, cpuMs: 12, at, longestGcMs: 9 }
 */
export function watchStalls(): { stop(): Stall } {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = { wallMs: 0, cpuMs: 0, at: last };
  let longestGcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (now - last > worst.wallMs) worst = { wallMs: now - last, cpuMs: (cpu.user + cpu.system) / 1000, at: now };
    last = now;
    lastCpu = process.cpuUsage();
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      gc.disconnect();
      return { ...worst, longestGcMs };
    },
  };
}
