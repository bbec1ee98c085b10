import assert from 'node:assert/strict';
import { computeGradient } from '../../../src/engine/testing';
import { Tensor } from '../../../src/engine/tensor';
import { constant, matmul, multiply, sin, reduceSum } from '../../../src/engine/ops/index';
import { assertClose, values } from './helpers';

describe('tf.test.computeGradient', () => {
  it("x·x at 1.0: [[2]] both ways with TF's default delta 1/1024", () => {
    const [theoretical, numerical] = computeGradient((x: Tensor) => multiply(x, x), [1.0]);
    assert.equal(theoretical.length, 1);
    assert.deepEqual(theoretical[0].shape, [1, 1]);
    assert.deepEqual(values(theoretical[0]), [2]);
    assert.deepEqual(values(numerical[0]), [2]);
    assert.equal(numerical[0].dtype, 'float32');
  });

  it("carries float32 rounding like TF: delta 1e-3 gives TF's documented 2.000004", () => {
    const [, numerical] = computeGradient((x: Tensor) => multiply(x, x), [1.0], { delta: 1e-3 });
    assert.equal(values(numerical[0])[0].toPrecision(7), '2.000004');
  });

  it('returns one [y.size, x.size] Jacobian per argument: y = A·x gives A and (for A) x', () => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const x = [[0.5], [-1], [2]];
    const [theoretical, numerical] = computeGradient((A: Tensor, X: Tensor) => matmul(A, X), [constant(a), constant(x)]);
    assert.deepEqual(theoretical.map((j) => j.shape), [
      [2, 6],
      [2, 3],
    ]);
    assert.deepEqual(values(theoretical[1]), a.flat());
    // ∂y_r/∂A_rc = x_c, zero for other rows.
    assertClose(values(theoretical[0]), [0.5, -1, 2, 0, 0, 0, 0, 0, 0, 0.5, -1, 2]);
    assertClose(values(numerical[0]), values(theoretical[0]), 1e-3);
    assertClose(values(numerical[1]), values(theoretical[1]), 1e-3);
  });

  it('agrees to 1e-8 in float64 (with a small delta), and gives zeros for an argument y does not depend on', () => {
    const x = constant([0.3, 1.1, -0.7], 'float64');
    const unused = constant([1, 2], 'float64');
    // The central difference's truncation error is about δ²·f'''/6: 1e-13 at δ = 1e-6.
    const [theoretical, numerical] = computeGradient((a: Tensor) => reduceSum(multiply(sin(a), a)), [x], { delta: 1e-6 });
    assertClose(values(numerical[0]), values(theoretical[0]), 1e-8);
    assertClose(values(theoretical[0]), [0.3, 1.1, -0.7].map((v) => Math.sin(v) + v * Math.cos(v)), 1e-12);
    const [t2, n2] = computeGradient((a: Tensor, _b: Tensor) => sin(a), [x, unused]);
    assert.deepEqual(values(t2[1]), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(values(n2[1]), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(t2[0].shape, [3, 3]);
  });

  it('does not change the tensors it is given', () => {
    const x = constant([1, 2]);
    computeGradient((a: Tensor) => multiply(a, a), [x]);
    assert.deepEqual(values(x), [1, 2]);
  });

  it('rejects integer arguments as TF does', () => {
    assert.throws(() => computeGradient((a: Tensor) => a, [constant([1], 'int32')]), /unsupported type int32/);
  });
});
