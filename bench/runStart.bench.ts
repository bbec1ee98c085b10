// The run worker's costs as the extension sees them (src/runner/host/runWorkers.ts, runProcess.ts): how
// long a run worker takes to run JavaScript, a cold and a warm run of the seed training loop, how long
// a warm run's data takes to reach the script (its first console line's time), and how much the
// calling process's resident memory grows while a run allocates far past its memory limit.
// First, where a run's time goes (RunOptions.onStage): the first run right after prewarm (as the
// extension's first run after activation) and warm runs back to back (Compute Gradients again and again).
// Needs `node scripts/build.mjs`. Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers, disposeRunWorkers, prewarm, runScratch, runWarm, type RunStage } from '../src/runner/host/scratchRun';
import { DEFAULT_MEMORY_MB } from '../src/protocol/settings';
import { newRunWorker } from '../src/runner/host/runWorkers';

const root = path.resolve(__dirname, '..');
const WORKER = path.join(root, 'dist', 'worker.js');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** From asking for a run worker to its JavaScript running ('online'). */
async function workerStart(): Promise<number> {
  const t = performance.now();
  const w = newRunWorker(WORKER, DEFAULT_MEMORY_MB, { role: 'warmRun' });
  await new Promise((r) => w.once('online', r));
  const ms = performance.now() - t;
  await w.terminate();
  return ms;
}

const STAGES: RunStage[] = ['read', 'bundled', 'taken', 'online', 'firstMessage', 'ended', 'assembled'];

/** One run's stages, as ms since runScratch was called. */
async function staged(file: string, text: string): Promise<Partial<Record<RunStage, number>>> {
  const at: Partial<Record<RunStage, number>> = {};
  const trace = await runScratch({ file, text, workerFile: WORKER, warm: true, onStage: (s, ms) => (at[s] = ms) });
  if (trace.error) throw new Error(trace.error.message);
  return at;
}

const showStages = (at: Partial<Record<RunStage, number>>): string =>
  STAGES.filter((s) => at[s] !== undefined).map((s) => `${s} ${at[s]!.toFixed(1)}`).join(', ');

/** CPU ms of this process and its reaped children (Linux /proc: utime, stime, cutime, cstime); undefined elsewhere. */
function cpuWithChildren(): number | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]) * 10, 0);
}

/** The breakdown: cold (the first run of this process, right after prewarm) and warm back to back (median per stage). */
async function breakdown(file: string, text: string): Promise<void> {
  prewarm({ file, text, workerFile: WORKER });
  const cold = await staged(file, text);
  const warm: Partial<Record<RunStage, number>>[] = [];
  const cpu0 = cpuWithChildren();
  for (let i = 0; i < 10; i++) warm.push(await staged(file, text));
  // The run processes' CPU counts once they are reaped: stop the warm one and let it go.
  await disposeRunWorkers();
  await new Promise((r) => setTimeout(r, 500));
  const cpu1 = cpuWithChildren();
  const med: Partial<Record<RunStage, number>> = {};
  for (const s of STAGES) {
    const xs = warm.map((w) => w[s]).filter((x): x is number => x !== undefined);
    if (xs.length > warm.length / 2) med[s] = median(xs);
  }
  const waited = warm.filter((w) => w.online !== undefined).length;
  console.log(`run stages (ms since runScratch; seed training loop): first run after prewarm: ${showStages(cold)}`);
  console.log(`run stages, 10 warm runs back to back (median per stage; ${waited} of 10 waited for their worker to come online): ${showStages(med)}`);
  if (cpu0 !== undefined && cpu1 !== undefined) console.log(`CPU per warm run back to back (this process, its bundler thread and the run processes): ${((cpu1 - cpu0) / 10).toFixed(0)} ms`);
  await disposeBundlers();
}

async function main(): Promise<void> {
  const file = path.join(root, 'examples', '03-training-loop.grad.ts');
  const text = fs.readFileSync(file, 'utf8');
  await breakdown(file, text);
  await runScratch({ file, text, workerFile: WORKER }); // the bundler thread warm
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await runScratch({ file, text, workerFile: WORKER });
    cold.push(performance.now() - t);
  }
  const start: number[] = [];
  for (let i = 0; i < 5; i++) start.push(await workerStart());
  const warm: number[] = [];
  prewarm({ file, text, workerFile: WORKER });
  for (let i = 0; i < 10; i++) {
    // The next warm worker may still be on its way: the last run's process, recycling itself.
    const asked = performance.now();
    while (!runWarm(WORKER, DEFAULT_MEMORY_MB)) {
      if (performance.now() - asked > 30_000) throw new Error('no warm worker after 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    // Time for the warm worker to load the engine, as between two Compute Gradients.
    await new Promise((r) => setTimeout(r, 1500));
    const t = performance.now();
    const trace = await runScratch({ file, text, workerFile: WORKER, warm: true });
    warm.push(performance.now() - t);
    if (trace.error) throw new Error(trace.error.message);
  }
  const reach: number[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-'));
  const hello = path.join(dir, 'hello.grad.ts');
  fs.writeFileSync(hello, "console.log('hello');\n");
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const trace = await runScratch({ file: hello, workerFile: WORKER, warm: true });
    reach.push(trace.console[0].timeMs);
  }
  console.log(`run start: worker online ${median(start).toFixed(0)} ms (median of 5); cold run ${median(cold).toFixed(0)} ms (median of 5); warm run ${median(warm).toFixed(0)} ms (median of 10, min ${Math.min(...warm).toFixed(0)}); a warm run's data reaches the script in ${median(reach)} ms (median of 10)`);

  const hog = path.join(dir, 'hog.grad.ts');
  fs.writeFileSync(hog, 'const keep: Buffer[] = [];\nfor (let i = 0; i < 3072; i++) keep.push(Buffer.alloc(1 << 20, 1));\nconsole.log(keep.length);\n');
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t = performance.now();
  const trace = await runScratch({ file: hog, workerFile: WORKER, memoryMb: 256 });
  clearInterval(sampler);
  console.log(`runaway allocation (3 GB of Buffers, --memory 256): ${trace.error?.kind ?? 'no error'} after ${(performance.now() - t).toFixed(0)} ms; this process grew by ${((peak - base) / 1048576).toFixed(0)} MB at its peak`);
  fs.rmSync(dir, { recursive: true, force: true });
  await disposeRunWorkers();
  await disposeBundlers();
}

void main();
