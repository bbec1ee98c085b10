/**
 * The host side of the bundle step: one long-lived bundler process per backend (dist/bundler.js next
 * to the worker file; src/runner/bundlerProcess.ts), started on first use, so esbuild stays warm
 * between runs and the calling thread never blocks on it.
 *
 * Its V8 runs WebAssembly with Liftoff only (`--liftoff-only`), the baseline compiler, never
 * tiering up to TurboFan. For esbuild's WebAssembly build (what the .vsix ships) that is both faster
 * to start and no slower to build with (measured on the seed training loop, Node 24, idle machine:
 * compile + start + first builds 657 → 194 ms of CPU, a warm build 8-10 → 4-5 ms), and idle it
 * costs nothing, where TurboFan went on compiling the 14 MB module in the background for seconds
 * after the first build (~1 s of CPU, what was once taken for the Go runtime waking up). The flag is
 * process-wide: in the extension host it would be every extension's, hence a process of our own.
 *
 * The process is unref'd while idle (a CLI process can exit) and ends after IDLE_MS without work
 * (the WebAssembly build holds ~100-200 MB). A request has a time limit and a cancel (BundleLimits);
 * either ends the request at once and kills the process, which may be busy with it for long.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { IdleTimer } from './idleTimer';
import { forkOwn } from './forkOwn';
import type { RunError } from '../../protocol/trace';
import type { BundleOutput, BundleRequest, BundleResponse, BundlerBackend } from '../../protocol/worker';

const IDLE_MS = 120_000;

/**
 * V8's WebAssembly flags for esbuild's build (see above); `--wasm-lazy-validation` checks a function
 * when it is first compiled rather than the whole 14 MB module up front (compile 51 → 12 ms). Both
 * exist in every V8 of Node 20 and later (an unknown flag would stop the process at start).
 */
const WASM_FLAGS = ['--liftoff-only', '--wasm-lazy-validation'];

/** The bundler process's entry: dist/bundler.js next to dist/worker.js. */
export const bundlerProcessFile = (workerFile: string): string => path.join(path.dirname(workerFile), 'bundler.js');

class BundlerProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (r: BundleOutput | RunError) => void>();
  private nextId = 1;
  readonly idle: IdleTimer;

  constructor(workerFile: string, backend: BundlerBackend, onDead: () => void) {
    this.child = forkOwn(bundlerProcessFile(workerFile), [backend], [...WASM_FLAGS, `--max-old-space-size=${BUNDLER_HEAP_MB}`]);
    const child = this.child;
    this.idle = new IdleTimer({ ref: () => (child.ref(), child.channel?.ref()), unref: () => (child.unref(), child.channel?.unref()) }, IDLE_MS, () => void this.dispose(), onDead);
    this.child.on('message', (m: BundleResponse) => {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.type === 'bundled' ? m.output : m.error);
      this.idle.settle(this.pending.size);
    });
    const fail = (message: string) => {
      this.idle.retire();
      for (const resolve of this.pending.values()) resolve({ kind: 'internal', name: 'Error', message });
      this.pending.clear();
    };
    this.child.on('error', (e) => fail(`the bundler process failed: ${e.message}`));
    // V8 ends a process out of heap with SIGABRT (SIGTRAP on some builds) after "heap out of memory" on stderr.
    this.child.on('exit', (code, signal) =>
      fail(signal === 'SIGABRT' || signal === 'SIGTRAP' ? `bundling the file needed more than the bundler's ${BUNDLER_HEAP_MB} MB` : `the bundler process exited (${signal ?? `code ${code}`})`),
    );
    this.idle.settle(0);
  }

  bundle(file: string, text: string, limits: BundleLimits = {}, strip = true): Promise<BundleOutput | RunError> {
    const id = this.nextId++;
    const request: BundleRequest = { type: 'bundle', id, file, text, strip };
    return new Promise((resolve) => {
      // A limit or a cancel ends this request at once, and the process with it: it may be stuck in
      // esbuild or the instrumenting for a long while yet (other requests in flight fail with it,
      // and the next bundle starts a fresh process).
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
      this.child.send(request, (e) => e && stop({ kind: 'internal', name: 'Error', message: `the bundler process could not be reached: ${e.message}` }));
    });
  }

  /** Kills the process (it may be busy in esbuild for long); resolves when it is gone. */
  async dispose(): Promise<void> {
    this.idle.retire();
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Until it is gone, an idle (unref'd) process keeps the caller alive too, so the promise settles.
    child.ref();
    child.kill('SIGKILL');
    await gone;
  }
}

export interface BundleLimits {
  /** The bundle step's own time limit; past it the request ends with a `timeout` error. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The bundler process's V8 heap: esbuild's WebAssembly memory is outside it, the instrumenting's parse inside. */
const BUNDLER_HEAP_MB = 2048;

const processes = new Map<string, BundlerProcess>();

/** Bundles `file` with contents `text` in the bundler process next to `workerFile` (`strip`: see BundleRequest). */
export function bundleInProcess(workerFile: string, backend: BundlerBackend, file: string, text: string, limits?: BundleLimits, strip = true): Promise<BundleOutput | RunError> {
  const key = `${backend}\0${workerFile}`;
  let p = processes.get(key);
  if (!p || p.idle.dead) {
    p = new BundlerProcess(workerFile, backend, () => {
      if (processes.get(key) === p) processes.delete(key);
    });
    processes.set(key, p);
  }
  return p.bundle(file, text, limits, strip);
}

/** Stops every bundler process (extension deactivation, tests). */
export async function disposeBundlers(): Promise<void> {
  const all = [...processes.values()];
  processes.clear();
  await Promise.all(all.map((t) => t.dispose()));
}
