// The bundler thread reuses the bundle of a text it bundled lately (src/runner/bundler/serve.ts):
// Compute Gradients again on unchanged text skips esbuild and the instrumenting, but a changed text,
// or a file that imports others (which may have changed on disk), is bundled again (issue 15).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleInProcess, disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { buildRunner, WORKER } from './helpers';

describe('runner: bundles reused for unchanged text', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    await buildRunner();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-reuse-'));
  });
  after(async () => {
    await disposeBundlers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bundle = async (file: string, text: string) => {
    const r = await bundleInProcess(WORKER, 'native', file, text);
    assert.ok('code' in r, JSON.stringify(r));
    return r;
  };

  it('the same text again is answered from the kept bundle; another text is bundled', async () => {
    const file = path.join(dir, 'same.grad.ts');
    const text = "import * as tf from 'gradtape';\nconsole.log(tf.add(1, 2).dataSync()[0]);\n";
    const [first, concurrent] = await Promise.all([bundle(file, text), bundle(file, text)]);
    assert.ok(first.bundleMs > 0, 'the first request ran esbuild');
    assert.equal(concurrent.bundleMs, 0, 'a request for the same text in flight waits for that bundle');
    const again = await bundle(file, text);
    assert.equal(again.bundleMs, 0);
    assert.equal(again.code, first.code);
    assert.deepEqual(again.instrumented, first.instrumented);
    const other = await bundle(file, text.replace('1, 2', '1, 3'));
    assert.ok(other.bundleMs > 0, 'a changed text is bundled');
    assert.match(other.code, /1, 3/);
    const otherFile = await bundle(path.join(dir, 'elsewhere.grad.ts'), text);
    assert.ok(otherFile.bundleMs > 0, 'the same text in another file is bundled (paths are in the bundle)');
  });

  it('a file that imports another is bundled again each time, so an edit on disk is seen', async () => {
    const helper = path.join(dir, 'helper.ts');
    const file = path.join(dir, 'imports.grad.ts');
    const text = "import { k } from './helper';\nconsole.log(k);\n";
    fs.writeFileSync(helper, 'export const k = 41;\n');
    const first = await bundle(file, text);
    assert.match(first.code, /41/);
    fs.writeFileSync(helper, 'export const k = 42;\n');
    const second = await bundle(file, text);
    assert.ok(second.bundleMs > 0);
    assert.match(second.code, /42/);
  });
});
