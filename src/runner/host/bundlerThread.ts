/**
 * The host side of the bundle step: one long-lived bundler thread per worker file and backend,
 * started on first use, so esbuild stays warm between runs (the WebAssembly build needs a few
 * hundred milliseconds to start) and the calling thread never blocks on it.
 *
 * The thread is unref'd while idle (a CLI process can exit) and ends after IDLE_MS without work
 * (the WebAssembly build holds ~100-200 MB). A request has a time limit and a cancel (BundleLimits);
 * either ends the request at once and stops the thread, which may be busy with it for long.
 */
import { Worker } from 'node:worker_threads';
import { IdleTimer } from './idleTimer';
import type { RunError } from '../../protocol/trace';
import type { BundleOutput, BundleRequest, BundleResponse, BundlerBackend, BundlerWorkerData } from '../../protocol/worker';

const IDLE_MS = 120_000;

class BundlerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: BundleOutput | RunError) => void>();
  private nextId = 1;
  private readonly idle: IdleTimer;
  dead = false;

  constructor(workerFile: string, backend: BundlerBackend, private readonly onDead: () => void) {
    const workerData: BundlerWorkerData = { role: 'bundler', backend };
    this.worker = new Worker(workerFile, { workerData, resourceLimits: { maxOldGenerationSizeMb: BUNDLER_HEAP_MB } });
    this.idle = new IdleTimer(this.worker, IDLE_MS, () => void this.dispose());
    this.worker.on('message', (m: BundleResponse) => {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.type === 'bundled' ? m.output : m.error);
      this.settle();
    });
    const fail = (message: string) => {
      this.dead = true;
      this.onDead();
      for (const resolve of this.pending.values()) resolve({ kind: 'internal', name: 'Error', message });
      this.pending.clear();
      this.idle.stop();
    };
    this.worker.on('error', (e: Error & { code?: string }) =>
      fail(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `bundling the file needed more than the bundler's ${BUNDLER_HEAP_MB} MB` : `the bundler thread failed: ${e.message}`),
    );
    this.worker.on('exit', (code) => fail(`the bundler thread exited (code ${code})`));
    this.settle();
  }

  bundle(file: string, text: string, limits: BundleLimits = {}): Promise<BundleOutput | RunError> {
    const id = this.nextId++;
    const request: BundleRequest = { type: 'bundle', id, file, text };
    return new Promise((resolve) => {
      // A limit or a cancel ends this request at once, and the thread with it: it may be stuck in
      // esbuild or the instrumenting for a long while yet (other requests in flight fail with it,
      // and the next bundle starts a fresh thread).
      let timer: NodeJS.Timeout | undefined;
      const stop = (error: RunError): void => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        finish(error);
        void this.dispose();
      };
      const onAbort = (): void => stop({ kind: 'cancelled', name: 'Cancelled', message: 'the run was cancelled while its file was being bundled' });
      const finish = (r: BundleOutput | RunError): void => {
        if (timer) clearTimeout(timer);
        limits.signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      this.pending.set(id, finish);
      if (limits.timeoutMs !== undefined) {
        const mb = (text.length / 1048576).toFixed(1);
        timer = setTimeout(() => stop({ kind: 'timeout', name: 'Timeout', message: `bundling the file (${mb} MB) took more than ${limits.timeoutMs! / 1000} s; stopped` }), limits.timeoutMs);
      }
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      this.idle.busy();
      this.worker.postMessage(request);
    });
  }

  /** Idle: let the process exit, and stop the thread after a while. */
  private settle(): void {
    if (!this.pending.size && !this.dead) this.idle.idle();
  }

  async dispose(): Promise<void> {
    this.idle.stop();
    this.dead = true;
    this.onDead();
    await this.worker.terminate();
  }
}

export interface BundleLimits {
  /** The bundle step's own time limit; past it the request ends with a `timeout` error. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The bundler thread's V8 heap: esbuild's WebAssembly memory is outside it, the instrumenting's parse inside. */
const BUNDLER_HEAP_MB = 2048;

const threads = new Map<string, BundlerThread>();

/** Bundles `file` with contents `text` in the bundler thread of `workerFile`. */
export function bundleInThread(workerFile: string, backend: BundlerBackend, file: string, text: string, limits?: BundleLimits): Promise<BundleOutput | RunError> {
  const key = `${backend}\0${workerFile}`;
  let t = threads.get(key);
  if (!t || t.dead) {
    t = new BundlerThread(workerFile, backend, () => {
      if (threads.get(key) === t) threads.delete(key);
    });
    threads.set(key, t);
  }
  return t.bundle(file, text, limits);
}

/** Stops every bundler thread (extension deactivation, tests). */
export async function disposeBundlers(): Promise<void> {
  const all = [...threads.values()];
  threads.clear();
  await Promise.all(all.map((t) => t.dispose()));
}
