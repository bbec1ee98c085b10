/**
 * Errors carry TensorFlow's exact text, its `[Op:Name]` suffix (the eager op TensorFlow 2 runs
 * for that call) and the error class (API.md: "Shape errors are tf.errors.InvalidArgumentError
 * with TensorFlow-like text"; issue 3: "Errors name the op, the input and the shapes").
 */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';

const throwsExactly = (f: () => unknown, cls: new (...a: never[]) => Error, message: string): void => {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
};
const IAE = tf.errors.InvalidArgumentError;

describe('errors: TensorFlow text', () => {
  it('matmul: MatMul for matrices, BatchMatMulV2 above rank 2', () => {
    throwsExactly(() => tf.matmul([[1, 2]], [[1], [2], [3]]), IAE, 'Matrix size-incompatible: In[0]: [1,2], In[1]: [3,1] [Op:MatMul]');
    throwsExactly(() => tf.linalg.matmul(tf.zeros([2, 3]), tf.zeros([2, 3]), { transposeA: false }), IAE, 'Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3] [Op:MatMul]');
    throwsExactly(() => tf.matmul([1, 2], [[1], [2]]), IAE, 'In[0] is not a matrix. Instead it has shape [2] [Op:MatMul]');
    throwsExactly(() => tf.matmul(tf.zeros([2, 2, 3]), tf.zeros([2, 4, 4])), IAE, 'Matrix size-incompatible: In[0]: [2,2,3], In[1]: [2,4,4] [Op:BatchMatMulV2]');
    throwsExactly(() => tf.matmul(tf.zeros([2, 2, 3]), tf.zeros([3, 3, 4])), IAE, 'In[0] and In[1] must have compatible batch dimensions: [2,2,3] vs. [3,3,4] [Op:BatchMatMulV2]');
    throwsExactly(() => tf.matmul([1, 2], tf.zeros([2, 2, 2])), IAE, 'In[0] ndims must be >= 2: 1 [Op:BatchMatMulV2]');
  });

  it('oneHot: a negative depth is TF\'s OneHot error, a non-integer depth a TypeError', () => {
    throwsExactly(() => tf.oneHot([0, 1], -2), IAE, 'depth must be non-negative, got: -2 [Op:OneHot]');
    assert.throws(() => tf.oneHot([0, 1], 2.5), (e: Error) => e instanceof TypeError && /oneHot\(depth\) expects an integer, got 2\.5/.test(e.message));
    assert.deepEqual(tf.oneHot([0, 1], 0).shape, [2, 0]);
  });

  it('binary ops: Incompatible shapes, named by the eager op', () => {
    const cases: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ['AddV2', tf.add], ['Sub', tf.subtract], ['Mul', tf.multiply], ['RealDiv', tf.divide], ['Pow', tf.pow],
      ['Maximum', tf.maximum], ['Minimum', tf.minimum], ['SquaredDifference', tf.squaredDifference],
      ['Equal', tf.equal], ['Greater', tf.greater], ['Less', tf.less],
    ];
    for (const [op, f] of cases) {
      throwsExactly(() => f(tf.zeros([2, 3]), tf.zeros([4])), IAE, `Incompatible shapes: [2,3] vs. [4] [Op:${op}]`);
    }
  });

  it('where, reshape, transpose, concat, gather, slice, broadcastTo, cross-entropy, reductions', () => {
    throwsExactly(() => tf.where([true, false], [1, 2, 3], [4, 5, 6]), IAE, 'condition [2], then [3], and else [3] must be broadcastable [Op:SelectV2]');
    throwsExactly(() => tf.reshape([1, 2, 3], [2, 2]), IAE, 'Input to reshape is a tensor with 3 values, but the requested shape has 4 [Op:Reshape]');
    throwsExactly(() => tf.transpose([[1, 2]], [0, 0]), IAE, '1 is missing from {0,0}. [Op:Transpose]');
    throwsExactly(() => tf.transpose([[1, 2]], [0]), IAE, 'transpose expects a vector of size 2. But input(1) is a vector of size 1 [Op:Transpose]');
    throwsExactly(() => tf.concat([[[1, 2]], [[1, 2, 3]]], 0), IAE, 'ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [1,2] vs. shape[1] = [1,3] [Op:ConcatV2]');
    throwsExactly(() => tf.gather([1, 2], [5]), IAE, 'indices[0] = 5 is not in [0, 2) [Op:GatherV2]');
    throwsExactly(() => tf.broadcastTo([1, 2], [3, 3]), IAE, 'Unable to broadcast tensor of shape [2] to tensor of shape [3,3] [Op:BroadcastTo]');
    throwsExactly(
      () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[1, 0]], logits: [[1, 2, 3]] }),
      IAE,
      'logits and labels must be broadcastable: logits_size=[1,3] labels_size=[1,2] [Op:SoftmaxCrossEntropyWithLogits]',
    );
    throwsExactly(() => tf.reduceSum([1, 2], 3), IAE, 'Invalid reduction dimension (3 for input with 1 dimension(s) [Op:Sum]');
  });

  it('dtypes: mixing float32 and float64, float-only ops on int32', () => {
    throwsExactly(
      () => tf.add(tf.constant([1], 'float64'), tf.constant([1])),
      IAE,
      'cannot compute AddV2 as input #1(zero-based) was expected to be a double tensor but is a float tensor [Op:AddV2]',
    );
    throwsExactly(() => tf.exp(tf.constant([1], 'int32')), IAE, "Value for attr 'T' of int32 is not in the list of allowed values: half, bfloat16, float, double [Op:Exp]");
  });

  it('variables: assign (TensorFlow checks in Python) and assignAdd / assignSub (the op) with a different shape', () => {
    const v = tf.variable([1, 2], { name: 'w' });
    throwsExactly(() => v.assign([1, 2, 3]), IAE, "Cannot assign value to variable ' w:0': Shape mismatch.The variable shape (2,), and the assigned value shape (3,) are incompatible.");
    throwsExactly(() => v.assignAdd([[1, 2]]), IAE, 'Cannot update variable with shape [2] using a Tensor with shape [1,2], shapes must be equal. [Op:AssignAddVariableOp]');
    throwsExactly(() => v.assignSub(1), IAE, 'Cannot update variable with shape [2] using a Tensor with shape [], shapes must be equal. [Op:AssignSubVariableOp]');
    assert.deepEqual(v.arraySync(), [1, 2]);
  });

  it('err.op names the op; the classes are tf.errors.*', () => {
    try {
      tf.matmul([[1, 2]], [[1, 2]]);
      assert.fail('expected a throw');
    } catch (e) {
      assert.ok(e instanceof tf.errors.InvalidArgumentError && e instanceof tf.errors.OpError);
      assert.equal(e.op, 'MatMul');
    }
  });

  it('tape misuse is a RuntimeError with TensorFlow\'s text', () => {
    const x = tf.variable(1);
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.square(x));
    tape.gradient(y, x);
    throwsExactly(() => tape.gradient(y, x), tf.errors.RuntimeError, 'A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)');
    throwsExactly(() => tape.jacobian(y, x), tf.errors.RuntimeError, 'A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)');
    throwsExactly(() => tape.stopRecording(() => 0), tf.errors.RuntimeError, 'Trying to stop recording a tape which is not recording.');
    const t2 = new tf.GradientTape();
    throwsExactly(() => t2.record(() => t2.record(() => 0)), tf.errors.RuntimeError, 'Tape is still recording, This can happen if you try to re-enter an already-active tape.');
  });
});
