// TraceNode.attrs: each node carries its op's attributes as the op received them, as plain JSON,
// in every way the recorder builds nodes (one by one, in rows, from a lazily recorded loop step).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Trace, TraceNode } from '../../src/protocol/trace';
import { traceAttrs } from '../../src/runner/run/attrs';
import { runScratch } from '../../src/runner/host/scratchRun';
import { WORKER } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const run = (rel: string): Promise<Trace> => runScratch({ file: path.join(root, rel), workerFile: WORKER, timeoutMs: 8000 });
const nodes = (t: Trace): TraceNode[] => t.tapes.flatMap((tp) => tp.nodes);

describe('trace: op attributes', () => {
  it('plain JSON: typed arrays become lists, functions and tensors are left out, non-finite numbers become Num strings', () => {
    assert.deepEqual(traceAttrs({ perm: Int32Array.from([1, 0]), f: () => 1, y: new Map(), lo: -Infinity, keepdims: true, paddings: [[1, 0], [0, 2]] }), {
      perm: [1, 0], lo: '-Infinity', keepdims: true, paddings: [[1, 0], [0, 2]],
    });
    assert.equal(traceAttrs(undefined), undefined);
  });

  it('records axis, begin/size, multiples, paddings, transposes and reduction axes as the ops received them', async () => {
    const t = await run('test/webview/fixtures/ops-shape.grad.ts');
    const byOp = (op: string) => nodes(t).filter((n) => n.op === op).map((n) => n.attrs);
    assert.deepEqual(byOp('ConcatV2'), [{ axis: 1 }]);
    assert.deepEqual(byOp('Pack'), [{ axis: 1 }]);
    assert.deepEqual(byOp('Slice'), [{ begin: [0, 1], size: [2, 3] }, { begin: [0, 0], size: [2, 2] }]);
    assert.deepEqual(byOp('Tile'), [{ multiples: [2, 1] }]);
    assert.deepEqual(byOp('Pad'), [{ paddings: [[1, 0], [0, 2]] }]);
    assert.deepEqual(byOp('MatMul'), [{ transposeA: false, transposeB: false }]);
    assert.deepEqual(byOp('Mean'), [{ axes: [0, 1], keepdims: false }]);
    assert.deepEqual(byOp('Mul'), [undefined, undefined], 'ops without attributes carry none');
  });

  it('nodes of later loop steps (rows, lazily recorded steps) carry their attributes too', async () => {
    const t = await run('test/fixtures/runner-long-training.grad.ts');
    const means = nodes(t).filter((n) => n.op === 'Mean');
    assert.ok(means.length >= 2, `${means.length} Mean nodes`);
    for (const n of means) assert.deepEqual(n.attrs, { axes: [0, 1], keepdims: false });
    for (const n of nodes(t).filter((x) => x.op === 'MatMul')) assert.deepEqual(n.attrs, { transposeA: false, transposeB: false });
  });
});
