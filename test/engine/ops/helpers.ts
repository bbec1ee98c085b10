/** Small helpers for the per-op tests: values, and the gradient of sum(w·f(x)) by the tape. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';

export function close(actual: unknown, expected: unknown, tol = 1e-6, path = ''): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${JSON.stringify(actual)}`);
    assert.ok(Math.abs((actual as number) - expected) <= tol * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal((actual as unknown[]).length, expected.length, `${path}: length`);
    expected.forEach((e, i) => close((actual as unknown[])[i], e, tol, `${path}[${i}]`));
    return;
  }
  assert.deepEqual(actual, expected, path);
}

/** Gradients of sum(f(...xs)) (or of sum(weights·f) when weights are given) w.r.t. every input. */
export function grads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.TensorLike[], weights?: tf.TensorLike): (tf.Tensor | null)[] {
  const ts = xs.map((x) => (x instanceof tf.Tensor ? x : tf.constant(x as number)));
  const tape = new tf.GradientTape();
  const y = tape.record(() => {
    tape.watch(ts);
    const out = f(...ts);
    return weights === undefined ? tf.reduceSum(out) : tf.reduceSum(tf.multiply(out, weights));
  });
  return tape.gradient(y, ts);
}

/** The nested-array value of a gradient (fails on null). */
export function value(t: tf.Tensor | null): unknown {
  assert.ok(t, 'expected a gradient, got null');
  return t.arraySync();
}
