/**
 * What a run process holds (Linux): its open descriptors, threads and resident MB, read by the run
 * process (src/runner/runProcess.ts) to tell whether a run left anything behind, and by a warm run
 * thread (src/runner/worker.ts) as it is ready, to say what the process holds with it alone.
 */
import fs from 'node:fs';

export interface Footprint {
  fds: number;
  tasks: number;
  rssMb: number;
}

/** This process's footprint; undefined where /proc cannot tell (elsewhere a process is never reused). */
export function footprint(): Footprint | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return { fds: fs.readdirSync('/proc/self/fd').length, tasks: fs.readdirSync('/proc/self/task').length, rssMb: process.memoryUsage.rss() / 1048576 };
  } catch {
    return undefined;
  }
}
