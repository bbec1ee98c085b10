/**
 * Issue 12's semantic fixes (and issue 16's and 17's argument checks): the cases TF's own tests
 * (backprop_test.py, forwardprop_test.py, gradients_test.py) check, with TF's error texts, and bad
 * arguments rejected where they are passed, naming the parameter and what was expected.
 */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';

const IAE = tf.errors.InvalidArgumentError;
const arr = (t: tf.Tensor | null): unknown => (t === null ? null : t.arraySync());

describe('semantics: TF edge cases', () => {
  describe('a target that is also a source', () => {
    it('tape.gradient(v, [v, w]) is [1, null] for a trainable variable v, watched or not', () => {
      const v = tf.variable(2.0);
      const w = tf.variable(3.0);
      const tape = new tf.GradientTape({ persistent: true });
      tape.record(() => tf.multiply(v, w));
      const [dv, dw] = tape.gradient(v, [v, w]);
      assert.equal(arr(dv), 1);
      assert.equal(dw, null);
      // Not read inside record, hence not watched: TF still gives ones (sources_that_are_targets).
      const u = tf.variable([1, 2]);
      const other = new tf.GradientTape();
      other.record(() => tf.multiply(w, 2));
      assert.deepEqual(arr(other.gradient(u, u)), [1, 1]);
    });

    it('a source listed twice among the targets gets 2; with outputGradients, the seed', () => {
      const x = tf.constant(3.0);
      const tape = new tf.GradientTape({ persistent: true });
      tape.record(() => tape.watch(x));
      assert.equal(arr(tape.gradient([x, x], x)), 2);
      assert.equal(arr(tape.gradient(x, x, { outputGradients: 5 })), 5);
    });
  });

  describe('unconnectedGradients', () => {
    it('anything but "none" / "zero" is TF\'s ValueError text, in gradient, jacobian, batchJacobian and jvp', () => {
      const x = tf.constant([1, 2]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => {
        tape.watch(x);
        return tf.multiply(x, 2);
      });
      const bad = { unconnectedGradients: 'nonsense' } as never;
      for (const call of [() => tape.gradient(y, x, bad), () => tape.jacobian(y, x, bad), () => tape.batchJacobian(y, x, bad)]) {
        assert.throws(call, (e: unknown) => e instanceof IAE && /^Unknown value for unconnected_gradients: 'nonsense'/.test(e.message));
      }
      const acc = new tf.autodiff.ForwardAccumulator(x, tf.constant([1, 0]));
      assert.throws(() => acc.jvp(x, bad), /Unknown value for unconnected_gradients: 'nonsense'/);
      // The tape was not used up by the rejected calls.
      assert.deepEqual(arr(tape.gradient(y, x, { unconnectedGradients: 'zero' })), [2, 2]);
    });
  });

  describe('zero-size jacobians', () => {
    it('jacobian and batchJacobian of zero-size tensors are empty tensors of the right shape, never null', () => {
      const x = tf.zeros([0, 3]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => {
        tape.watch(x);
        return tf.multiply(x, 2);
      });
      const bj = tape.batchJacobian(y, x);
      assert.ok(bj);
      assert.deepEqual(bj.shape, [0, 3, 3]);
      const j = tape.jacobian(y, x);
      assert.ok(j);
      assert.deepEqual(j.shape, [0, 3, 0, 3]);
      // An unconnected zero-size source too.
      const z = tf.zeros([2, 0]);
      assert.deepEqual(tape.jacobian(y, z)?.shape, [0, 3, 2, 0]);
      const x2 = tf.constant([[1, 2], [3, 4]]);
      const t2 = new tf.GradientTape();
      const y2 = t2.record(() => {
        t2.watch(x2);
        return tf.reshape(tf.slice(x2, [0, 0], [2, 0]), [2, 0]);
      });
      assert.deepEqual(t2.batchJacobian(y2, x2).shape, [2, 0, 2]);
    });
  });

  describe('customGradient return shapes', () => {
    it('a one-input gradFn may return [g]', () => {
      const f = tf.customGradient((x: tf.Tensor) => [tf.square(x), (dy: tf.Tensor) => [tf.multiply(dy, 10)]]);
      const x = tf.constant(3.0);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return f(x);
      });
      assert.equal(arr(tape.gradient(y, x)), 10);
    });

    it('f returning anything but [y, gradFn] is a TypeError naming customGradient (issue 16: { value, gradFunc })', () => {
      const f = tf.customGradient(((x: tf.Tensor) => ({ value: x, gradFunc: (dy: tf.Tensor) => dy })) as never);
      assert.throws(() => f(1), (e: unknown) => e instanceof TypeError && /^customGradient: f must return \[y, gradFn\].*an object with keys value, gradFunc/.test(e.message));
      const g = tf.customGradient(((x: tf.Tensor) => [x]) as never);
      assert.throws(() => g(1), /customGradient: f must return \[y, gradFn\]/);
    });

    it('the wrong number of input gradients is TF\'s text, naming customGradient', () => {
      const f = tf.customGradient((a: tf.Tensor, b: tf.Tensor) => [tf.multiply(a, b), (dy: tf.Tensor) => [dy]]);
      const a = tf.constant(1.0);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(a);
        return f(a, 2);
      });
      assert.throws(() => tape.gradient(y, a), /customGradient: custom_gradient function expected to return 2 gradients, but returned 1 instead\./);
      const g = tf.customGradient((a2: tf.Tensor, b2: tf.Tensor) => [tf.multiply(a2, b2), (dy: tf.Tensor) => dy]);
      const t2 = new tf.GradientTape();
      const y2 = t2.record(() => {
        t2.watch(a);
        return g(a, 2);
      });
      assert.throws(() => t2.gradient(y2, a), /customGradient: gradFn must return one gradient per input \(an array of 2\), got a tensor/);
    });
  });

  describe('ForwardAccumulator primals', () => {
    it('the same tensor twice in primals is TF\'s ValueError text', () => {
      const x = tf.constant(1.0);
      assert.throws(
        () => new tf.autodiff.ForwardAccumulator([x, x], [tf.constant(1.0), tf.constant(2.0)]),
        (e: unknown) => e instanceof IAE && /was specified as a primal multiple times\. This may indicate an error\. If it was intended, please sum the corresponding tangents\./.test(e.message),
      );
      assert.ok(new tf.autodiff.ForwardAccumulator([x, tf.constant(1.0)], [1, 2]));
    });
  });

  describe('bad shapes, rejected where passed', () => {
    it('zeros, ones, fill: the function, the parameter and what was expected', () => {
      assert.throws(() => tf.zeros([2.5, 2]), (e: unknown) => e instanceof TypeError && e.message === 'zeros(shape) expects an array of non-negative integers, got 2.5 at index 0 of [2.5, 2]');
      assert.throws(() => tf.zeros(['a', 2] as never), (e: unknown) => e instanceof TypeError && e.message === 'zeros(shape) expects an array of non-negative integers, got the string "a" at index 0 of ["a", 2]');
      assert.throws(() => tf.zeros([-1, 2]), (e: unknown) => e instanceof IAE && e.message === 'Dimension -1 must be >= 0: zeros(shape) expects an array of non-negative integers, got [-1, 2]');
      assert.throws(() => tf.ones('3' as never), /^TypeError: ones\(shape\) expects an array of non-negative integers, got the string "3"$/);
      assert.throws(() => tf.fill([2, NaN], 1), /fill\(dims\) expects an array of non-negative integers, got NaN at index 1/);
      // TF takes a number as a 1-D shape.
      assert.deepEqual(tf.zeros(3).shape, [3]);
      assert.deepEqual(tf.ones([0, 2]).shape, [0, 2]);
    });

    it('eye: numRows and numColumns are non-negative integers', () => {
      assert.throws(() => tf.eye(-2), (e: unknown) => e instanceof IAE && e.message === 'eye(numRows) expects a non-negative integer, got -2');
      assert.throws(() => tf.eye(2, 1.5), /^TypeError: eye\(numColumns\) expects a non-negative integer, got 1.5$/);
      assert.deepEqual(tf.eye(0).shape, [0, 0]);
    });
  });

  describe('values that are not tensors', () => {
    it('a string, null, undefined, {}, a BigInt or a function where a tensor belongs: TF\'s "unsupported type" text', () => {
      const cases: [unknown, string][] = [
        ['abc', 'the string "abc") with an unsupported type (string'],
        [null, 'null) with an unsupported type (null'],
        [undefined, 'undefined) with an unsupported type (undefined'],
        [{}, 'an object {}) with an unsupported type (Object'],
        [BigInt(3), 'the BigInt 3n) with an unsupported type (bigint'],
      ];
      for (const [v, text] of cases) {
        for (const call of [() => tf.add(tf.constant(1), v as never), () => tf.constant(v as never), () => tf.multiply(v as never, 2)]) {
          assert.throws(call, (e: unknown) => e instanceof IAE && e.message.startsWith(`Attempt to convert a value (${text}) to a Tensor: expected a tensor, a number, a boolean, or nested arrays of them`), `${String(v)}`);
        }
      }
      // Inside nested arrays too; a ragged array keeps TF's own text.
      assert.throws(() => tf.constant([1, 'a'] as never), /Attempt to convert a value \(the string "a"\) with an unsupported type \(string\)/);
      assert.throws(() => tf.constant([[1, 2], [3]]), /Can't convert non-rectangular Python sequence to Tensor\./);
    });
  });

  describe('random: TF\'s positional arguments (issue 17)', () => {
    it('random.normal(shape, mean, stddev) uses them, as the options form does', () => {
      const a = Array.from(tf.random.normal([2000], 10, 0.5, 'float32', 7).dataSync());
      const b = Array.from(tf.random.normal([2000], { mean: 10, stddev: 0.5, seed: 7 }).dataSync());
      assert.deepEqual(a, b);
      const mean = a.reduce((s, v) => s + v, 0) / a.length;
      const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
      assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
      assert.ok(Math.abs(sd - 0.5) < 0.05, `stddev ${sd}`);
    });

    it('random.uniform(shape, minval, maxval, dtype, seed)', () => {
      const u = tf.random.uniform([500], 5, 6, 'float64', 3);
      assert.equal(u.dtype, 'float64');
      assert.ok(Array.from(u.dataSync()).every((v) => v >= 5 && v < 6));
      assert.deepEqual(u.dataSync(), tf.random.uniform([500], { minval: 5, maxval: 6, dtype: 'float64', seed: 3 }).dataSync());
      const i = tf.random.uniform([100], 0, 3, 'int32', 1);
      assert.ok(Array.from(i.dataSync()).every((v) => v === 0 || v === 1 || v === 2));
    });

    it('arguments a function does not take are errors, not dropped', () => {
      assert.throws(() => tf.random.normal([2], { std: 0.5 } as never), /^TypeError: random\.normal\(\) got an unexpected option 'std' \(it takes mean, stddev, dtype, seed\)$/);
      assert.throws(() => (tf.random.normal as (...a: unknown[]) => tf.Tensor)([2], 0, 1, 'float32', 1, 'extra'), /random\.normal\(\) takes at most 5 arguments/);
      assert.throws(() => tf.random.uniform([2], 0, { maxval: 1 } as never), /random\.uniform\(\): an options object must be the only argument after shape/);
      assert.throws(() => tf.random.normal([2], 'big' as never), /random\.normal\(\): mean must be a number, got the string "big"/);
      assert.throws(() => tf.random.normal([2], 0, 1, 'int32' as never), /random\.normal\(\): dtype must be one of float32, float64, got the string "int32"/);
      assert.throws(() => tf.random.normal([-2, 1]), /Dimension -2 must be >= 0: random\.normal\(shape\)/);
    });
  });
});
