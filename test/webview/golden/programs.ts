import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
/** Programs whose slow or failing runs have no gradient to inspect (time limits, crashes, syntax errors). */
const SKIP = new Set(['runner-infinite-loop.grad.ts', 'runner-timeout-training.grad.ts', 'runner-huge-allocation.grad.ts', 'runner-tla-unsettled.grad.ts', 'runner-process-exit.grad.ts', 'editor-slow.grad.ts', 'runner-deep-recursion.grad.ts']);

/**
 * Programs newer than the old panel math the golden was captured with, which had no model of their ops
 * (Conv2D, MaxPool): nothing to compare. test/runner/inspector.test.ts checks the inspector on those ops.
 */
const AFTER_CAPTURE = new Set(['08-conv-digits.grad.ts', '12-keras-conv-digits.grad.ts']);

/** Every fixture and example program the inspector golden covers. */
export function goldenPrograms(): string[] {
  const dirs = ['examples', 'test/fixtures', 'test/webview/fixtures'];
  return dirs.flatMap((d) =>
    fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.grad.ts') && !SKIP.has(f) && !AFTER_CAPTURE.has(f)).sort().map((f) => path.join(root, d, f)),
  );
}
