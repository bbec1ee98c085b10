import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, constantToVariableEdit, diagnosticRange, insertWatchEdit, persistentEdit } from '../../src/extension/format/sourceEdits';

const unwatched = `import * as tf from "gradtape";

const x = tf.constant([[1.0, 2.0]]);
const tape = new tf.GradientTape();
const y = tape.record(() => {
  const z = tf.square(x);
  return tf.reduceSum(z);
});
const g = tape.gradient(y, x);
`;

describe('diagnostic ranges and quick-fix edits', () => {
  it('underlines the whole call that starts at the column, or the word', () => {
    const lines = unwatched.split('\n');
    // Column 16 is `gradient` (V8 reports the method name); the range widens to the member chain and its arguments.
    assert.deepEqual(diagnosticRange(lines, { line: 9, column: 16 }), { start: { line: 8, character: 10 }, end: { line: 8, character: 29 } });
    assert.deepEqual(diagnosticRange(lines, { line: 3, column: 7 }), { start: { line: 2, character: 6 }, end: { line: 2, character: 7 } });
    assert.deepEqual(diagnosticRange(lines, { line: 3, column: 7 }, { line: 3, column: 9 }), { start: { line: 2, character: 6 }, end: { line: 2, character: 8 } });
  });

  it('inserts tape.watch(x) as the first statement of the record block', () => {
    const edits = insertWatchEdit(unwatched, 'tape', 'x', 3)!;
    assert.equal(applyEdits(unwatched, edits), unwatched.replace('record(() => {\n', 'record(() => {\n  tape.watch(x);\n'));
  });

  it('turns an expression-bodied record into a block with tape.watch', () => {
    const text = 'const tape = new tf.GradientTape();\nconst y = tape.record(() => tf.square(x));\n';
    assert.equal(applyEdits(text, insertWatchEdit(text, 'tape', 'x')!), 'const tape = new tf.GradientTape();\nconst y = tape.record(() => { tape.watch(x); return tf.square(x); });\n');
  });

  it('turns tf.constant into tf.variable only when it has one argument', () => {
    assert.equal(applyEdits(unwatched, constantToVariableEdit(unwatched, 'x')!), unwatched.replace('tf.constant(', 'tf.variable('));
    assert.equal(constantToVariableEdit('const x = tf.constant([1, 2], "int32");', 'x'), undefined);
    assert.equal(constantToVariableEdit(unwatched, 'nope'), undefined);
  });

  it('makes the tape persistent, with or without options', () => {
    assert.equal(applyEdits(unwatched, persistentEdit(unwatched, 3)!), unwatched.replace('GradientTape()', 'GradientTape({ persistent: true })'));
    const withOpts = 'const t = new tf.GradientTape({ watchAccessedVariables: false });';
    assert.equal(applyEdits(withOpts, persistentEdit(withOpts, 0)!), 'const t = new tf.GradientTape({ persistent: true, watchAccessedVariables: false });');
    const off = 'const t = new tf.GradientTape({ persistent: false });';
    assert.equal(applyEdits(off, persistentEdit(off, 0)!), 'const t = new tf.GradientTape({ persistent: true });');
  });

  it('fixes the seed example 02 without its tape.watch line', () => {
    const seed = readFileSync(path.join(__dirname, '../../examples/02-watch-persistent.grad.ts'), 'utf8').replace('  tape.watch(weights);\n', '');
    const fixed = applyEdits(seed, insertWatchEdit(seed, 'tape', 'weights', 9)!);
    assert.match(fixed, /tape\.record\(\(\) => \{\n {2}tape\.watch\(weights\);\n {2}const output/);
  });
});
