// A Python worker's cold start restores a cached memory snapshot of Pyodide (src/python/snapshot.ts):
// the first start makes it, later ones restore it and run the same, a snapshot that will not restore
// is replaced. Each run here is a cold one (no warm worker).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, example, WORKER } from '../runner/helpers';

const FINAL = "<tf.Variable 'Variable:0' shape=(2, 1) dtype=float32, numpy=\narray([[0.02995202],\n       [0.47385702]], dtype=float32)>";

describe('python: cold start from a cached snapshot', function () {
  this.timeout(300_000);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-pycache-'));
  const saved = process.env.GRADTAPE_CACHE_DIR;
  before(async () => {
    await buildRunner();
    await disposePython();
    // The run's process inherits the environment (src/runner/host/runProcess.ts).
    process.env.GRADTAPE_CACHE_DIR = cache;
  });
  after(() => {
    if (saved === undefined) delete process.env.GRADTAPE_CACHE_DIR;
    else process.env.GRADTAPE_CACHE_DIR = saved;
    fs.rmSync(cache, { recursive: true, force: true });
  });

  /** What the run printed, one string. */
  async function coldRun(): Promise<string> {
    const trace = await runScratch({ file: example('03-training-loop.grad.py'), workerFile: WORKER, timeoutMs: 120_000 });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    return trace.console.map((l) => l.text).join('\n');
  }
  const snapshots = (): string[] => fs.readdirSync(cache).filter((f) => f.endsWith('.bin'));

  it('the first start makes the snapshot, the next restores it (the file is not written again) and prints the same', async () => {
    const first = await coldRun();
    assert.ok(first.endsWith(FINAL), first);
    const [made] = snapshots();
    assert.ok(made, `no snapshot in ${cache}: ${fs.readdirSync(cache).join(', ')}`);
    const stat = fs.statSync(path.join(cache, made));
    assert.ok(stat.size > 1 << 20, `a snapshot of ${stat.size} bytes`);
    const second = await coldRun();
    assert.equal(second, first);
    assert.deepEqual(snapshots(), [made]);
    const again = fs.statSync(path.join(cache, made));
    assert.equal(again.ino, stat.ino);
    assert.equal(again.mtimeMs, stat.mtimeMs);
  });

  it('a snapshot that will not restore is replaced, and the run goes on', async () => {
    const [made] = snapshots();
    fs.writeFileSync(path.join(cache, made), new Uint8Array(4096));
    const out = await coldRun();
    assert.ok(out.endsWith(FINAL), out);
    assert.deepEqual(snapshots(), [made]);
    assert.ok(fs.statSync(path.join(cache, made)).size > 1 << 20);
  });
});
