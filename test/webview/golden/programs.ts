import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
/** Programs whose slow or failing runs have no gradient to inspect (time limits, crashes, syntax errors). */
const SKIP = new Set(['runner-infinite-loop.grad.ts', 'runner-timeout-training.grad.ts', 'runner-huge-allocation.grad.ts', 'runner-tla-unsettled.grad.ts', 'runner-process-exit.grad.ts', 'editor-slow.grad.ts', 'runner-deep-recursion.grad.ts']);

/**
 * Programs written after the old panel's math was deleted (there is nothing to capture their golden
 * with); the inspector's answers for their ops are the engine's, tested per op in test/engine.
 */
const AFTER_OLD_PANEL = new Set(['08-keras-iris.grad.ts', '09-keras-subclassed-model.grad.ts']);

/** Every fixture and example program the inspector golden covers. */
export function goldenPrograms(): string[] {
  const dirs = ['examples', 'test/fixtures', 'test/webview/fixtures'];
  return dirs.flatMap((d) =>
    fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.grad.ts') && !SKIP.has(f) && !AFTER_OLD_PANEL.has(f)).sort().map((f) => path.join(root, d, f)),
  );
}
