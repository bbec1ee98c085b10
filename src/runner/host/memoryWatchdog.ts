/**
 * A run's resident-set budget: what the run thread's own guard (src/runner/run/memoryGuard.ts)
 * cannot see or cannot stop in time — one call that allocates far past the limit, a bundle too
 * large to instrument (no probes), native memory — still ends the run.
 *
 * The run process (src/runner/runProcess.ts) applies it to itself: it samples its own resident set
 * every SAMPLE_MS and dies when it has grown past the run's limit plus the thread's own cost since
 * the run started. Resident memory is what harms the machine (pages a typed array reserved but
 * never touched do not count), and reading it costs ~10 µs.
 */

/** How often the resident set is read while a run is in flight. */
const SAMPLE_MS = 50;

/** The run's V8 heap limit in MB: above the run's limit, so the run thread's guard, with its message and line, comes first. */
export const heapLimitMb = (memoryMb: number): number => Math.ceil(memoryMb * 1.25) + 32;

/**
 * Growth of the resident set (MB) a run limited to `memoryMb` may cause: its limit, the V8 heap's
 * headroom above it, and the thread's own cost (isolate, engine, the trace this side keeps).
 */
export const residentBudgetMb = (memoryMb: number): number => heapLimitMb(memoryMb) + Math.max(160, Math.ceil(memoryMb / 2));

/**
 * Starts watching for one run; `onExceed` is called once, with the growth in MB, when the process's
 * resident set has grown more than {@link residentBudgetMb} (plus `besidesMb()`: what the process
 * holds beside the run, the next run's spare thread) since this call. Returns the stop function.
 */
export function watchResidentMemory(memoryMb: number, onExceed: (grownMb: number) => void, rss: () => number = process.memoryUsage.rss, besidesMb: () => number = () => 0): () => void {
  const base = rss();
  const budget = residentBudgetMb(memoryMb) * 1048576;
  const timer = setInterval(() => {
    const grown = rss() - base;
    if (grown > budget + besidesMb() * 1048576) {
      clearInterval(timer);
      onExceed(Math.round(grown / 1048576));
    }
  }, SAMPLE_MS);
  timer.unref(); // a CLI process exits when its work is done, sampling or not
  return () => clearInterval(timer);
}
