// The .vsix route: a production build of the runner and CLI (minified, esbuild-wasm's JS bundled in,
// dist/esbuild.wasm.br beside it) copied to a folder with no node_modules anywhere above it runs all
// three seed examples: the bundle step falls back to WebAssembly, "gradtape" is the worker's engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { ROOT } from '../runner/helpers';

const hasNodeModulesAbove = (dir: string): boolean => {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) return true;
    if (path.dirname(d) === d) return false;
  }
};

describe('cli: dist/ alone (no node_modules), as the .vsix ships it', function () {
  // The first WebAssembly compile of esbuild takes seconds on a loaded machine, once per example run.
  this.timeout(240_000);
  let dir = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-dist-'));
    assert.equal(hasNodeModulesAbove(dir), false, `${dir} has a node_modules above it`);
    // The same options as scripts/build.mjs --production for these targets.
    const node: esbuild.BuildOptions = { absWorkingDir: ROOT, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', external: ['esbuild'] };
    await Promise.all([
      esbuild.build({ ...node, entryPoints: ['src/runner/worker.ts'], outfile: path.join(dir, 'dist', 'worker.js'), loader: { '.py': 'text' } }),
      esbuild.build({ ...node, entryPoints: ['src/cli/main.ts'], outfile: path.join(dir, 'dist', 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
      esbuild.build({ ...node, entryPoints: ['src/runner/runProcess.ts'], outfile: path.join(dir, 'dist', 'runProcess.js') }),
      esbuild.build({ ...node, entryPoints: ['src/runner/bundlerProcess.ts'], outfile: path.join(dir, 'dist', 'bundler.js') }),
    ]);
    // The .vsix ships the binary brotli-compressed (scripts/build.mjs --production); a low quality is as good a test of the route.
    const wasm = fs.readFileSync(createRequire(__filename).resolve('esbuild-wasm/esbuild.wasm'));
    fs.writeFileSync(path.join(dir, 'dist', 'esbuild.wasm.br'), zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }));
    fs.mkdirSync(path.join(dir, 'examples'));
    for (const f of fs.readdirSync(path.join(ROOT, 'examples'))) if (f.endsWith('.grad.ts')) fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(dir, 'examples', f));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const expected: [string, RegExp][] = [
    ['01-squared-difference.grad.ts', /∂loss\/∂weights = \[\[-0\.39999998\], \[-0\.79999995\]\]/],
    ['02-watch-persistent.grad.ts', /gradients/],
    ['03-training-loop.grad.ts', /\[\[0\.02995202\],\s*\[0\.47385702\]\]/],
  ];
  for (const [file, want] of expected) {
    it(`runs examples/${file} through esbuild-wasm`, () => {
      const r = spawnSync(process.execPath, [path.join(dir, 'dist', 'cli.js'), 'run', path.join('examples', file), '--timeout', '120'], {
        cwd: dir,
        encoding: 'utf8',
        // No native esbuild can be found from here anyway; this also keeps an inherited setting out.
        // The cache folder (esbuild's WebAssembly unpacked, Node's compile cache) is the test's own.
        env: { ...process.env, GRADTAPE_BUNDLER: '', NODE_PATH: '', GRADTAPE_CACHE_DIR: path.join(dir, 'cache') },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, want);
      assert.match(r.stdout, /\d+ ops \(\d+ recorded\)/);
    });
  }

  it('the runs above unpacked esbuild.wasm.br once, into the cache folder, whole', () => {
    const cached = fs.readdirSync(path.join(dir, 'cache')).filter((f) => /^esbuild-.*\.wasm$/.test(f));
    assert.equal(cached.length, 1, cached.join(', '));
    const wasm = fs.readFileSync(createRequire(__filename).resolve('esbuild-wasm/esbuild.wasm'));
    assert.ok(fs.readFileSync(path.join(dir, 'cache', cached[0])).equals(wasm), 'the cached file is esbuild.wasm, byte for byte');
  });

  it('the native esbuild really is out of reach there (so the runs above used WebAssembly)', () => {
    const r = spawnSync(process.execPath, ['-e', 'try { require.resolve("esbuild"); console.log("found") } catch { console.log("missing") }'], { cwd: path.join(dir, 'dist'), encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'missing');
  });
});
