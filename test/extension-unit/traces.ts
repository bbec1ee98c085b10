// Hand-made traces shaped like the runner's output for the seed examples, so the editor's text
// can be tested without a worker. Lines and columns match examples/01 and examples/03.
import type { Num, Trace, TraceGradient, TraceTape, ValueSummary } from '../../src/protocol/trace';

export function vs(values: number[], shape: number[], dtype: ValueSummary['dtype'] = 'float32'): ValueSummary {
  const f = dtype === 'float32' ? values.map(Math.fround) : values;
  const sum = f.reduce((a, b) => a + b, 0);
  return {
    shape, dtype, size: f.length,
    min: Math.min(...f), max: Math.max(...f), mean: f.length ? sum / f.length : 0,
    norm: Math.hypot(...f), nanCount: 0, infCount: 0,
    first: f.slice(0, 8) as Num[], values: f as Num[],
  };
}

function emptyTrace(file: string): Trace {
  return {
    version: 1, file, startedAt: '2026-11-26T14:00:00.000Z', durationMs: 12, ok: true, console: [],
    tapes: [], gradients: [], curves: [], diagnostics: [], unrecordedLines: [],
    stats: { ops: 0, recordedOps: 0, tapes: 0, gradientCalls: 0, droppedSteps: 0 },
  };
}

/** examples/01-squared-difference.grad.ts */
export function squaredDifferenceTrace(): Trace {
  const t = emptyTrace('/ws/01-squared-difference.grad.ts');
  const tape: TraceTape = {
    id: 1, persistent: false, watchAccessedVariables: true, pos: { line: 9, column: 14 }, name: 'tape', step: 0, detailed: true,
    nodeCount: 2, bytes: 64,
    leaves: [
      { tensorId: 1, kind: 'constant', name: 'input', watched: false, value: vs([1, 2], [1, 2]), pos: { line: 5, column: 18 } },
      { tensorId: 2, kind: 'variable', name: 'weights', trainable: true, watched: true, value: vs([0.25, 0.15], [2, 1]), pos: { line: 6, column: 20 } },
      { tensorId: 3, kind: 'constant', name: 'yTrue', watched: false, value: vs([0.75], []), pos: { line: 7, column: 18 } },
    ],
    nodes: [
      { id: 10, op: 'MatMul', inputs: [{ name: 'a', tensorId: 1 }, { name: 'b', tensorId: 2 }], outputId: 4, output: vs([0.55], [1, 1]), pos: { line: 11, column: 28 }, name: 'output', tapeIds: [1] },
      { id: 11, op: 'SquaredDifference', inputs: [{ name: 'a', tensorId: 3 }, { name: 'b', tensorId: 4 }], outputId: 5, output: vs([0.04], [1, 1]), pos: { line: 13, column: 18 }, tapeIds: [1] },
    ],
  };
  const g: TraceGradient = {
    id: 1, kind: 'gradient', tapeId: 1, pos: { line: 16, column: 24 }, step: 0,
    targets: [{ tensorId: 5, name: 'loss', value: vs([0.04], [1, 1]) }],
    sources: [{ tensorId: 2, name: 'weights', gradient: vs([-0.39999998, -0.79999995], [2, 1]) }],
    adjoints: [{ tensorId: 5, value: vs([1], [1, 1]) }, { tensorId: 4, value: vs([-0.4], [1, 1]) }, { tensorId: 2, value: vs([-0.39999998, -0.79999995], [2, 1]) }],
    resultName: 'gradients',
  };
  t.tapes.push(tape);
  t.gradients.push(g);
  t.unrecordedLines = [5, 6, 7];
  t.stats = { ops: 2, recordedOps: 2, tapes: 1, gradientCalls: 1, droppedSteps: 0 };
  return t;
}

/** examples/03-training-loop.grad.ts: three steps of one tape line. */
export function trainingLoopTrace(): Trace {
  const t = emptyTrace('/ws/03-training-loop.grad.ts');
  const weightsPerStep = [[0.55, 0.75], [0.4, 0.6], [0.2, 0.5]];
  const gradsPerStep = [[1.1, 2.2], [0.9, 0.45], [-0.2, 0.3]];
  const lossPerStep = [0.21, 0.1, 0.05];
  for (let step = 0; step < 3; step++) {
    const base = 100 * (step + 1);
    t.tapes.push({
      id: step + 1, persistent: false, watchAccessedVariables: true, pos: { line: 11, column: 16 }, name: 'tape', step, detailed: true,
      nodeCount: 3, bytes: 96,
      leaves: [{ tensorId: 2, kind: 'variable', name: 'weights', trainable: true, watched: true, value: vs(weightsPerStep[step], [2, 1]), pos: { line: 5, column: 20 } }],
      nodes: [
        { id: base + 1, op: 'Reshape', inputs: [{ name: 'x', tensorId: base + 50 }], outputId: base + 1, output: vs([5, 2], [1, 2]), pos: { line: 13, column: 40 }, tapeIds: [step + 1] },
        { id: base + 2, op: 'MatMul', inputs: [{ name: 'a', tensorId: base + 1 }, { name: 'b', tensorId: 2 }], outputId: base + 2, output: vs([0.5], [1, 1]), pos: { line: 13, column: 30 }, name: 'output', tapeIds: [step + 1] },
        { id: base + 3, op: 'SquaredDifference', inputs: [{ name: 'a', tensorId: base + 51 }, { name: 'b', tensorId: base + 2 }], outputId: base + 3, output: vs([lossPerStep[step]], [1, 1]), pos: { line: 14, column: 20 }, tapeIds: [step + 1] },
      ],
    });
    t.gradients.push({
      id: step + 1, kind: 'gradient', tapeId: step + 1, pos: { line: 16, column: 26 }, step,
      targets: [{ tensorId: base + 3, name: 'loss', value: vs([lossPerStep[step]], [1, 1]) }],
      sources: [{ tensorId: 2, name: 'weights', gradient: vs(gradsPerStep[step], [2, 1]) }],
      adjoints: [], resultName: 'gradients',
    });
  }
  t.unrecordedLines = [4, 5, 6, 8, 17];
  t.curves.push({ name: 'loss', kind: 'target', points: lossPerStep.map((value, step) => ({ step, value })) });
  return t;
}

/** examples/02 without tape.watch: the gradient of the constant `weights` is null. */
export function unwatchedTrace(): Trace {
  const t = squaredDifferenceTrace();
  const tape = t.tapes[0];
  tape.leaves[1] = { tensorId: 2, kind: 'constant', name: 'weights', watched: false, value: vs([0.25, 0.15], [2, 1]), pos: { line: 6, column: 18 } };
  tape.nodes = [];
  tape.nodeCount = 0;
  t.gradients[0].sources[0] = { tensorId: 2, name: 'weights', gradient: null, nullReason: { kind: 'notWatched', message: 'weights is a constant that no tape watched', pos: { line: 6, column: 18 } } };
  t.gradients[0].adjoints = [];
  t.diagnostics.push({ severity: 'warning', code: 'unwatchedSource', message: 'The gradient with respect to weights is null: weights is a constant that no tape watched.', pos: { line: 16, column: 24 }, data: { tapeId: 1, tensorId: 2, name: 'weights' } });
  return t;
}
