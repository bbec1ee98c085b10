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

/** The run a warm Python worker is asked for (one per worker: runs stay isolated). */
export type PythonRunRequest = Pick<RunThreadData, 'file' | 'text' | 'startedAtMs' | 'consoleDropped'>;

/** The worker's first message: Python is loaded and the runtime's modules are imported. */
export interface PythonReady {
  type: 'pythonReady';
}

export const isPythonFile = (file: string): boolean => file.endsWith('.py');
