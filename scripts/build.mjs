// One esbuild build() per target, as in vscode-hexeditor's .esbuild.config.js.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, what ships in the .vsix
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The WebAssembly kernels first: the engine's bundles embed them (src/engine/wasm/generated/, gitignored).
await (await import('./buildWasm.mjs')).buildWasm();
// The Python runtime's signature table, read from the engine's declarations (src/python/generated/, gitignored).
await (await import('./pySignatures.mjs')).buildPySignatures();

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  target: 'es2022',
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

/** @type {import('esbuild').BuildOptions[]} */
export const targets = [
  // The extension host: the only bundle that imports vscode. Never contains the engine.
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'esbuild'] },
  // The runner's worker thread: engine + the code that turns engine events into a Trace.
  // The Python runtime's modules ride along as text (src/python/runtime/files.ts).
  { ...node, entryPoints: ['src/runner/worker.ts'], outfile: 'dist/worker.js', external: ['esbuild'], loader: { '.py': 'text' } },
  // A run's own process (src/runner/runProcess.ts): starts the run worker thread and relays; no engine inside.
  { ...node, entryPoints: ['src/runner/runProcess.ts'], outfile: 'dist/runProcess.js' },
  // The bundler's own process (src/runner/bundlerProcess.ts): esbuild (native, or its WebAssembly build inside) and the instrumenting.
  { ...node, entryPoints: ['src/runner/bundlerProcess.ts'], outfile: 'dist/bundler.js', external: ['esbuild'] },
  // The command-line tool (package.json bin.gradtape).
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['esbuild'], banner: { js: '#!/usr/bin/env node' } },
  // The engine alone, as user files and outside programs import it.
  { ...node, entryPoints: ['src/engine/index.ts'], outfile: 'dist/engine.js' },
  // The runner as the extension host loads it: on the first run, never at activation (src/extension/extension.ts).
  { ...node, entryPoints: ['src/runner/host/scratchRun.ts'], outfile: 'dist/runner.js', external: ['esbuild'] },
  // The TypeScript server plugin that types `import * as tf from "gradtape"` in .grad.ts files; tsserver loads it
  // by package name from the extension's node_modules (scripts/editorBuild.mjs writes its package.json).
  { ...node, entryPoints: ['src/tsPlugin/index.ts'], outfile: 'node_modules/gradtape-ts-plugin/index.js', sourcemap: false },
  // The webview panel (browser).
  // `//# allFunctionsCalledOnLoad` (V8's explicit compile hint, Chrome 136+): every function is compiled on the
  // thread that streams the script in as the page loads, not on the main thread when first called, which was
  // the first draw (1,000 nodes: 42-56 → 26-29 ms; the page's load took no longer: docs/panel.md).
  { ...common, platform: 'browser', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', banner: { js: '//# allFunctionsCalledOnLoad' } },
  // The integration suite, loaded by the extension host (test-electron's run() contract): index.js plus one
  // bundle per test/integration/*.test.ts, which index.js finds by listing its own folder at run time.
  { ...node, entryPoints: ['test/integration/index.ts', ...integrationTests()], outdir: 'out/test/integration', outbase: 'test/integration', external: ['vscode', 'mocha'], sourcemap: 'inline', minify: false },
];

