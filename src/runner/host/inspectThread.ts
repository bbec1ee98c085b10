/**
 * The host side of the panel's inspector: one long-lived inspect thread (dist/worker.js, role
 * 'inspect', the engine loaded), started on the first question, so a question is answered in
 * milliseconds. A question names a gradient call of a Trace; the tape it replays is sent to the
 * thread once and then named by a key. Like the bundler process, the thread is unref'd while idle
 * and ends after IDLE_MS without work; a question that runs longer than TIMEOUT_MS ends it.
 */
import { Worker } from 'node:worker_threads';
import { IdleTimer } from './idleTimer';
import type { InspectAnswer, InspectQuery } from '../../engine/inspect';
import type { Trace } from '../../protocol/trace';
import { inspectJob } from './inspectJob';
import { KEPT_JOBS, type InspectThreadRequest, type InspectThreadResponse } from '../../protocol/worker';

const IDLE_MS = 120_000;
const TIMEOUT_MS = 30_000;

/** One inspector question: gradient call `gradientId`, drawn with the tapes `tapeIds` (see inspectJob). */
export interface InspectRequest {
  /** Null for tapes without a gradient call (the derivative text alone). */
  gradientId: number | null;
  tapeIds: number[];
  query: InspectQuery;
}

class InspectThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (a: InspectAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Keys of the jobs the thread keeps, oldest first (it drops the oldest beyond KEPT_JOBS, as this list does). */
  private readonly sent: string[] = [];
  private nextId = 1;
  readonly idle: IdleTimer;

  constructor(workerFile: string, onDead: () => void) {
    this.worker = new Worker(workerFile, { workerData: { role: 'inspect' } });
    this.idle = new IdleTimer(this.worker, IDLE_MS, () => void this.dispose(), onDead);
    this.worker.on('message', (m: InspectThreadResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.type === 'inspected') p.resolve(m.answer);
      else p.reject(new Error(m.message));
      this.idle.settle(this.pending.size);
    });
    this.worker.on('error', (e) => this.fail(`the inspect thread failed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`the inspect thread exited (code ${code})`));
    this.idle.settle(0);
  }

  private fail(message: string): void {
    this.idle.retire();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.pending.clear();
  }

  ask(trace: Trace, traceKey: number, req: InspectRequest): Promise<InspectAnswer> {
    const key = `${traceKey}:${req.gradientId}:${req.tapeIds.join(',')}`;
    const msg: InspectThreadRequest = { type: 'inspect', id: this.nextId++, key, query: req.query };
    const at = this.sent.indexOf(key);
    if (at < 0) {
      const job = inspectJob(trace, req.gradientId, req.tapeIds);
      if (!job) return Promise.reject(new Error(`the run has no gradient call ${req.gradientId}`));
      msg.job = job;
      this.sent.push(key);
      if (this.sent.length > KEPT_JOBS) this.sent.shift();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(`the inspector took longer than ${TIMEOUT_MS / 1000} s`);
        void this.worker.terminate();
      }, TIMEOUT_MS);
      this.pending.set(msg.id, { resolve, reject, timer });
      this.idle.busy();
      this.worker.postMessage(msg);
    });
  }

  async dispose(): Promise<void> {
    this.idle.retire();
    await this.worker.terminate();
  }
}

let thread: InspectThread | undefined;
const traceKeys = new WeakMap<Trace, number>();
let nextTraceKey = 1;

/**
 * Answers an inspector question about `trace` in the inspect thread of `workerFile` (dist/worker.js).
 * Rejects with a message for a person when there is nothing to answer or the thread failed.
 */
export function inspectInThread(trace: Trace, req: InspectRequest, workerFile: string): Promise<InspectAnswer> {
  let key = traceKeys.get(trace);
  if (key === undefined) traceKeys.set(trace, (key = nextTraceKey++));
  if (!thread || thread.idle.dead) {
    const t: InspectThread = new InspectThread(workerFile, () => {
      if (thread === t) thread = undefined;
    });
    thread = t;
  }
  return thread.ask(trace, key, req);
}

/** Stops the inspect thread (extension deactivation, tests). */
export async function disposeInspector(): Promise<void> {
  const t = thread;
  thread = undefined;
  await t?.dispose();
}
