import assert from 'node:assert/strict';
import { ForwardAccumulator } from '../../../src/engine/forward';
import { Tensor } from '../../../src/engine/tensor';
import { constant, matmul, multiply, reduceSum, sin, cos, add, sign, variable } from '../../../src/engine/ops/index';
import { GradientTape } from '../../../src/engine/tape';
import { assertClose, recordEvents, values } from './helpers';

describe('tf.autodiff.ForwardAccumulator', () => {
  it('gives d(x³)/dx · tangent', () => {
    const x = constant(2.0);
    const acc = new ForwardAccumulator(x, constant(1.0));
    const y = acc.record(() => multiply(multiply(x, x), x));
    assertClose(values(acc.jvp(y) as Tensor), [12]);
    const acc2 = new ForwardAccumulator(x, constant(0.5));
    const y2 = acc2.record(() => multiply(multiply(x, x), x));
    assertClose(values(acc2.jvp(y2) as Tensor), [6]);
  });

  it('matches the hand derivative of an elementwise function: (x·cos x + sin x)·t', () => {
    const xs = [0.3, -1.2, 2.5];
    const ts = [1, -0.5, 2];
    const x = constant(xs, 'float64');
    const acc = new ForwardAccumulator(x, constant(ts, 'float64'));
    const y = acc.record(() => multiply(sin(x), x));
    const expected = xs.map((v, i) => (v * Math.cos(v) + Math.sin(v)) * ts[i]);
    assertClose(values(acc.jvp(y) as Tensor), expected, 1e-12);
  });

  it('handles several primals (a variable among them): d(x·W) = dx·W + x·dW', () => {
    const x = constant([[1, 2]]);
    const w = variable([[3], [4]]);
    const dx = constant([[0.5, -1]]);
    const dw = constant([[1], [0.25]]);
    const acc = new ForwardAccumulator([x, w], [dx, dw]);
    const y = acc.record(() => matmul(x, w));
    // dx·W = 0.5·3 - 1·4 = -2.5; x·dW = 1·1 + 2·0.25 = 1.5
    assertClose(values(acc.jvp(y) as Tensor), [-1]);
  });

  it('agrees with reverse mode: the JVP along e_i is the i-th gradient component', () => {
    const x = constant([0.5, -1, 2]);
    const f = () => reduceSum(multiply(sin(x), multiply(x, x)));
    const tape = new GradientTape();
    const yRev = tape.record(() => {
      tape.watch(x);
      return f();
    });
    const grad = values(tape.gradient(yRev, x) as Tensor);
    for (let i = 0; i < 3; i++) {
      const e = [0, 0, 0];
      e[i] = 1;
      const acc = new ForwardAccumulator(x, constant(e));
      const y = acc.record(f);
      assertClose(values(acc.jvp(y) as Tensor), [grad[i]], 1e-5, `component ${i}`);
    }
  });

  it('returns the tangent for a primal, null for an unconnected tensor, zeros with unconnectedGradients "zero"', () => {
    const x = constant([1, 2]);
    const t = constant([3, 4]);
    const other = constant([5, 6]);
    const acc = new ForwardAccumulator(x, t);
    const z = acc.record(() => multiply(other, 2));
    assert.deepEqual(values(acc.jvp(x) as Tensor), [3, 4]);
    assert.equal(acc.jvp(z), null);
    assert.deepEqual(values(acc.jvp(z, { unconnectedGradients: 'zero' }) as Tensor), [0, 0]);
  });

  it('gives zeros (not null) where the path exists but the derivative is zero', () => {
    const x = constant([1, -2]);
    const acc = new ForwardAccumulator(x, constant([1, 1]));
    const y = acc.record(() => sign(x));
    assert.deepEqual(values(acc.jvp(y) as Tensor), [0, 0]);
  });

  it('keeps the structure of what it is asked about', () => {
    const x = constant(3.0);
    const acc = new ForwardAccumulator(x, constant(1.0));
    const [a, b] = acc.record(() => [multiply(x, 2), add(x, 1)]);
    const r = acc.jvp({ a, pair: [a, b] });
    assertClose(values(r.a as Tensor), [2]);
    assertClose(values(r.pair[1] as Tensor), [1]);
  });

  it('computes Hessian-vector products forward-over-reverse: H·v of Σx³ is 6x·v', () => {
    const x = constant([1, 2, -1]);
    const v = constant([1, 0.5, 2]);
    const acc = new ForwardAccumulator(x, v);
    const g = acc.record(() => {
      const tape = new GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return reduceSum(multiply(multiply(x, x), x));
      });
      return tape.gradient(y, x) as Tensor;
    });
    assertClose(values(acc.jvp(g) as Tensor), [6, 6, -12], 1e-5);
  });

  it('reports one gradientComputed event of kind jvp, keeping its internals out of the trace', () => {
    const x = constant(2.0);
    const acc = new ForwardAccumulator(x, constant(1.0));
    const y = acc.record(() => cos(x));
    const rec = recordEvents();
    try {
      acc.jvp(y);
      cos(y); // a control: a user op after jvp is seen
    } finally {
      rec.detach();
    }
    const grads = rec.events.filter((e) => e.type === 'gradientComputed').map((e) => e.e as { kind: string; targets: Tensor[]; adjoints: Map<number, Tensor> });
    assert.equal(grads.length, 1);
    assert.equal(grads[0].kind, 'jvp');
    assert.equal(grads[0].targets[0], y);
    assertClose(values(grads[0].adjoints.get(y.id)!), [-Math.sin(2)]);
    assert.deepEqual(rec.events.filter((e) => e.type === 'opRan').map((e) => (e.e as { op: string }).op), ['Cos']);
  });

  it('checks tangent shapes', () => {
    assert.throws(() => new ForwardAccumulator(constant([1, 2]), constant([1, 2, 3])), /Tangent shape/);
  });
});