function integrationTests() {
  const dir = path.join(root, 'test/integration');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/integration/${f}`) : [];
}

// While the layout is being filled in, a development build skips a target whose entry file does not exist yet
// (with a notice); a production build (what ships) requires every entry.
const missing = (t) => t.entryPoints.filter((e) => !fs.existsSync(path.join(root, e)));
for (const t of targets.filter((t) => missing(t).length)) {
  if (production) {
    console.error(`gradtape: build entry missing: ${missing(t).join(', ')}`);
    process.exit(1);
  }
  console.log(`gradtape: skipping ${t.outfile ?? t.outdir} (${missing(t).join(', ')} not written yet)`);
}
const present = targets.filter((t) => !missing(t).length);

if (watch) {
  for (const t of present) await (await esbuild.context({ ...t, sourcemap: 'linked', minify: false })).watch();
  console.log('gradtape: watching for changes');
} else {
  const started = Date.now();
  // Stale bundles of deleted integration tests would still be found and run: remove those (only those, so a
  // suite already running from this folder keeps its files).
  const itOut = path.join(root, 'out/test/integration');
  const wanted = new Set(integrationTests().map((f) => path.basename(f).replace(/\.ts$/, '.js')));
  if (fs.existsSync(itOut)) for (const f of fs.readdirSync(itOut)) if (f.endsWith('.test.js') && !wanted.has(f)) fs.rmSync(path.join(itOut, f));
  try {
    await Promise.all(present.map((t) => esbuild.build(t)));
  } catch {
    // esbuild has already printed each error with its file and line.
    process.exit(1);
  }
  // The engine's .d.ts for the TypeScript plugin, and the plugin's package.json.
  (await import('./editorBuild.mjs')).buildEditorExtras();
  // The runner's portable bundle step: esbuild-wasm's JS is bundled into dist/worker.js, its
  // WebAssembly binary sits next to it (src/runner/bundler/bundleScratch.ts looks there first; docs/runner.md).
  shipEsbuildWasm();
  shipPyodide();
  shipPythonModules();
  // Their .pyi stubs, written by the runtime itself in a Python worker (scripts/pyStubs.mjs; only when changed).
  await (await import('./pyStubs.mjs')).buildPyStubs();
  console.log(`gradtape: built ${present.length} targets in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}

/**
 * Development builds copy esbuild.wasm as it is. The production build (what the .vsix ships) writes it
 * brotli-compressed instead: 14 MB becomes 2.7 MB, which keeps the .vsix under 3 MB. Compressing at
 * quality 11 takes ~30 s, so the result is cached per esbuild-wasm version under node_modules/.cache.
 */
function shipEsbuildWasm() {
  const req = createRequire(import.meta.url);
  const src = req.resolve('esbuild-wasm/esbuild.wasm');
  const plain = path.join(root, 'dist/esbuild.wasm');
  const packed = plain + '.br';
  fs.rmSync(production ? plain : packed, { force: true });
  if (!production) return fs.copyFileSync(src, plain);
  const version = JSON.parse(fs.readFileSync(req.resolve('esbuild-wasm/package.json'), 'utf8')).version;
  const cached = path.join(root, 'node_modules/.cache/gradtape', `esbuild-${version}.wasm.br`);
  if (!fs.existsSync(cached)) {
    const z = zlib.constants;
    const br = zlib.brotliCompressSync(fs.readFileSync(src), { params: { [z.BROTLI_PARAM_QUALITY]: 11, [z.BROTLI_PARAM_LGWIN]: 24 } });
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, br);
  }
  fs.copyFileSync(cached, packed);
}

/**
 * Pyodide (CPython compiled to WebAssembly) runs .grad.py files; its files sit in dist/pyodide/, where
 * src/python/runThread.ts looks first (the .vsix has no node_modules). Copied only when changed.
 */
function shipPyodide() {
  const req = createRequire(import.meta.url);
  const src = path.dirname(req.resolve('pyodide/package.json'));
  const out = path.join(root, 'dist/pyodide');
  fs.mkdirSync(out, { recursive: true });
  for (const f of ['pyodide.js', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json', 'package.json']) {
    const from = path.join(src, f);
    const to = path.join(out, f);
    if (!fs.existsSync(to) || fs.statSync(to).size !== fs.statSync(from).size) fs.copyFileSync(from, to);
  }
}

/**
 * The Python runtime's modules as files too (the worker has them as text): dist/python/ is what Pylance's
 * `python.analysis.extraPaths` can point at, so `import tensorflow` resolves in a .grad.py (docs/python.md).
 */
function shipPythonModules() {
  const src = path.join(root, 'src/python/runtime');
  const out = path.join(root, 'dist/python');
  for (const rel of ['tensorflow/__init__.py', 'numpy/__init__.py', 'matplotlib/__init__.py', 'matplotlib/pyplot.py']) {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.copyFileSync(path.join(src, rel), path.join(out, rel));
  }
}
