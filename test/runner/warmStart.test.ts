// Warm start of .grad.ts runs (src/runner/host/runWorkers.ts): a run worker with the engine loaded
// waits for the next run, each run takes it, and a new one is prepared after the run, so runs stay
// isolated (issue 15).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { disposeRunWorkers, prewarm, runReady, runScratch, runWarm, type RunStage } from '../../src/runner/host/scratchRun';
import { DEFAULT_MEMORY_MB } from '../../src/protocol/settings';
import { alive, buildRunner, WORKER } from './helpers';

describe('runner: warm start of .grad.ts runs', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await buildRunner();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-warm-'));
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
  const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
    const until = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setImmediate(r));
    }
  };

  it('prewarm readies a run worker; each warm run takes it and prepares the next, and runs stay isolated', async () => {
    const leak = write('leak.grad.ts', "import * as tf from 'gradtape';\n(globalThis as Record<string, unknown>).leaked = tf.constant([1, 2]);\nconsole.log('set');\n");
    const check = write('check.grad.ts', "import * as tf from 'gradtape';\nconsole.log(typeof (globalThis as Record<string, unknown>).leaked, tf.add(tf.constant(1), 2).dataSync()[0]);\n");
    prewarm({ file: leak, text: fs.readFileSync(leak, 'utf8'), workerFile: WORKER });
    assert.equal(runWarm(WORKER, DEFAULT_MEMORY_MB), true, 'a worker waits after prewarm');
    const first = await runScratch({ file: leak, workerFile: WORKER, warm: true });
    assert.equal(first.error, undefined, JSON.stringify(first.error));
    assert.deepEqual(first.console.map((l) => l.text), ['set']);
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the next warm worker');
    const second = await runScratch({ file: check, workerFile: WORKER, warm: true });
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    // A fresh thread: nothing the first run left on its globals is seen by the second.
    assert.deepEqual(second.console.map((l) => l.text), ['undefined 3']);
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the third warm worker');
  });

  it('a finished run\'s process is recycled with a fresh thread; a run that reached past the engine gets a new process', async () => {
    const pure = write('pure.grad.ts', "import * as tf from 'gradtape';\nconst g = globalThis as Record<string, unknown>;\ng.count = ((g.count as number | undefined) ?? 0) + 1;\nconsole.log(String(process.pid), g.count, tf.add(1, 2).dataSync()[0]);\n");
    const reach = write('reach.grad.ts', "import fs from 'node:fs';\nconsole.log(String(process.pid), fs.existsSync('/'));\n");
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'a warm worker');
    const run = async (file: string): Promise<string[]> => {
      const trace = await runScratch({ file, workerFile: WORKER, warm: true });
      assert.equal(trace.error, undefined, JSON.stringify(trace.error));
      return trace.console[0].text.split(' ');
    };
    const a = await run(pure);
    const b = await run(pure);
    const c = await run(reach);
    const d = await run(pure);
    // Every run has a fresh thread: the global the previous run counted up is not there.
    assert.deepEqual([a.slice(1), b.slice(1), d.slice(1)], [['1', '3'], ['1', '3'], ['1', '3']]);
    assert.equal(c[1], 'true');
    const pids = [a[0], b[0], c[0], d[0]];
    assert.ok(!pids.includes(String(process.pid)), 'runs never run in the caller');
    if (process.platform === 'linux') {
      // The engine-only runs left nothing behind: their process served the next run with a new thread.
      assert.equal(b[0], a[0], `recycled: ${pids.join(', ')}`);
      assert.equal(c[0], b[0], `recycled: ${pids.join(', ')}`);
      // The run that imported a module of Node's was not trusted to leave its process clean.
      assert.notEqual(d[0], c[0], `a new process after a run that reached past the engine: ${pids.join(', ')}`);
    } else {
      assert.equal(new Set(pids).size, 4, `a process per run where recycling is off: ${pids.join(', ')}`);
    }
  });

  if (process.platform === 'linux') {
    it('back to back, the next run takes the spare thread its predecessor\'s process loaded during the run', async () => {
      const pure = write('spare.grad.ts', "import * as tf from 'gradtape';\nconst g = globalThis as Record<string, unknown>;\ng.count = ((g.count as number | undefined) ?? 0) + 1;\nconsole.log(String(process.pid), g.count, tf.add(1, 2).dataSync()[0]);\n");
      await waitFor(() => runReady(WORKER, DEFAULT_MEMORY_MB), 'a warm worker with the engine loaded');
      const run = async (): Promise<{ out: string[]; stages: Set<RunStage> }> => {
        const stages = new Set<RunStage>();
        const trace = await runScratch({ file: pure, workerFile: WORKER, warm: true, onStage: (s) => stages.add(s) });
        assert.equal(trace.error, undefined, JSON.stringify(trace.error));
        return { out: trace.console[0].text.split(' '), stages };
      };
      const first = await run();
      // The spare was started as the first run began: by the time the process hands it on, its engine is loaded.
      await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the recycled worker');
      assert.equal(runReady(WORKER, DEFAULT_MEMORY_MB), true, 'the recycled worker arrives with its engine loaded');
      const second = await run();
      // Right as the second ends: the third waits for the recycling, then finds its thread running.
      const third = await run();
      for (const r of [second, third]) assert.ok(!r.stages.has('online'), `the run found its thread running: ${[...r.stages].join(', ')}`);
      assert.deepEqual([first, second, third].map((r) => r.out[0]), [first.out[0], first.out[0], first.out[0]], 'one process, recycled');
      // Still a fresh thread each time: nothing the previous run set on its globals is seen.
      assert.deepEqual([first, second, third].map((r) => r.out.slice(1)), [['1', '3'], ['1', '3'], ['1', '3']]);
    });

    it('a run stopped at its limit takes its spare with its process; nothing lingers after disposeRunWorkers', async () => {
      const loop = write('spareLoop.grad.ts', "import * as tf from 'gradtape';\nconsole.log(String(process.pid));\nlet x = tf.constant(0);\nfor (;;) x = tf.add(x, 1);\n");
      const ok = write('spareOk.grad.ts', "import * as tf from 'gradtape';\nconsole.log(String(process.pid), tf.add(1, 2).dataSync()[0]);\n");
      await waitFor(() => runReady(WORKER, DEFAULT_MEMORY_MB), 'a warm worker with the engine loaded');
      const stopped = await runScratch({ file: loop, workerFile: WORKER, timeoutMs: 1000, warm: true });
      assert.equal(stopped.error?.kind, 'timeout', JSON.stringify(stopped.error));
      const killed = Number(stopped.console[0]?.text);
      assert.ok(killed > 0 && killed !== process.pid, stopped.console[0]?.text);
      await waitFor(() => !alive(killed), `the stopped run's process ${killed} (and its spare) to be gone`);
      const pids = [killed];
      for (let i = 0; i < 2; i++) {
        const trace = await runScratch({ file: ok, workerFile: WORKER, warm: true });
        assert.equal(trace.error, undefined, JSON.stringify(trace.error));
        const [pid, three] = trace.console[0].text.split(' ');
        assert.equal(three, '3');
        pids.push(Number(pid));
      }
      assert.notEqual(pids[1], killed, 'a killed run\'s process is never reused');
      assert.equal(pids[2], pids[1], 'a clean run\'s process is');
      await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the recycled worker');
      await disposeRunWorkers();
      for (const pid of pids) await waitFor(() => !alive(pid), `process ${pid} to be gone after disposeRunWorkers`);
    });

    it('with a spare loading beside it, a warm run past its memory limit in one native call is still stopped', async () => {
      prewarm({ workerFile: WORKER, memoryMb: 256 });
      await waitFor(() => runReady(WORKER, 256), 'a warm worker with the engine loaded');
      const file = write('spareBig.grad.ts', 'console.log(String(process.pid));\nconst big = Buffer.alloc(3 * 2 ** 30, 1);\nconsole.log(big.length);\n');
      const trace = await runScratch({ file, workerFile: WORKER, memoryMb: 256, timeoutMs: 60_000, warm: true });
      assert.equal(trace.error?.kind, 'memory', JSON.stringify(trace.error));
      assert.match(trace.error?.message ?? '', /more than its 256 MB memory limit \(\d+ MB in use\)/);
      assert.equal(trace.console.length, 1, 'the allocation never completed');
      const pid = Number(trace.console[0].text);
      await waitFor(() => !alive(pid), `the run's process ${pid} to be gone`);
      await disposeRunWorkers();
    });
  }

  it('prewarm without a file (the extension\'s activation) readies a run worker', async () => {
    await disposeRunWorkers();
    prewarm({ workerFile: WORKER });
    assert.equal(runWarm(WORKER, DEFAULT_MEMORY_MB), true);
    const file = write('after.grad.ts', "import * as tf from 'gradtape';\nconsole.log(tf.multiply(tf.constant(2), 4).dataSync()[0]);\n");
    const trace = await runScratch({ file, workerFile: WORKER, warm: true });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(trace.console.map((l) => l.text), ['8']);
  });

  it('a run with another memory limit starts its own worker and leaves the warm one for later', async () => {
    const file = write('small.grad.ts', "import * as tf from 'gradtape';\nconsole.log(tf.square(tf.constant(3)).dataSync()[0]);\n");
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'a warm worker');
    const trace = await runScratch({ file, workerFile: WORKER, memoryMb: 256 });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(trace.console.map((l) => l.text), ['9']);
    assert.equal(runWarm(WORKER, DEFAULT_MEMORY_MB), true);
  });

  it('a warm worker keeps the limits: a run past its time limit is stopped and the next run is warm again', async () => {
    const loop = write('loop.grad.ts', "import * as tf from 'gradtape';\nconsole.log(String(process.pid));\nlet x = tf.constant(0);\nfor (;;) x = tf.add(x, 1);\n");
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'a warm worker');
    const trace = await runScratch({ file: loop, workerFile: WORKER, timeoutMs: 500, warm: true });
    assert.equal(trace.error?.kind, 'timeout');
    assert.equal(trace.error?.pos?.line, 4);
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the next warm worker');
    const pidFile = write('pidAfter.grad.ts', 'console.log(String(process.pid));\n');
    const next = await runScratch({ file: pidFile, workerFile: WORKER, warm: true });
    assert.match(trace.console[0]?.text ?? '', /^\d+$/);
    assert.notEqual(next.console[0].text, trace.console[0].text, 'a run stopped at its limit never leaves its process for another');
  });

  it('after disposeRunWorkers no worker waits', async () => {
    await disposeRunWorkers();
    assert.equal(runWarm(WORKER, DEFAULT_MEMORY_MB), false);
    const file = write('cold.grad.ts', "console.log('cold');\n");
    const trace = await runScratch({ file, workerFile: WORKER, warm: true });
    assert.deepEqual(trace.console.map((l) => l.text), ['cold']);
    assert.equal(runWarm(WORKER, DEFAULT_MEMORY_MB), false, 'warm start stays off until prewarm');
  });
});
