// Forward mode computed as ops run, composed with tapes and with itself in every nesting, ported
// from TensorFlow's forwardprop_test.py (the cases that do not depend on tf.function or TF's
// internals) and its advanced-autodiff guide. Expected values are TF's.
import assert from 'node:assert/strict';
import * as tf from '../../../src/engine/index';
import { ForwardAccumulator } from '../../../src/engine/forward';
import { assertClose, recordEvents, values } from './helpers';

const { GradientTape } = tf;
type T = tf.Tensor;

/** d^k/dx^k of x^3.5 at 1.1, k = 0…3 (forwardprop_test's _X11_35_DERIVATIVES). */
const X11_35 = [1.1 ** 3.5, 3.5 * 1.1 ** 2.5, 3.5 * 2.5 * 1.1 ** 1.5, 3.5 * 2.5 * 1.5 * 1.1 ** 0.5];

/** f ↦ x ↦ the JVP of f at x along 1: a derivative taken in forward mode. */
function forwardGrad(f: (x: T) => T): (x: T) => T {
  return (x) => {
    const acc = new ForwardAccumulator(x, tf.onesLike(x));
    const y = acc.record(() => f(x));
    return acc.jvp(y, { unconnectedGradients: 'zero' });
  };
}

/** Σ tanh(x)² over a product: reduce_prod(tanh(x)**2) of TF's tests, for a 3-vector. */
function prodTanhSquared(x: T): T {
  const s = tf.square(tf.tanh(x));
  return tf.multiply(tf.multiply(tf.gather(s, [0]), tf.gather(s, [1])), tf.gather(s, [2]));
}

