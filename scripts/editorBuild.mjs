// The editor's build steps beyond esbuild's targets (called by scripts/build.mjs):
//  1. the engine's declarations, dist/types/**/*.d.ts, for `import * as tf from "gradtape"` in .grad.ts files;
//  2. the package.json of the TypeScript server plugin, node_modules/gradtape-ts-plugin/ (its index.js is
//     an esbuild target). tsserver loads plugins by package name from the extension's node_modules only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const PLUGIN_DIR = path.join(root, 'node_modules', 'gradtape-ts-plugin');
const TYPES_ENTRY = path.join(root, 'dist', 'types', 'engine', 'index.d.ts');

/** The newest modification time of any file below dir (what a generated file is compared with). */
export function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Writes the plugin's package.json, and the engine's .d.ts files when the engine changed since the last emit. */
export function buildEditorExtras({ force = false } = {}) {
  fs.mkdirSync(PLUGIN_DIR, { recursive: true });
  const pkg = { name: 'gradtape-ts-plugin', version: '0.1.0', private: true, main: 'index.js', description: 'Types for `import * as tf from "gradtape"` in .grad.ts files.' };
  fs.writeFileSync(path.join(PLUGIN_DIR, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

  const engineIndex = path.join(root, 'src', 'engine', 'index.ts');
  if (!fs.existsSync(engineIndex)) {
    console.log('gradtape: skipping dist/types (src/engine/index.ts not written yet)');
    return;
  }
  const stale = force || !fs.existsSync(TYPES_ENTRY) || fs.statSync(TYPES_ENTRY).mtimeMs < Math.max(newestMtime(path.join(root, 'src', 'engine')), newestMtime(path.join(root, 'src', 'protocol')));
  if (!stale) return;
  const started = Date.now();
  fs.rmSync(path.join(root, 'dist', 'types'), { recursive: true, force: true });
  try {
    // Declarations are emitted even when the engine has a type error somewhere (noEmitOnError: false).
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.types.json'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    if (!fs.existsSync(TYPES_ENTRY)) {
      console.error(`gradtape: could not emit dist/types:\n${err.stdout ?? err}`);
      throw err;
    }
  }
  console.log(`gradtape: emitted dist/types in ${Date.now() - started} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildEditorExtras({ force: process.argv.includes('--force') });
