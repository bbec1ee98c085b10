// Warm start of .grad.ts runs (src/runner/host/runWorkers.ts): a run worker with the engine loaded
// waits for the next run, each run takes it, and a new one is prepared after the run, so runs stay
// isolated (issue 15).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers } from '../../src/runner/host/bundlerThread';
import { disposeRunWorkers, prewarm, runScratch, runWarm } from '../../src/runner/host/scratchRun';
import { DEFAULT_MEMORY_MB } from '../../src/protocol/settings';
import { buildRunner, WORKER } from './helpers';

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

  it('the next run\'s worker starts as a warm run takes its own, so back-to-back runs find it; each run has a process of its own', async () => {
    const file = write('pid.grad.ts', "console.log(String(process.pid));\n");
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'a warm worker');
    const preparedDuringRun: boolean[] = [];
    const pids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const trace = await runScratch({ file, workerFile: WORKER, warm: true, onConsole: () => preparedDuringRun.push(runWarm(WORKER, DEFAULT_MEMORY_MB)) });
      assert.equal(trace.error, undefined, JSON.stringify(trace.error));
      pids.push(trace.console[0].text);
    }
    assert.deepEqual(preparedDuringRun, [true, true, true], 'the next worker was there while each run ran');
    assert.equal(new Set(pids).size, 3, `three runs, three processes: ${pids.join(', ')}`);
    assert.ok(!pids.includes(String(process.pid)));
  });

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
    const loop = write('loop.grad.ts', "import * as tf from 'gradtape';\nlet x = tf.constant(0);\nfor (;;) x = tf.add(x, 1);\n");
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'a warm worker');
    const trace = await runScratch({ file: loop, workerFile: WORKER, timeoutMs: 500, warm: true });
    assert.equal(trace.error?.kind, 'timeout');
    assert.equal(trace.error?.pos?.line, 3);
    await waitFor(() => runWarm(WORKER, DEFAULT_MEMORY_MB), 'the next warm worker');
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
