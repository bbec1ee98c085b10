// Each run in a process of its own (src/runner/host/runProcess.ts, src/runner/runProcess.ts), issue 16:
// a run blocked in a native call ends at its time limit with nothing of it left, and what a script
// allocates outside engine ops is the run process's memory, never the caller's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { disposeRunWorkers, prewarm, runScratch, runWarm } from '../../src/runner/host/scratchRun';
import type { Trace } from '../../src/protocol/trace';
import { DEFAULT_MEMORY_MB } from '../../src/protocol/settings';
import { alive, buildRunner, WORKER } from './helpers';

describe('runner: each run in its own process', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await buildRunner();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-proc-'));
  });
  after(async () => {
    await disposeRunWorkers();
    await disposeBundlers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const waitFor = async (cond: () => boolean, what: string, ms = 10_000): Promise<void> => {
    const until = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > until) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  /** Processes whose command line is exactly `argv` (Linux: /proc); undefined where there is no /proc. */
  const processesRunning = (argv: string[]): number[] | undefined => {
    if (!fs.existsSync('/proc/self/cmdline')) return undefined;
    const want = argv.join('\0') + '\0';
    const found: number[] = [];
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') === want) found.push(Number(d));
      } catch {
        // gone meanwhile
      }
    }
    return found;
  };
  /** Runs `file` while sampling this process's resident set; the peak growth in MB. */
  const runMeasured = async (file: string, memoryMb: number): Promise<{ trace: Trace; grownMb: number }> => {
    const base = process.memoryUsage.rss();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    try {
      const trace = await runScratch({ file, workerFile: WORKER, memoryMb, timeoutMs: 60_000 });
      peak = Math.max(peak, process.memoryUsage.rss());
      return { trace, grownMb: (peak - base) / 1048576 };
    } finally {
      clearInterval(sampler);
    }
  };

  it('a run blocked in execSync ends at its 2 s limit, and its process (with what it started) is gone', async () => {
    // A duration no other process on the machine uses, to find the sleep afterwards.
    const seconds = `30.${String(process.pid).padStart(6, '0')}`;
    const file = write('blocked.grad.ts', `import { execSync } from 'node:child_process';\nconsole.log(String(process.pid));\nexecSync('exec sleep ${seconds}');\n`);
    const t0 = Date.now();
    const trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 2000 });
    const tookMs = Date.now() - t0;
    assert.equal(trace.error?.kind, 'timeout', JSON.stringify(trace.error));
    assert.match(trace.error?.message ?? '', /stopped after 2 s; it was at line 3/);
    // 2 s of the script plus a process start on a loaded machine, far from the sleep's 30 s.
    assert.ok(tookMs < 20_000, `the run took ${tookMs} ms`);
    const pid = Number(trace.console[0]?.text);
    assert.ok(Number.isInteger(pid) && pid > 0 && pid !== process.pid, `the script ran in a process of its own (${trace.console[0]?.text})`);
    await waitFor(() => !alive(pid), `the run's process ${pid} to be gone`);
    const sleeps = processesRunning(['sleep', seconds]);
    if (sleeps) await waitFor(() => processesRunning(['sleep', seconds])!.length === 0, 'the sleep the script started to be gone');
  });

  it('a warm run blocked in Atomics.wait, cancelled: its process is gone and the next warm run works', async () => {
    const file = write('wait.grad.ts', 'console.log(String(process.pid));\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n');
    prewarm({ file, workerFile: WORKER });
    const ac = new AbortController();
    const trace = await runScratch({
      file,
      workerFile: WORKER,
      warm: true,
      signal: ac.signal,
      onConsole: () => ac.abort(),
    });
    assert.equal(trace.error?.kind, 'cancelled', JSON.stringify(trace.error));
    const pid = Number(trace.console[0]?.text);
    assert.ok(pid > 0 && pid !== process.pid);
    await waitFor(() => !alive(pid), `the run's process ${pid} to be gone`);
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the next warm worker', 60_000);
    const ok = write('ok.grad.ts', "import * as tf from 'gradtape';\nconsole.log(tf.add(tf.constant(1), 2).dataSync()[0]);\n");
    const next = await runScratch({ file: ok, workerFile: WORKER, warm: true });
    assert.equal(next.error, undefined, JSON.stringify(next.error));
    assert.deepEqual(next.console.map((l) => l.text), ['3']);
  });

  it('3 GB of Buffers with a 256 MB limit: the memory error, and this process did not grow by it', async () => {
    const file = write('buffers.grad.ts', 'const keep: Buffer[] = [];\nfor (let i = 0; i < 3072; i++) keep.push(Buffer.alloc(1 << 20, 1));\nconsole.log(keep.length);\n');
    const { trace, grownMb } = await runMeasured(file, 256);
    assert.equal(trace.error?.kind, 'memory', JSON.stringify(trace.error));
    assert.match(trace.error?.message ?? '', /more than its 256 MB memory limit/);
    assert.equal(trace.error?.pos?.line, 2);
    assert.ok(grownMb < 100, `this process grew by ${grownMb.toFixed(0)} MB`);
  });

  it('one 3 GB Buffer filled in a single native call: the run process is killed past its budget, not this one', async () => {
    const file = write('one.grad.ts', 'const big = Buffer.alloc(3 * 2 ** 30, 1);\nconsole.log(big.length);\n');
    const { trace, grownMb } = await runMeasured(file, 256);
    assert.equal(trace.error?.kind, 'memory', JSON.stringify(trace.error));
    assert.match(trace.error?.message ?? '', /more than its 256 MB memory limit \(\d+ MB in use\)/);
    assert.equal(trace.console.length, 0, 'the allocation never completed');
    assert.ok(grownMb < 100, `this process grew by ${grownMb.toFixed(0)} MB`);
  });
});
