// One esbuild build() per target, as in vscode-hexeditor's .esbuild.config.js.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, what ships in the .vsix
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The WebAssembly kernels first: the engine's bundles embed them (src/engine/wasm/generated/, gitignored).
await (await import('./buildWasm.mjs')).buildWasm();

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
  { ...node, entryPoints: ['src/runner/worker.ts'], outfile: 'dist/worker.js', external: ['esbuild'] },
  // The command-line tool (package.json bin.gradtape).
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['esbuild'], banner: { js: '#!/usr/bin/env node' } },
  // The engine alone, as user files and outside programs import it.
  { ...node, entryPoints: ['src/engine/index.ts'], outfile: 'dist/engine.js' },
  // The webview panel (browser).
  { ...common, platform: 'browser', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  // The integration suite, loaded by the extension host (test-electron's run() contract).
  { ...node, entryPoints: ['test/integration/index.ts'], outfile: 'out/test/integration/index.js', external: ['vscode', 'mocha'], sourcemap: 'inline', minify: false },
];

if (watch) {
  for (const t of targets) await (await esbuild.context({ ...t, sourcemap: 'linked', minify: false })).watch();
  console.log('gradtape: watching for changes');
} else {
  const started = Date.now();
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`gradtape: built ${targets.length} targets in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
