/** Elementwise ops: one forward value and one gradient worked out by hand, per op. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { SigmoidGrad, TanhGrad } from '../../../src/engine/ops/index';
import { close, grads, value } from './helpers';

const c = (v: tf.TensorLike): tf.Tensor => tf.constant(v as number);

describe('elementwise ops', () => {
  it('add: [1,2]+[3,4]; a scalar b collects the sum of dy', () => {
    close(tf.add([1, 2], [3, 4]).arraySync(), [4, 6]);
    const [da, db] = grads((a, b) => tf.add(a, b), [c([1, 2]), c(10)]);
    close(value(da), [1, 1]);
    close(value(db), 2);
  });

  it('subtract: ∂/∂b = −1', () => {
    close(tf.subtract([5, 3], [1, 1]).arraySync(), [4, 2]);
    close(value(grads((a, b) => tf.subtract(a, b), [c([5, 3]), c([1, 1])])[1]), [-1, -1]);
  });

  it('multiply: ∂/∂a = b', () => {
    close(tf.multiply([2, 3], [4, 5]).arraySync(), [8, 15]);
    close(value(grads((a, b) => tf.multiply(a, b), [c([2, 3]), c([4, 5])])[0]), [4, 5]);
  });

  it('divide: ∂/∂b = −a/b²; int32 divides as float64 (truediv)', () => {
    close(tf.divide([1, 4], [2, 8]).arraySync(), [0.5, 0.5]);
    close(value(grads((a, b) => tf.divide(a, b), [c([1, 4]), c([2, 8])])[1]), [-0.25, -0.0625]);
    const q = tf.divide(tf.constant([7], 'int32'), tf.constant([2], 'int32'));
    assert.equal(q.dtype, 'float64');
    close(q.arraySync(), [3.5]);
  });

  it('pow: 2³ = 8; ∂/∂a = 3·2² = 12, ∂/∂b = 8·ln 2', () => {
    close(tf.pow(2, 3).arraySync(), 8);
    const [da, db] = grads((a, b) => tf.pow(a, b), [c(2), c(3)]);
    close(value(da), 12);
    close(value(db), 8 * Math.LN2, 1e-6);
  });

  it('maximum / minimum route dy to the chosen side', () => {
    close(tf.maximum([1, 5], [3, 2]).arraySync(), [3, 5]);
    close(tf.minimum([1, 5], [3, 2]).arraySync(), [1, 2]);
    close(value(grads((a, b) => tf.maximum(a, b), [c([1, 5]), c([3, 2])])[0]), [0, 1]);
    close(value(grads((a, b) => tf.minimum(a, b), [c([1, 5]), c([3, 2])])[0]), [1, 0]);
  });

  it('squaredDifference: (3−1)² = 4; ∂/∂a = 4, ∂/∂b = −4', () => {
    close(tf.squaredDifference(3, 1).arraySync(), 4);
    const [da, db] = grads((a, b) => tf.squaredDifference(a, b), [c(3), c(1)]);
    close(value(da), 4);
    close(value(db), -4);
  });

  const unary: [string, (x: tf.Tensor) => tf.Tensor, number, number, number][] = [
    // name, f, x, f(x), f'(x)
    ['negative', tf.negative, 2, -2, -1],
    ['abs', tf.abs, -2, 2, -1],
    ['square', tf.square, 3, 9, 6],
    ['sqrt', tf.sqrt, 4, 2, 0.25],
    ['exp', tf.exp, 1, Math.E, Math.E],
    ['log', tf.log, 2, Math.LN2, 0.5],
    ['log1p', tf.log1p, 1, Math.LN2, 0.5],
    ['sin', tf.sin, 0, 0, 1],
    ['cos', tf.cos, Math.PI / 2, 0, -1],
    ['tan', tf.tan, 0, 0, 1],
    ['tanh', tf.tanh, 1, Math.tanh(1), 1 - Math.tanh(1) ** 2],
    ['sigmoid', tf.sigmoid, 0, 0.5, 0.25],
    ['relu', tf.relu, 2, 2, 1],
    ['softplus', tf.softplus, 0, Math.LN2, 0.5],
  ];
  for (const [name, f, x, fx, dfx] of unary) {
    it(`${name}: f(${x.toFixed(3)}) = ${fx.toFixed(4)}, f' = ${dfx.toFixed(4)}`, () => {
      close(f(tf.constant(x)).arraySync(), fx, 1e-6);
      close(value(grads(f, [c(x)])[0]), dfx, 1e-6);
    });
  }

  // The fused gradients (TanhGrad, SigmoidGrad) against the chains of ops they replace, to the bit.
  const fused = [
    { name: 'tanh', f: tf.tanh, text: 'dy·(1 − square(y))', scale: 3, chain: (y: tf.Tensor, dy: tf.Tensor) => tf.multiply(dy, tf.subtract(1, tf.square(y))) },
    { name: 'sigmoid', f: tf.sigmoid, text: 'dy·(y·(1 − y))', scale: 6, chain: (y: tf.Tensor, dy: tf.Tensor) => tf.multiply(dy, tf.multiply(y, tf.subtract(1, y))) },
  ];
  for (const { name, f, text, scale, chain } of fused) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name}'s gradient has the bits of ${text} (${dtype})`, () => {
        const xs: number[] = [];
        const ws: number[] = [];
        for (let i = 0; i < 200; i++) {
          xs.push(Math.sin(i * 1.7) * scale);
          ws.push(Math.cos(i * 0.9) * 2);
        }
        const x = tf.constant(xs, dtype);
        const w = tf.constant(ws, dtype);
        const tape = new tf.GradientTape();
        const y = tape.record(() => {
          tape.watch(x);
          return tf.reduceSum(tf.multiply(f(x), w));
        });
        const dx = tape.gradient(y, x) as tf.Tensor;
        const composite = chain(f(x), w);
        assert.equal(dx.dtype, dtype);
        assert.deepEqual(Array.from(dx.dataSync()), Array.from(composite.dataSync()));
      });
    }
  }

  it('TanhGrad needs y and dy of one shape', () => {
    assert.throws(() => TanhGrad.apply([tf.constant([0.5, 0.1]), tf.constant([1, 2, 3])]), /Incompatible shapes/);
  });

  it('sigmoid records one SigmoidGrad per gradient; its own gradient is TensorFlow\'s (d²σ/dx² = σ(1 − σ)(1 − 2σ))', () => {
    const x = tf.constant(0.7, 'float64');
    const outer = new tf.GradientTape();
    const d1 = outer.record(() => {
      outer.watch(x);
      const inner = new tf.GradientTape();
      const y = inner.record(() => {
        inner.watch(x);
        return tf.sigmoid(x);
      });
      return inner.gradient(y, x) as tf.Tensor;
    });
    assert.deepEqual(outer.nodes.map((n) => n.op.name), ['Sigmoid', 'SigmoidGrad']);
    const s = 1 / (1 + Math.exp(-0.7));
    close(value(d1), s * (1 - s));
    close(value(outer.gradient(d1, x) as tf.Tensor), s * (1 - s) * (1 - 2 * s));
  });

  it('SigmoidGrad needs y and dy of one shape', () => {
    assert.throws(() => SigmoidGrad.apply([tf.constant([0.5, 0.1]), tf.constant([1, 2, 3])]), /Incompatible shapes/);
  });

  it('relu below zero: 0 and a zero gradient', () => {
    close(tf.relu([-1, 2]).arraySync(), [0, 2]);
    close(value(grads(tf.relu, [c([-1, 2])])[0]), [0, 1]);
  });

  it('sign: values in {−1, 0, 1}; gradient zeros (TensorFlow), not null', () => {
    close(tf.sign([-3, 0, 2]).arraySync(), [-1, 0, 1]);
    close(value(grads(tf.sign, [c([-3, 0, 2])])[0]), [0, 0, 0]);
  });

  it('where: picks x where cond, y elsewhere; the condition gets no gradient', () => {
    const cond = tf.constant([true, false]);
    close(tf.where(cond, [1, 2], [3, 4]).arraySync(), [1, 4]);
    const [dx, dy] = grads((x, y) => tf.where(cond, x, y), [c([1, 2]), c([3, 4])]);
    close(value(dx), [1, 0]);
    close(value(dy), [0, 1]);
  });

  it('clipByValue: ∂/∂x is 1 inside [lo, hi], 0 outside', () => {
    close(tf.clipByValue([-2, 0.5, 3], 0, 1).arraySync(), [0, 0.5, 1]);
    close(value(grads((x) => tf.clipByValue(x, 0, 1), [c([-2, 0.5, 3])])[0]), [0, 1, 0]);
  });

  it('equal / greater / less give bool tensors and null gradients', () => {
    const x = c([1, 2, 3]);
    assert.deepEqual(tf.equal(x, 2).arraySync(), [false, true, false]);
    assert.deepEqual(tf.greater(x, 2).arraySync(), [false, false, true]);
    assert.deepEqual(tf.less(x, 2).arraySync(), [true, false, false]);
    assert.equal(tf.equal(x, 2).dtype, 'bool');
    const tape = new tf.GradientTape();
    const y = tape.record(() => {
      tape.watch(x);
      return tf.cast(tf.greater(x, 2), 'float32');
    });
    assert.equal(tape.gradient(y, x), null);
  });

  it('cast: float → int32 truncates; float32 → float64 passes the gradient', () => {
    assert.deepEqual(tf.cast([1.7, -1.7], 'int32').arraySync(), [1, -1]);
    assert.deepEqual(tf.cast([0, 0.5], 'bool').arraySync(), [false, true]);
    const [dx] = grads((x) => tf.cast(x, 'float64'), [c([1, 2])]);
    assert.equal(dx!.dtype, 'float32');
    close(value(dx), [1, 1]);
  });

  it('identity passes values and the gradient', () => {
    close(tf.identity([1, 2]).arraySync(), [1, 2]);
    close(value(grads(tf.identity, [c([1, 2])])[0]), [1, 1]);
  });

  it('numbers and nested arrays convert to float32 constants; float64 tensors convert them to float64', () => {
    assert.equal(tf.multiply(0.01, tf.constant([1])).dtype, 'float32');
    const d = tf.multiply(2, tf.constant([1], 'float64'));
    assert.equal(d.dtype, 'float64');
    assert.throws(() => tf.add(tf.constant([1], 'float64'), tf.constant([1])), tf.errors.InvalidArgumentError);
  });
});
