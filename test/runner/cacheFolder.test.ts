// The processes the runner forks get Node's compile cache in the cache folder (src/runner/shared/cache.ts
// compileCacheEnv, through host/forkOwn.ts), but a script still sees the user's environment: the variable is dropped from its thread's copy,
// and a NODE_COMPILE_CACHE of the user's own is passed through untouched.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { disposeRunWorkers, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, WORKER } from './helpers';

const TEXT = 'console.log(JSON.stringify([process.env.NODE_COMPILE_CACHE ?? null, process.env.GRADTAPE_OWN_COMPILE_CACHE ?? null]));\n';

describe("runner: the cache folder and the script's environment", function () {
  this.timeout(120_000);
  let dir: string;
  const saved = { cache: process.env.GRADTAPE_CACHE_DIR, node: process.env.NODE_COMPILE_CACHE };
  before(async () => {
    await buildRunner();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-cache-'));
    // A warm worker of another test file was started with another environment.
    await disposeRunWorkers();
  });
  afterEach(() => disposeRunWorkers());
  after(async () => {
    await disposeBundlers();
    for (const [k, v] of [['GRADTAPE_CACHE_DIR', saved.cache], ['NODE_COMPILE_CACHE', saved.node]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const printed = async (): Promise<unknown> => {
    const file = path.join(dir, 'env.grad.ts');
    fs.writeFileSync(file, TEXT);
    const trace = await runScratch({ file, text: TEXT, workerFile: WORKER });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    return JSON.parse(trace.console[0].text);
  };

  it("the compile cache of ours is not in the script's environment", async () => {
    process.env.GRADTAPE_CACHE_DIR = dir;
    delete process.env.NODE_COMPILE_CACHE;
    assert.deepEqual(await printed(), [null, null]);
  });

  it("a NODE_COMPILE_CACHE of the user's own reaches the script as it was", async () => {
    process.env.GRADTAPE_CACHE_DIR = dir;
    process.env.NODE_COMPILE_CACHE = path.join(dir, 'users-own');
    assert.deepEqual(await printed(), [path.join(dir, 'users-own'), null]);
  });
});
