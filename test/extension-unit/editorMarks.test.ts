import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeLenses, gutterLines, inlineValues } from '../../src/extension/format/editorMarks';
import { squaredDifferenceTrace, trainingLoopTrace } from './traces';

const example = (name: string) => readFileSync(path.join(__dirname, '../../examples', name), 'utf8').split('\n');

describe('CodeLens, inline values and gutter lines', () => {
  it('puts one lens per tape, over new GradientTape, with ops and derivatives (none on tape.record)', () => {
    const lenses = codeLenses(squaredDifferenceTrace(), example('01-squared-difference.grad.ts'));
    assert.deepEqual(lenses.map((l) => [l.line, l.title]), [[9, '2 ops recorded · ∂loss/∂weights · Show graph']]);
    assert.equal(lenses[0].nodeId, 10);
  });

  it('puts the lens on tape.record when the tape\'s creation spans lines, still once', () => {
    const lines = example('01-squared-difference.grad.ts');
    lines.splice(8, 1, 'const tape = new tf', '  .GradientTape();');
    const t = squaredDifferenceTrace();
    t.tapes[0].pos = { line: 9, column: 14 };
    assert.deepEqual(codeLenses(t, lines).map((l) => [l.line, l.title]), [[11, '2 ops recorded · ∂loss/∂weights · Show graph']]);
  });

  it('puts the lens of a .grad.py tape on its with line', () => {
    const t = squaredDifferenceTrace();
    t.tapes[0].pos = { line: 18, column: 6 };
    const lenses = codeLenses(t, example('01-squared-difference.grad.py'));
    assert.deepEqual(lenses.map((l) => [l.line, l.title]), [[18, '2 ops recorded · ∂loss/∂weights · Show graph']]);
  });

  it('counts steps in a loop', () => {
    const lenses = codeLenses(trainingLoopTrace(), example('03-training-loop.grad.ts'));
    assert.equal(lenses[0].line, 11);
    assert.equal(lenses[0].title, '3 ops recorded per step × 3 steps · ∂loss/∂weights · Show graph');
  });

  it('gives the gradient at the gradient line and the loss at the line that computed it', () => {
    assert.deepEqual(inlineValues(squaredDifferenceTrace()), [
      { line: 13, text: 'loss = [[0.04]]', kind: 'loss' },
      { line: 16, text: '∂loss/∂weights = [[-0.39999998], [-0.79999995]]', kind: 'gradient' },
    ]);
    const loop = inlineValues(trainingLoopTrace());
    assert.deepEqual(loop.map((v) => v.text), ['loss = [[0.05]] (step 2 of 0–2)', '∂loss/∂weights = [[-0.2], [0.3]] (step 2 of 0–2)']);
  });

  it('shows the error message at the error line', () => {
    const t = squaredDifferenceTrace();
    t.ok = false;
    t.error = { kind: 'exception', name: 'InvalidArgumentError', message: 'Matrix size-incompatible: In[0]: [1,2], In[1]: [3,1]\n  at …', pos: { line: 11, column: 28 } };
    const err = inlineValues(t).find((v) => v.kind === 'error');
    assert.deepEqual(err, { line: 11, text: 'InvalidArgumentError: Matrix size-incompatible: In[0]: [1,2], In[1]: [3,1]', kind: 'error' });
    assert.deepEqual(gutterLines(t), { recorded: [13], unrecorded: [5, 6, 7], error: [11] });
  });

  it('marks recorded and unrecorded lines', () => {
    assert.deepEqual(gutterLines(trainingLoopTrace()), { recorded: [13, 14], unrecorded: [4, 5, 6, 8, 17], error: [] });
  });
});

describe('long loops', () => {
  it('a loop of 200,000 steps keeps the last step without overflowing the call stack', () => {
    const base = trainingLoopTrace();
    const t = { ...base, tapes: [...base.tapes], gradients: [...base.gradients] };
    for (let step = 3; step < 200_000; step++) {
      t.tapes.push({ ...base.tapes[2], id: step + 1, step, detailed: false, nodes: [], leaves: [] });
      t.gradients.push({ ...base.gradients[2], id: step + 1, tapeId: step + 1, step });
    }
    const values = inlineValues(t);
    assert.match(values.find((v) => v.kind === 'gradient')!.text, /\(step 199999 of 0–199999\)$/);
    assert.match(codeLenses(t, example('03-training-loop.grad.ts'))[0].title, /^3 ops recorded per step × 200000 steps/);
  });
});
