// The Python runtime's own behaviour: operators and broadcasting, slicing, literal dtypes, `with`
// nesting, keyword arguments, exceptions and print formats, each against TF 2's documented output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { disposePython, runScratch, type RunStage } from '../../src/runner/host/scratchRun';
import { buildRunner, WORKER } from '../runner/helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-py-'));
let n = 0;
async function py(source: string, timeoutMs = 60_000): Promise<{ out: string[]; trace: Trace }> {
  const file = path.join(dir, `t${++n}.grad.py`);
  fs.writeFileSync(file, source);
  const trace = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs });
  return { out: trace.console.map((l) => l.text), trace };
}

describe('python: the runtime', function () {
  this.timeout(180_000);
  before(() => buildRunner());
  after(() => disposePython());

  it('operators, broadcasting, literal dtypes and print formats', async () => {
    const { out, trace } = await py(`import tensorflow as tf
a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
print(a)
print(tf.constant(3).dtype, tf.constant(3.0).dtype, tf.constant(True).dtype, tf.constant([1, 2]).dtype)
print((a + 1).numpy().tolist(), (1 - a).numpy().tolist(), (a * [10.0, 100.0]).numpy().tolist())
print((a / 2).numpy().tolist(), (a ** 2).numpy().tolist(), (-a).numpy().tolist(), (a @ a).numpy().tolist())
print((a // 2).numpy().tolist(), (a % 3).numpy().tolist(), (a > 2).numpy().tolist())
print(tf.constant(6.0))
print(repr(tf.constant([1.5, 2.25])))
print(float(tf.constant(2.5)), int(tf.constant(7)), f"{tf.constant(2.5):.2f}")
print(tf.float32, tf.float32 == tf.float32, a.dtype == tf.float32, a.shape, a.shape[0])
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, [
      'tf.Tensor(',
      '[[1. 2.]',
      ' [3. 4.]], shape=(2, 2), dtype=float32)',
      'tf.int32 tf.float32 tf.bool tf.int32',
      '[[2.0, 3.0], [4.0, 5.0]] [[0.0, -1.0], [-2.0, -3.0]] [[10.0, 200.0], [30.0, 400.0]]',
      '[[0.5, 1.0], [1.5, 2.0]] [[1.0, 4.0], [9.0, 16.0]] [[-1.0, -2.0], [-3.0, -4.0]] [[7.0, 10.0], [15.0, 22.0]]',
      '[[0.0, 1.0], [1.0, 2.0]] [[1.0, 2.0], [0.0, 1.0]] [[False, False], [True, True]]',
      'tf.Tensor(6.0, shape=(), dtype=float32)',
      '<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1.5 , 2.25], dtype=float32)>',
      '2.5 7 2.50',
      'tf.float32 True True (2, 2) 2',
    ]);
  });

  it('slicing: ints, slices, steps, ..., None', async () => {
    const { out, trace } = await py(`import tensorflow as tf
a = tf.reshape(tf.range(12.0), [3, 4])
for t in [a[0], a[:, 1], a[1:, 1:3], a[::-1, 0], a[..., None], a[1, 2], a[-1]]:
    print(t.shape, t.numpy().tolist())
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, [
      '(4,) [0.0, 1.0, 2.0, 3.0]',
      '(3,) [1.0, 5.0, 9.0]',
      '(2, 2) [[5.0, 6.0], [9.0, 10.0]]',
      '(3,) [8.0, 4.0, 0.0]',
      '(3, 4, 1) [[[0.0], [1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0], [7.0]], [[8.0], [9.0], [10.0], [11.0]]]',
      '() 6.0',
      '(4,) [8.0, 9.0, 10.0, 11.0]',
    ]);
  });

  it("indexing is tf.strided_slice, as TF's _slice_helper docstring shows it, with its errors and gradient", async () => {
    const { out, trace } = await py(`import tensorflow as tf
foo = tf.constant([1, 2, 3, 4, 5, 6])
print(foo[2:-2].numpy().tolist())
foo = tf.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
print(foo[::2, ::-1].numpy().tolist())
print(foo[tf.constant(0), tf.constant(2)].numpy())
print(foo[tf.newaxis, :, :].numpy().tolist(), foo[tf.newaxis, ...].shape, foo[tf.newaxis].shape)
print(foo[:, tf.newaxis, :].numpy().tolist())
print(foo[:, :, tf.newaxis].numpy().tolist())
print(foo[foo > 2].numpy().tolist())
print(foo[-1, 1:], foo[..., 0].numpy().tolist(), foo[1:, ..., None].shape, foo[::-2, 2].numpy().tolist())
for bad in ["foo[5]", "foo[1.5]", "foo[..., ...]", "foo[::0]", "foo[tf.constant([0, 1])]", "foo[0, 0, 0]", "foo[tf.constant([True, False])]"]:
    try:
        eval(bad)
    except Exception as e:
        print(type(e).__name__, str(e).split(" [Op:")[0])
x = tf.Variable([1.0, 2.0, 3.0, 4.0, 5.0])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(x[::2] * 3.0) + x[-1] + tf.reduce_sum(x[x > 3.5])
print(tape.gradient(y, x).numpy().tolist())
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, [
      '[3, 4]',
      '[[3, 2, 1], [9, 8, 7]]',
      '3',
      '[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]] (1, 3, 3) (1, 3, 3)',
      '[[[1, 2, 3]], [[4, 5, 6]], [[7, 8, 9]]]',
      '[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]',
      '[3, 4, 5, 6, 7, 8, 9]',
      'tf.Tensor([8 9], shape=(2,), dtype=int32) [1, 4, 7] (2, 3, 1) [9, 3]',
      'InvalidArgumentError slice index 5 of dimension 0 out of bounds.',
      'TypeError Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices, got 1.5',
      'InvalidArgumentError Multiple ellipses in slice spec not allowed',
      'InvalidArgumentError strides[0] must be non-zero',
      "TypeError Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices, got <tf.Tensor: shape=(2,), dtype=int32, numpy=array([0, 1], dtype=int32)>",
      'InvalidArgumentError Index out of range using input dim 2; input has only 2 dims',
      'ValueError Shapes (3,) and (2,) are incompatible',
      '[3.0, 0.0, 3.0, 1.0, 5.0]',
    ]);
    const slice = trace.tapes[0].nodes.find((n) => n.op === 'StridedSlice');
    assert.equal(slice?.pos?.line, 19);
    assert.equal(slice?.pos?.column, '    y = tf.reduce_sum(x['.length); // the `[`, as for .grad.ts
  });

  it('with nesting, stop_recording, the accumulator, custom gradients and keyword arguments', async () => {
    const { out, trace } = await py(`import tensorflow as tf
x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as t1:
    with tf.GradientTape() as t2:
        y = x ** 3
    dy = t2.gradient(y, x)
print(float(dy), float(t1.gradient(dy, x)))
with tf.GradientTape() as tape:
    with tape.stop_recording():
        q = x * 2
    r = x * 3 + q
print(float(tape.gradient(r, x)))
w = tf.Variable(1.0)
with tf.GradientTape() as tape:
    z = tf.constant(2.0) * 3
print(tape.gradient(z, w))
primal = tf.constant(1.1)
with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as acc:
    yy = primal ** 3
print(acc.jvp(yy))
@tf.custom_gradient
def clip_grad(v):
    def grad(upstream):
        return tf.clip_by_value(upstream, -0.1, 0.1)
    return v, grad
a = tf.constant([1.0, 2.0])
with tf.GradientTape() as tape:
    tape.watch(a)
    out = clip_grad(a) * 5
print(tape.gradient(out, a).numpy().tolist())
m = tf.constant([[1.0, 2.0]])
print(tf.matmul(m, m, transpose_b=True).numpy().tolist(), tf.reduce_sum(m, axis=1, keepdims=True).shape)
print(isinstance(x, tf.Variable), isinstance(x, tf.Tensor), isinstance(m, tf.Variable))
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, [
      '12.0 12.0',
      '3.0',
      'None',
      'tf.Tensor(3.63, shape=(), dtype=float32)',
      '[0.10000000149011612, 0.10000000149011612]',
      '[[5.0]] (1, 1)',
      'True True False',
    ]);
  });

  it('an op knows its line and column from the call (operators, literals on either side, the module functions, a helper function)', async () => {
    const { trace } = await py(`import tensorflow as tf
def scaled(a, b):
    return a * b + 1.0
x = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    y = scaled(x, 3.0)
    z = 2.0 - -y
    s = tf.reduce_sum(z)
print(tape.gradient(s, x).numpy().tolist())
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(trace.console.map((l) => l.text), ['[3.0, 3.0]']);
    const nodes = trace.tapes[0].nodes.map((n) => [n.op, n.pos?.line, n.pos?.column]);
    // The spans a .grad.ts run gives: the operator for `a * b`, the callee's last identifier for a call.
    assert.deepEqual(nodes, [
      ['Mul', 3, '    return a '.length + 1],
      ['Add', 3, '    return a * b '.length + 1],
      ['Neg', 7, '    z = 2.0 - '.length + 1],
      ['Sub', 7, '    z = 2.0 '.length + 1],
      ['Sum', 8, '    s = tf.'.length + 1],
    ]);
  });

  it("a temporary passed to a function of the file takes the parameter's name (def, lambda, keyword)", async () => {
    const { trace } = await py(`import tensorflow as tf
def loss_of(w, scale=1.0):
    return tf.reduce_sum(w * w) * scale
sq = lambda v: v * v
a = tf.Variable([1.0, 2.0])
with tf.GradientTape() as tape:
    s = tf.constant(2.0)
    loss = loss_of(tf.add(a, 1.0), scale=s * 3.0) + tf.reduce_sum(sq(a[0:1])) + tf.reduce_sum(loss_of(a))
print(tape.gradient(loss, a).numpy().tolist())
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(trace.console.map((l) => l.text), ['[28.0, 40.0]']);
    const named = trace.tapes[0].nodes.filter((n) => n.name && !n.name.startsWith('#')).map((n) => [n.name, n.op]);
    // `a` passed as itself keeps its own name; only temporaries take the parameter's.
    assert.deepEqual(named, [['w', 'Add'], ['v', 'StridedSlice'], ['loss', 'Add']]);
    // `s * 3.0` is not on the tape (nothing watched flows in); the tape lists it as the leaf `scale`.
    assert.ok(trace.tapes[0].leaves.some((l) => l.name === 'scale'), JSON.stringify(trace.tapes[0].leaves));
  });

  it("numpy.random follows numpy's legacy stream (MT19937, polar Box-Muller with the kept second value)", async () => {
    // The same program under numpy 2.4.6 (np.random's legacy RandomState) printed these; the
    // algorithm is numpy's mt19937_seed + legacy_double + legacy_gauss (see numpy/__init__.py).
    const { out, trace } = await py(`import numpy as np
np.random.seed(0); print(np.random.rand(3).tolist()); print(np.random.randn(3).tolist())
np.random.seed(0); print(np.random.randn(2,2).tolist(), float(np.random.randn()))
np.random.seed(42); print(np.random.uniform(-1, 2, size=3).tolist(), np.random.normal(5.0, 0.5, size=2).tolist(), np.random.randint(0, 10, size=5).tolist(), int(np.random.randint(7)))
np.random.seed(123); print(float(np.random.normal()), float(np.random.rand()))
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, [
      '[0.5488135039273248, 0.7151893663724195, 0.6027633760716439]',
      '[-2.268328201180374, 1.3335453816218967, -0.8427240538292873]',
      '[[1.764052345967664, 0.4001572083672233], [0.9787379841057392, 2.240893199201458]] 1.8675579901499675',
      '[0.12362035654208747, 1.8521429192297485, 1.1959818254342154] [4.44405994097654, 5.159451092344692] [2, 6, 7, 4, 3] 2',
      '-1.0856306033005612 0.2268514535642031',
    ]);
  });

  it("operators pass their arguments through WebAssembly memory: right on either side, with each literal kind, after the memory grows", async () => {
    const { out, trace } = await py(`import tensorflow as tf
i = tf.constant([3, -4])
b = tf.constant([True, False])
f = tf.constant([1.5, -2.0])
def show():
    print((i * 2).numpy().tolist(), (7 - i).numpy().tolist(), (i // 2).numpy().tolist(), (b == True).numpy().tolist(), abs(i).numpy().tolist())
    print((f * 2).numpy().tolist(), (1 / f).numpy().tolist(), (2 ** f).numpy().tolist(), (f - 0.25).numpy().tolist(), (-f).numpy().tolist(), (f > -1).numpy().tolist())
    print((f * 2).dtype, (tf.reshape(f, [1, 2]) @ tf.reshape(f, [2, 1])).numpy().tolist())
show()
# Python's memory grows (WebAssembly's memory.grow detaches every view of it): the operators still read theirs.
big = [bytearray(1 << 20) for _ in range(96)]
show()
del big
try:
    f * tf.constant([1, 2])
except tf.errors.InvalidArgumentError as e:
    print(type(e).__name__)
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    const shown = [
      '[6, -8] [4, 11] [1, -2] [True, False] [3, 4]',
      '[3.0, -4.0] [0.6666666865348816, -0.5] [2.8284270763397217, 0.25] [1.25, -2.25] [-1.5, 2.0] [True, False]',
      'tf.float32 [[6.25]]',
    ];
    assert.deepEqual(out, [...shown, ...shown, 'InvalidArgumentError']);
  });

  it('tensors Python no longer holds are freed on the JavaScript side', async () => {
    const { out, trace } = await py(`import tensorflow as tf
import _gradtape
x = tf.constant([1.5, 2.0])
w = tf.constant(1.0001)
for i in range(20000):
    y = x * w + 1.0
print(_gradtape.heldCount() < 3000)
`);
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.deepEqual(out, ['True']);
  });

  it('errors read like Python: NameError at its line, InvalidArgumentError, SyntaxError, a missing module', async () => {
    const name = await py('import tensorflow as tf\nx = 1\nprint(undefined_name)\n');
    assert.equal(name.trace.error?.name, 'NameError');
    assert.equal(name.trace.error?.pos?.line, 3);
    assert.match(name.trace.error?.stack ?? '', /^Traceback \(most recent call last\):\n {2}File ".*t\d+\.grad\.py", line 3, in <module>\n {4}print\(undefined_name\)\nNameError: name 'undefined_name' is not defined$/);
    const shape = await py('import tensorflow as tf\na = tf.constant([[1.0, 2.0]])\nb = tf.constant([[1.0], [2.0], [3.0]])\nc = tf.matmul(a, b)\n');
    assert.equal(shape.trace.error?.name, 'InvalidArgumentError');
    assert.equal(shape.trace.error?.pos?.line, 4);
    assert.match(shape.trace.error?.message ?? '', /Matrix size-incompatible: In\[0\]: \[1,2\], In\[1\]: \[3,1\]/);
    const syntax = await py('import tensorflow as tf\nx = (1,\n');
    assert.equal(syntax.trace.error?.kind, 'syntax');
    assert.equal(syntax.trace.error?.name, 'SyntaxError');
    assert.equal(syntax.trace.error?.pos?.line, 2);
    const torch = await py('import torch\n');
    assert.equal(torch.trace.error?.name, 'ModuleNotFoundError');
    assert.match(torch.trace.error?.message ?? '', /No module named 'torch'.*tensorflow, numpy, matplotlib\.pyplot/);
  });

  it('the time limit stops a Python loop that runs no op, and keeps what was printed before', async () => {
    const { out, trace } = await py('import tensorflow as tf\nprint(tf.constant(1.0))\nn = 0\nwhile True:\n    n += 1\n', 3000);
    assert.equal(trace.error?.kind, 'timeout');
    // The loop's line, from Python's frame when the host's sampler asked (no op ran in the loop).
    assert.match(trace.error?.message ?? '', /^stopped after 3 s; it was at line [45]$/);
    assert.ok([4, 5].includes(trace.error?.pos?.line ?? 0), JSON.stringify(trace.error));
    assert.deepEqual(out, ['tf.Tensor(1.0, shape=(), dtype=float32)']);
  });

  it('says when its script starts (stage "taken", which Compute Gradients opens the panel by), before it ends', async () => {
    const file = path.join(dir, `t${++n}.grad.py`);
    fs.writeFileSync(file, 'import tensorflow as tf\nprint(tf.constant(1.0) + 1)\n');
    const stages: RunStage[] = [];
    const trace = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs: 60_000, onStage: (s) => stages.push(s) });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    assert.equal(stages.filter((s) => s === 'taken').length, 1, stages.join(', '));
    assert.ok(stages.indexOf('taken') < stages.indexOf('ended'), stages.join(', '));
  });
});
