import assert from 'node:assert/strict';
import { formatHover, resolveHover, type HoverQuery } from '../../src/extension/format/hover';
import { TraceIndex } from '../../src/extension/format/traceIndex';
import { squaredDifferenceTrace, trainingLoopTrace, unwatchedTrace } from './traces';

const uri = 'file:///ws/01-squared-difference.grad.ts';

function hover(trace: ReturnType<typeof squaredDifferenceTrace>, q: HoverQuery): string | undefined {
  const index = TraceIndex.of(trace);
  const subject = resolveHover(index, q);
  return subject && formatHover(index, subject, { docUri: uri });
}

describe('derivative hovers', () => {
  it('shows a variable with its value and the derivative of the loss through it', () => {
    const md = hover(squaredDifferenceTrace(), { line: 11, startColumn: 42, endColumn: 49, word: 'weights' })!;
    assert.match(md, /\*\*weights\*\* · Variable · shape=\(2, 1\), dtype=float32/);
    assert.ok(md.includes('weights = [[0.25], [0.15]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
  });

  it('shows an op call by its column, with the adjoint through it and a Show in graph link', () => {
    const md = hover(squaredDifferenceTrace(), { line: 11, startColumn: 28, endColumn: 34, word: 'matmul' })!;
    assert.match(md, /\*\*output\*\* · MatMul/);
    assert.ok(md.includes('∂loss/∂output = [[-0.4]]'), md);
    const link = /\[Show in graph\]\(command:gradtape\.showInGraph\?([^)]+)\)/.exec(md);
    assert.ok(link, md);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), { uri, nodeId: 10 });
  });

  it('over tape.gradient shows the target and every result', () => {
    const md = hover(squaredDifferenceTrace(), { line: 16, startColumn: 24, endColumn: 32, word: 'gradient' })!;
    assert.match(md, /\*\*tape\.gradient\*\* · 1 source/);
    assert.ok(md.includes('loss = [[0.04]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
    // The variable holding the result answers the same way.
    const byName = hover(squaredDifferenceTrace(), { line: 17, startColumn: 1, endColumn: 10, word: 'gradients' })!;
    assert.ok(byName.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), byName);
  });

  it('in a training loop shows the last step and "step k of N"', () => {
    const md = hover(trainingLoopTrace(), { line: 5, startColumn: 7, endColumn: 14, word: 'weights' })!;
    assert.match(md, /step 3 of 3/);
    assert.ok(md.includes('weights = [[0.2], [0.5]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.2], [0.3]]'), md);
    assert.ok(!md.includes('[[1.1], [2.2]]'), 'earlier steps are not shown');
  });

  it('explains a null gradient and links to the line that caused it', () => {
    const md = hover(unwatchedTrace(), { line: 16, startColumn: 24, endColumn: 32, word: 'gradient' })!;
    assert.ok(md.includes('∂loss/∂weights = null'), md);
    assert.ok(md.includes('`∂loss/∂weights` is null: weights is a constant that no tape watched ([line 6](file:///ws/01-squared-difference.grad.ts#L6,18))'), md);
  });

  it('says nothing for words the trace does not know', () => {
    assert.equal(hover(squaredDifferenceTrace(), { line: 3, startColumn: 1, endColumn: 7, word: 'import' }), undefined);
  });

  it('describes the tape at new tf.GradientTape', () => {
    const md = hover(trainingLoopTrace(), { line: 11, startColumn: 23, endColumn: 35, word: 'GradientTape' })!;
    assert.match(md, /\*\*GradientTape tape\*\* · 3 ops recorded · step 3 of 3/);
    assert.match(md, /∂loss\/∂weights/);
  });
});

describe('derivative hovers: targets', () => {
  it('a gradient target shows its value but not the trivial ∂loss/∂loss', () => {
    const index = TraceIndex.of(squaredDifferenceTrace());
    const subject = resolveHover(index, { line: 13, startColumn: 18, endColumn: 35, word: 'squaredDifference' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('loss = [[0.04]]'), md);
    assert.ok(!md.includes('∂loss/∂loss'), md);
  });
});

describe('derivative hovers: unwatched constants', () => {
  it('a constant no tape watched says why it has no derivative', () => {
    const index = TraceIndex.of(squaredDifferenceTrace());
    const subject = resolveHover(index, { line: 11, startColumn: 35, endColumn: 40, word: 'input' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('input = [[1., 2.]]'), md);
    assert.ok(md.includes('No tape watched `input`, so no gradient flows to it'), md);
    // A watched variable gets no such note.
    const w = formatHover(index, resolveHover(index, { line: 11, startColumn: 42, endColumn: 49, word: 'weights' })!, { docUri: uri });
    assert.ok(!w.includes('No tape watched'), w);
  });
});

describe('derivative hovers: curves', () => {
  it('a loss in a loop shows its trend over the steps', () => {
    const index = TraceIndex.of(trainingLoopTrace());
    const subject = resolveHover(index, { line: 14, startColumn: 20, endColumn: 37, word: 'squaredDifference' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('loss over 3 steps: 0.21 → 0.1 → 0.05 (min 0.05 at step 3)'), md);
  });
});
