/**
 * The run thread's own memory check: everything the script holds in this thread, the V8 heap and the
 * memory outside it (typed arrays, Buffers: V8's external memory), against the run's limit.
 *
 * It runs where the thread runs anyway: in engine ops (the recorder's tick) and in the probes of the
 * instrumented bundle, every `budget` calls. The budget adapts: a check costs ~1.5 µs, so calls that
 * allocate nothing are checked rarely, and calls that allocate a lot (a loop of `new Float64Array`)
 * are checked more often the closer they bring the thread to its limit. What slips past (a single
 * call that allocates far beyond the limit, code between checks, native memory) is the host's
 * watchdog's (src/runner/host/memoryWatchdog.ts).
 *
 * The V8 heap's own limit is set above this one (heapLimitMb in the watchdog's file), so this check,
 * with its message and line, sees the heap cross the limit before V8 spends seconds in garbage
 * collections near its own.
 */
import v8 from 'node:v8';

/** Probe calls between checks: at most this many (a few µs of checks per ms of calls), at least MIN. */
const MAX_BUDGET = 4096;
const MIN_BUDGET = 8;

export interface MemoryGuard {
  /** Bytes in use now; calls `onExceed` (once) when over the limit, with `at` (the op's position). */
  check<P>(at?: P): number;
  /** For the probes: counts a call down, checks when the budget is spent. */
  countCall(): void;
}

export function memoryGuard(limitBytes: number, onExceed: (usedBytes: number, at: unknown) => void): MemoryGuard {
  let budget = MIN_BUDGET;
  let left = budget;
  let lastUsed = 0;
  let exceeded = false;
  const check = (at?: unknown): number => {
    const h = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
    const used = h.used_heap_size + (h.external_memory ?? 0);
    // Bytes per call since the last check (at least 64, so an idle stretch does not look free forever).
    const perCall = Math.max(64, (used - lastUsed) / budget);
    const headroom = limitBytes - used;
    budget = Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, Math.floor(headroom / perCall / 4)));
    left = budget;
    lastUsed = used;
    if (used > limitBytes && !exceeded) {
      exceeded = true;
      onExceed(used, at);
    }
    return used;
  };
  return {
    check: check as MemoryGuard['check'],
    countCall(): void {
      if (--left <= 0) check();
    },
  };
}
