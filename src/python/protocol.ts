/**
 * Messages of the Python run worker (role 'python' of dist/worker.js), beyond the RunWorkerMessages
 * a run posts as a .grad.ts run does.
 */
import type { RunThreadData } from '../runner/shared/probe';

/** workerData of a Python worker: it loads Pyodide at once and waits for a PythonRunRequest. */
export interface PythonWorkerData {
  role: 'python';
  memoryMb: number;
}

/**
 * The run a warm Python worker is asked for (one per worker: runs stay isolated). `probe`: where the
 * Python side writes the user's line when `interrupt` asks it (SAMPLE_SIGNAL), so a loop that runs
 * no op still says where it was when the time limit stops it.
 */
export type PythonRunRequest = Pick<RunThreadData, 'file' | 'text' | 'startedAtMs' | 'consoleDropped' | 'probe'> & { interrupt?: SharedArrayBuffer };

/** The signal the host writes into Pyodide's interrupt buffer to ask for the current line (SIGUSR1: Python ignores it otherwise). */
export const SAMPLE_SIGNAL = 10;
/** How often the run process (src/runner/runProcess.ts) asks while a run goes on. */
export const SAMPLE_MS = 200;

/** The worker's first message: Python is loaded and the runtime's modules are imported. */
export interface PythonReady {
  type: 'pythonReady';
}

export const isPythonFile = (file: string): boolean => file.endsWith('.py');

/** Asks a Python worker for the runtime's type stubs instead of a run (scripts/build.mjs writes them to dist/python/). */
export interface PythonStubsRequest {
  type: 'stubs';
}

/** The answer: each stub's path under dist/python/ and its text (src/python/runtime/_gradtape_stubs.py). */
export interface PythonStubs {
  type: 'stubs';
  files: Record<string, string>;
}
