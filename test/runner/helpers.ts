// Shared by the runner and CLI tests: builds dist/worker.js and dist/cli.js (the same esbuild
// options as scripts/build.mjs, development mode) once per test process.
import * as esbuild from 'esbuild';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const WORKER = path.join(ROOT, 'dist', 'worker.js');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export const fixture = (name: string): string => path.join(FIXTURES, name);

let built: Promise<void> | undefined;

export function buildRunner(): Promise<void> {
  built ??= (async () => {
    const node: esbuild.BuildOptions = {
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'error',
      external: ['esbuild'],
    };
    await Promise.all([
      esbuild.build({ ...node, entryPoints: ['src/runner/worker.ts'], outfile: WORKER }),
      esbuild.build({ ...node, entryPoints: ['src/cli/main.ts'], outfile: CLI, banner: { js: '#!/usr/bin/env node' } }),
    ]);
  })();
  return built;
}