describe('forward mode: nesting with tapes and accumulators (TF\'s forwardprop_test)', () => {
  it('forward-over-forward: outer.jvp(inner.jvp(y)) is the second derivative; the reverse order is null (testGradPureForward)', () => {
    const primal = tf.constant(1.1);
    const outer = new ForwardAccumulator(primal, tf.constant(1.0));
    const inner = new ForwardAccumulator(primal, tf.constant(1.0));
    const out = outer.record(() => inner.record(() => tf.pow(primal, 3.5)));
    const innerJvp = inner.jvp(out);
    assertClose(values(out), [X11_35[0]], 1e-6);
    assertClose(values(innerJvp), [X11_35[1]], 1e-6);
    assertClose(values(outer.jvp(innerJvp)), [X11_35[2]], 1e-6);
    // TF's docstring values exactly (float32).
    assert.equal(innerJvp.arraySync(), Math.fround(4.4417057));
    assert.equal(outer.jvp(innerJvp).arraySync(), Math.fround(10.094786));
    // Inner accumulators do not see the outer one's JVP work.
    assert.equal(inner.jvp(outer.jvp(out)), null);
  });

  it('higher-order pure forward: nested forward derivatives of x^3.5 to third order (testHigherOrderPureForward)', () => {
    let f = (x: T): T => tf.pow(x, 3.5);
    for (let order = 0; order < X11_35.length; order++) {
      assertClose(values(f(tf.constant(1.1, 'float64'))), [X11_35[order]], 1e-12, `order ${order}`);
      f = forwardGrad(f);
    }
  });

  it('an outer accumulator can watch an inner one\'s tangent (testJVPPacking)', () => {
    const two = tf.constant(2.0);
    const primalIn = tf.constant(1.0);
    const innerTangent = tf.constant(3.0);
    const outer = new ForwardAccumulator([primalIn, innerTangent], [tf.constant(2.0), tf.constant(4.0)]);
    const inner = new ForwardAccumulator(primalIn, innerTangent);
    const out = outer.record(() => inner.record(() => tf.multiply(primalIn, two)));
    assert.equal(inner.jvp(out).arraySync(), 6);
    assert.equal(outer.jvp(out).arraySync(), 4);
    assert.equal(outer.jvp(inner.jvp(out)).arraySync(), 8);
  });

  it('reverse-over-forward: a tape differentiates a JVP, whatever was created first (testBackwardOverForward)', () => {
    for (const accumulatorFirst of [true, false]) {
      const c = tf.constant(1.0);
      let acc: ForwardAccumulator;
      let tape: InstanceType<typeof GradientTape>;
      if (accumulatorFirst) {
        acc = new ForwardAccumulator(c, 0.1);
        tape = new GradientTape();
      } else {
        tape = new GradientTape();
        acc = new ForwardAccumulator(c, 0.1);
      }
      const jvp = tape.record(() => {
        const d = acc.record(() => {
          tape.watch(c);
          return tf.cos(c);
        });
        return acc.jvp(d);
      });
      assertClose(values(tape.gradient(jvp, c)), [-0.1 * Math.cos(1)], 1e-6, `accumulator first: ${accumulatorFirst}`);
    }
  });

  it('a tape inside an accumulator does not record its JVPs (testForwardOverBackwardMemoryEfficiency)', () => {
    const c = tf.constant(1.0);
    const acc = new ForwardAccumulator(c, 0.1);
    const tape = new GradientTape();
    let d!: T;
    acc.record(() => {
      tape.record(() => {
        tape.watch(c);
        d = tf.cos(c);
        tf.cos(acc.jvp(d)); // an op on a JVP is not recorded either
      });
    });
    assertClose(values(acc.jvp(d)), [-0.1 * Math.sin(1)], 1e-6);
    assert.deepEqual(tape.nodes.map((n) => n.op.name), ['Cos'], 'the tape holds cos(c) and nothing of the JVP');
    assert.equal(tape.gradient(acc.jvp(d), c), null);
  });

  it('forward-over-reverse: the Hessian-vector product of TF\'s docstring, [6, 0]', () => {
    const v = tf.variable([1.0, 2.0]);
    const acc = new ForwardAccumulator(v, tf.constant([1.0, 0.0]));
    const backward = acc.record(() => {
      const tape = new GradientTape();
      const y = tape.record(() => tf.reduceSum(tf.pow(v, 3.0)));
      return tape.gradient(y, v);
    });
    assert.deepEqual(backward.arraySync(), [3, 12]);
    assert.deepEqual(acc.jvp(backward).arraySync(), [6, 0]);
  });

  it('forward-over-reverse equals the Hessian from nested tapes times v (testHVPCorrectness)', () => {
    const primals = tf.constant([1, 2, 3], 'float64');
    const v = tf.constant([3, 4, 5], 'float64');
    const acc = new ForwardAccumulator(primals, v);
    const grad = acc.record(() => {
      const tape = new GradientTape();
      const out = tape.record(() => {
        tape.watch(primals);
        return prodTanhSquared(primals);
      });
      return tape.gradient(out, primals);
    });
    const hvp = values(acc.jvp(grad));
    // Back-over-back: the Hessian row by row from a persistent outer tape.
    const g = new GradientTape({ persistent: true });
    const gradRows = g.record(() => {
      g.watch(primals);
      const gg = new GradientTape();
      const out = gg.record(() => {
        gg.watch(primals);
        return prodTanhSquared(primals);
      });
      const gr = gg.gradient(out, primals);
      return [0, 1, 2].map((i) => tf.reshape(tf.gather(gr, [i]), []));
    });
    const hessian = gradRows.map((r) => values(g.gradient(r, primals)));
    const vv = values(v);
    const expected = hessian.map((row) => row.reduce((s, h, j) => s + h * vv[j], 0));
    assertClose(hvp, expected, 1e-12);
    // And it is not trivially zero.
    assert.ok(hvp.some((x) => Math.abs(x) > 1e-3));
  });

  it('forward-over-reverse over model variables equals back-over-back with outputGradients (testVariablesHVP)', () => {
    const w1 = tf.variable([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]]);
    const w2 = tf.variable([[0.3], [-0.2], [0.7]]);
    const x = tf.constant([[-0.5, 1.0], [0.5, -1.0]]);
    const target = tf.constant([[-1.0], [2.0]]);
    const loss = (): T => tf.reduceSum(tf.pow(tf.subtract(tf.matmul(tf.tanh(tf.matmul(x, w1)), w2), target), 2));
    const vector = [tf.constant([[1, 0, -1], [0.5, 0.5, 0]]), tf.constant([[0.2], [-0.4], [1]])];
    const acc = new ForwardAccumulator([w1, w2], vector);
    const grads = acc.record(() => {
      const tape = new GradientTape();
      const l = tape.record(loss);
      return tape.gradient(l, [w1, w2]);
    });
    const fob = acc.jvp(grads).map(values);
    const tape = new GradientTape({ persistent: true });
    const first = tape.record(() => {
      const inner = new GradientTape();
      const l = inner.record(loss);
      return inner.gradient(l, [w1, w2]);
    });
    const bob = (tape.gradient(first, [w1, w2], { outputGradients: vector }) as T[]).map(values);
    fob.forEach((f, i) => assertClose(f, bob[i], 1e-5, `variable ${i}`));
  });

  it('accumulators re-enter and keep their JVPs; ops outside record get none (testReenter)', () => {
    const x = tf.constant(-2.0);
    const acc = new ForwardAccumulator(x, 1.5);
    const y = acc.record(() => {
      assert.equal(acc.jvp(x).arraySync(), 1.5);
      const y0 = tf.multiply(4, x);
      assert.equal(acc.jvp(y0).arraySync(), 6);
      assert.throws(() => acc.record(() => 0), /Accumulator is already recording\./);
      return y0;
    });
    const z = tf.multiply(4, x);
    assert.equal(acc.jvp(z), null);
    const yy = acc.record(() => tf.multiply(y, y));
    assert.equal(acc.jvp(yy).arraySync(), 6 * -8 * 2);
  });

  it('a watched variable: its tangent flows through reads (testVariableWatched); assign inside record works (testOpWithNoTrainableOutputs)', () => {
    const v = tf.variable([1, 2, 3]);
    const acc = new ForwardAccumulator(v, tf.constant([0.1, -0.2, 0.3]));
    acc.record(() => {
      assertClose(values(acc.jvp(v)), [0.1, -0.2, 0.3]);
      assertClose(values(acc.jvp(tf.multiply(v, 2))), [0.2, -0.4, 0.6]);
      assertClose(values(acc.jvp(tf.add(v, 0.1))), [0.1, -0.2, 0.3]);
      v.assignSub([0.5, 0.5, 0.5]);
    });
    assertClose(values(v), [0.5, 1.5, 2.5]);
  });

  it('unconnected tensors: null, or zeros with "zero" (testUnconnectedGradients)', () => {
    const x = tf.constant(-1.0);
    const acc = new ForwardAccumulator(x, 0.1);
    acc.record(() => {
      assertClose(values(acc.jvp(x, { unconnectedGradients: 'zero' })), [0.1]);
      assertClose(values(acc.jvp(x, { unconnectedGradients: 'none' })), [0.1]);
      const y = tf.constant(-2.0);
      assert.equal(acc.jvp(y, { unconnectedGradients: 'zero' }).arraySync(), 0);
      assert.equal(acc.jvp(y), null);
    });
  });

  it('stopRecording stops JVPs too; stopGradient has none (testShouldRecordAndStopRecord)', () => {
    const c = tf.constant(1.0);
    const acc = new ForwardAccumulator(c, tf.constant(2.0));
    const tape = new GradientTape();
    let d!: T;
    let e!: T;
    acc.record(() =>
      tape.record(() => {
        tape.watch(c);
        d = tape.stopRecording(() => tf.multiply(c, 2));
        e = tf.stopGradient(tf.multiply(c, 3));
        assert.equal(acc.jvp(d), null);
        assert.equal(acc.jvp(e), null);
        assert.equal(acc.jvp(tf.multiply(c, 2)).arraySync(), 4);
      }),
    );
    assert.equal(tape.gradient(d, c), null);
  });

  it('customGradient: the JVP is the user\'s gradFn transposed, to third order (testCustomGradient)', () => {
    const f = tf.customGradient((x: T) => [tf.constant((x.dataSync() as Float64Array).map(Math.sin), 'float64'), (dy: T) => tf.multiply(dy, tf.cos(x))]);
    const x0 = tf.constant([1, 2], 'float64');
    // First order along [1, 1]: cos(x); through nested forward mode: −sin(x), −cos(x).
    const d1 = forwardGrad(f);
    assertClose(values(d1(x0)), [Math.cos(1), Math.cos(2)], 1e-12);
    assertClose(values(forwardGrad(d1)(x0)), [-Math.sin(1), -Math.sin(2)], 1e-12);
    assertClose(values(forwardGrad(forwardGrad(d1))(x0)), [-Math.cos(1), -Math.cos(2)], 1e-12);
  });

  it('an exception in a custom gradient is not swallowed: it surfaces where the op runs (testExceptionInCustomGradientNotSwallowed)', () => {
    const f = tf.customGradient((_x: T) => [tf.constant(1.0), () => {
      throw new Error('test_error_string');
    }]);
    const c = tf.constant(1.0);
    const acc = new ForwardAccumulator(c, tf.constant(2.0));
    assert.throws(() => acc.record(() => f(c)), /test_error_string/);
  });

  it('sin at 0.1 along 0.2 (testJVPManual); x + x along 2 (testJVPFunctionUsedByAccumulatorForOps)', () => {
    const x = tf.constant(0.1);
    const acc = new ForwardAccumulator(x, tf.constant(0.2));
    const y = acc.record(() => tf.sin(x));
    assertClose(values(acc.jvp(y)), [Math.cos(0.1) * 0.2], 1e-6);
    const one = tf.constant(1.0);
    const acc2 = new ForwardAccumulator(one, 2.0);
    assert.equal(acc2.jvp(acc2.record(() => tf.add(one, one))).arraySync(), 4);
  });

  it('matmul with a shared input (testReusingJVP): d(m·mᵀ) = t·mᵀ + m·tᵀ', () => {
    const m1 = tf.random.uniform([4, 5], { seed: 1, dtype: 'float64' });
    const t1 = tf.random.uniform([4, 5], { seed: 2, dtype: 'float64' });
    const acc = new ForwardAccumulator(m1, t1);
    const r = acc.record(() => tf.matmul(m1, m1, { transposeB: true }));
    const expected = tf.add(tf.matmul(t1, m1, { transposeB: true }), tf.matmul(m1, t1, { transposeB: true }));
    assertClose(values(acc.jvp(r)), values(expected), 1e-12);
  });

  it('forward Jacobians match reverse and numeric ones to third order (testNumericHigherOrder)', () => {
    // f(x) = Π over each row of (p + Σp), p = sin(x)·tan(x), written with the ops we have.
    const f = (x: T): T => {
      const p = tf.multiply(tf.sin(x), tf.tan(x));
      const q = tf.add(p, tf.reduceSum(p));
      return tf.multiply(tf.gather(q, [0], 1), tf.gather(q, [1], 1));
    };
    const grad = (g: (x: T) => T) => (x: T): T => {
      const tape = new GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return g(x);
      });
      return tape.gradient(y, x, { unconnectedGradients: 'zero' });
    };
    const x = tf.constant([[2.0, 3.0], [1.0, 4.0]], 'float64');
    /** The Jacobian of g at x in forward mode, one column per input element: [out.size, x.size]. */
    const jacfwd = (g: (x: T) => T): number[][] => {
      const cols: number[][] = [];
      for (let k = 0; k < x.size; k++) {
        const e = new Float64Array(x.size);
        e[k] = 1;
        const acc = new ForwardAccumulator(x, tf.constant(e, 'float64', x.shape));
        const y = acc.record(() => g(x));
        cols.push(values(acc.jvp(y, { unconnectedGradients: 'zero' })));
      }
      return cols[0].map((_, i) => cols.map((c) => c[i]));
    };
    for (const [order, g] of [f, grad(f), grad(grad(f))].entries()) {
      const [[theoretical], [numerical]] = tf.test.computeGradient(g, [x], { delta: 1e-6 });
      const fwd = jacfwd(g);
      const back = theoretical.arraySync() as number[][];
      const num = numerical.arraySync() as number[][];
      fwd.forEach((row, i) => {
        assertClose(row, back[i], 1e-9, `order ${order} row ${i}: forward vs reverse`);
        assertClose(row, num[i], 1e-4, `order ${order} row ${i}: forward vs numeric`);
      });
    }
  });

  it('keeps JVP ops out of the trace; the user\'s ops and the jvp call are seen', () => {
    const x = tf.constant(2.0);
    const acc = new ForwardAccumulator(x, tf.constant(1.0));
    const rec = recordEvents();
    let y!: T;
    try {
      y = acc.record(() => tf.exp(tf.sin(x)));
      acc.jvp(y);
    } finally {
      rec.detach();
    }
    assert.deepEqual(rec.events.filter((e) => e.type === 'opRan').map((e) => (e.e as { op: string }).op), ['Sin', 'Exp']);
    assert.equal(rec.events.filter((e) => e.type === 'gradientComputed').length, 1);
    assertClose(values(acc.jvp(y)), [Math.exp(Math.sin(2)) * Math.cos(2)], 1e-6);
  });
});
