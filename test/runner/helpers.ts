// Shared by the runner and CLI tests: builds dist/worker.js, dist/runProcess.js, dist/bundler.js and dist/cli.js (the same esbuild
// options as scripts/build.mjs, development mode) once per test process.
import * as esbuild from 'esbuild';
import path from 'node:path';
// @ts-expect-error a build script without types
import { buildPySignatures } from '../../scripts/pySignatures.mjs';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const WORKER = path.join(ROOT, 'dist', 'worker.js');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export const fixture = (name: string): string => path.join(FIXTURES, name);
/** The seed article's programs are the examples themselves (examples/), not copies. */
export const EXAMPLES = path.join(ROOT, 'examples');
export const example = (name: string): string => path.join(EXAMPLES, name);

/** Whether a process (a run's, its children) still exists. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

let built: Promise<void> | undefined;

export function buildRunner(): Promise<void> {
  built ??= (async () => {
    // The Python runtime's signature table (scripts/build.mjs makes it the same way).
    await buildPySignatures();
    const node: esbuild.BuildOptions = {
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'error',
      external: ['esbuild'],
      loader: { '.py': 'text' },
    };
    await Promise.all([
      esbuild.build({ ...node, entryPoints: ['src/runner/worker.ts'], outfile: WORKER }),
      esbuild.build({ ...node, entryPoints: ['src/cli/main.ts'], outfile: CLI, banner: { js: '#!/usr/bin/env node' } }),
      // A run's own process, which starts dist/worker.js as its thread (src/runner/runProcess.ts).
      esbuild.build({ ...node, entryPoints: ['src/runner/runProcess.ts'], outfile: path.join(ROOT, 'dist', 'runProcess.js') }),
      // The bundler's own process (src/runner/bundlerProcess.ts).
      esbuild.build({ ...node, entryPoints: ['src/runner/bundlerProcess.ts'], outfile: path.join(ROOT, 'dist', 'bundler.js') }),
    ]);
  })();
  return built;
}

/** Fixture, warning code, the line it is reported at (also asserted through the CLI: test/cli/cli.test.ts). */
export const WARNING_CASES: [string, string, number][] = [
  ['runner-unwatched-constant.grad.ts', 'unwatchedSource', 5],
  ['runner-non-persistent-reuse.grad.ts', 'nonPersistentReuse', 12],
  ['runner-non-scalar-target.grad.ts', 'nonScalarTarget', 7],
  ['runner-integer-dtype.grad.ts', 'integerDtype', 6],
  ['runner-left-engine.grad.ts', 'leftEngine', 8],
  ['runner-gradient-in-record.grad.ts', 'gradientInRecord', 8],
];
