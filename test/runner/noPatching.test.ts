// The runner learns what the engine does from observer events only (src/engine/observer.ts): no
// file under src/runner replaces an engine method. A source scan, since a patch works silently.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';

/** What the run thread may patch: the thread's own globals, never the engine. */
const PATCHABLE = new Set(['Error', 'console', 'process']);

/** Lines of `text` that reach into a prototype or patch something other than the thread's globals. */
export function patchesIn(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    // Reading Object.prototype.hasOwnProperty is fine; any other prototype is an engine class's.
    const prototype = /\bprototype\b/.test(code.replace(/Object\.prototype\.hasOwnProperty/g, ''));
    const patched = [...code.matchAll(/\bpatch\(\s*([\w.]+)/g)].some((m) => !PATCHABLE.has(m[1]));
    if (prototype || patched || /\bwrapGradient\b|\bsetPrototypeOf\b|\bdefineProperty\(/.test(code)) found.push(`${i + 1}: ${line.trim()}`);
  });
  return found;
}

function runnerFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? runnerFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('runner: patches nothing of the engine', () => {
  it('the scan finds the patches the runner used to make', () => {
    assert.equal(patchesIn('const tapeProto = engine.GradientTape.prototype as unknown as Record<string, unknown>;').length, 1);
    assert.equal(patchesIn("  patch(varProto, 'assign', function () {});").length, 1);
    assert.equal(patchesIn("wrapGradient(accumulator?.prototype, 'jvp');").length, 1);
    assert.equal(patchesIn("engine.Variable.prototype.assign = wrapped;").length, 1);
    assert.deepEqual(patchesIn("patch(console, 'log', f);\nconst had = Object.prototype.hasOwnProperty.call(t, k); // a prototype"), []);
  });

  it('no file under src/runner assigns to or wraps an engine prototype', () => {
    const files = runnerFiles(path.join(ROOT, 'src', 'runner'));
    assert.ok(files.length > 10);
    const found = files.flatMap((f) => patchesIn(fs.readFileSync(f, 'utf8')).map((l) => `${path.relative(ROOT, f)}:${l}`));
    assert.deepEqual(found, []);
  });
});
