/**
 * The messages between a run's process (dist/runProcess.js, src/runner/runProcess.ts) and the
 * calling process (src/runner/host/runProcess.ts). The run process starts the run worker thread
 * (dist/worker.js) and relays between it and the caller over Node's IPC channel with
 * `serialization: 'advanced'` (structured clone: typed-array rows travel as bytes, no JSON per number).
 *
 * A SharedArrayBuffer cannot cross processes. The caller sends each as a {@link SharedSlot} and keeps
 * its own; the run process makes a new one and reports what the run thread writes there:
 * `probe` (the current call's position, src/runner/shared/probe.ts) and `consoleDropped`
 * (src/runner/shared/consoleBudget.ts) as {@link SharedChanges}, with the next message. Python's `interrupt` buffer is
 * written by the run process itself (src/python/protocol.ts SAMPLE_MS).
 */

/**
 * In place of a SharedArrayBuffer in a message to the run process: its size in bytes and its first
 * Int32 (the probe starts at -1; every other int of a new shared buffer is 0).
 */
export interface SharedSlot {
  sharedSlot: number;
  first: number;
}

/** Caller → run process. */
export type ProcessCommand =
  /** The first message: start dist/worker.js as a thread with this workerData and heap limit. */
  | { t: 'start'; workerFile: string; workerData: Record<string, unknown>; heapMb: number; memoryMb: number; debug: boolean }
  /**
   * worker.postMessage(m) (the run's data, a Python run request). `spare`: the run begins; start the
   * next run's warm thread beside it now, so a recycled process has it loaded when the run ends.
   */
  | { t: 'post'; m: Record<string, unknown>; spare?: boolean }
  /** The run ended with didFinish: end its thread, and start a fresh warm one if the run left nothing behind (else exit). */
  | { t: 'recycle' };

/** The probe's current call index and its position (probe.ts layout): index, line, column, file. */
export type ProbeState = [number, number, number, number];

/** What changed in the run thread's shared memory since it was last sent. */
export interface SharedChanges {
  probe?: ProbeState;
  /** Console lines the run thread dropped so far. */
  dropped?: number;
}

/** Run process → caller. */
export type ProcessMessage =
  /** The run thread runs JavaScript (Worker 'online'). */
  | { t: 'online' }
  /** A message the run thread posted, with what changed in shared memory before it (one write, not two). */
  | ({ t: 'message'; m: unknown } & SharedChanges)
  /** Shared memory changed while no message went (every 50 ms at most, and before 'exit'). */
  | ({ t: 'shared' } & SharedChanges)
  /** The run thread failed (Worker 'error'); `code` e.g. ERR_WORKER_OUT_OF_MEMORY. */
  | { t: 'error'; name: string; message: string; code?: string }
  /** The run thread ended; the run process exits after this. */
  | { t: 'exit'; code: number }
  /** A warm thread loaded the engine (the run thread's message WARM_READY, not relayed). */
  | { t: 'ready' }
  /**
   * After 'recycle': the finished run's thread is gone and the next warm thread is this process's:
   * the spare started during the run (`online`, `ready` say how far it got; the rest follows as
   * 'online' / 'ready'), or a fresh one.
   */
  | { t: 'recycled'; online: boolean; ready: boolean }
  /** The run process's resident set grew past the run's budget (MB grown); it kills itself once this is sent. */
  | { t: 'memory'; grownMb: number };

/** What a warm run thread posts once the engine is loaded (src/runner/worker.ts); the run process turns it into 'ready'. */
export const WARM_READY = 'warmReady';
