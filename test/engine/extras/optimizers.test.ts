import assert from 'node:assert/strict';
import { SGD, Adam } from '../../../src/engine/optimizers/index';
import { Tensor, Variable } from '../../../src/engine/tensor';
import { constant, multiply, reduceSum, square, variable } from '../../../src/engine/ops/index';
import { GradientTape } from '../../../src/engine/tape';
import { InvalidArgumentError } from '../../../src/engine/errors';
import { assertClose, recordEvents, values } from './helpers';

/** One optimizer step on loss = Σ w², whose gradient is 2w. */
function stepOnSquares(opt: SGD | Adam, w: Variable): void {
  const tape = new GradientTape();
  const loss = tape.record(() => reduceSum(square(w)));
  const g = tape.gradient(loss, w) as Tensor;
  opt.applyGradients([[g, w]]);
}

describe('tf.optimizers', () => {
  describe('SGD', () => {
    it('plain: w ← w - lr·g', () => {
      const w = variable([1, -2]);
      const opt = new SGD({ learningRate: 0.1 });
      stepOnSquares(opt, w); // g = [2, -4]
      assertClose(values(w), [0.8, -1.6], 1e-7);
      assert.equal(opt.iterations, 1);
    });

    it('momentum: v ← m·v - lr·g; w ← w + v (two steps by hand)', () => {
      const w = variable([1, -2]);
      const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
      stepOnSquares(opt, w); // v = [-0.2, 0.4], w = [0.8, -1.6]
      stepOnSquares(opt, w); // g = [1.6, -3.2]; v = [-0.18 - 0.16, 0.36 + 0.32]; w = [0.46, -0.92]
      assertClose(values(w), [0.46, -0.92], 1e-6);
      assertClose(values(opt.getSlot(w, 'momentum')!), [-0.34, 0.68], 1e-6);
    });

    it("momentum matches TF's documented example (steps of 0.1 then 0.18 on var²/2)", () => {
      const v = variable(1.0);
      const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
      const loss = () => multiply(0.5, square(v));
      const val0 = values(v)[0];
      opt.minimize(loss, [v]);
      const val1 = values(v)[0];
      opt.minimize(loss, [v]);
      const val2 = values(v)[0];
      assertClose([val0 - val1, val1 - val2], [0.1, 0.18], 1e-6);
    });

    it('Nesterov: w ← w + m·v - lr·g (two steps by hand)', () => {
      const w = variable([1, -2]);
      const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
      stepOnSquares(opt, w); // v = [-0.2, 0.4]; w += [-0.38, 0.76] → [0.62, -1.24]
      assertClose(values(w), [0.62, -1.24], 1e-6);
      stepOnSquares(opt, w); // g = [1.24, -2.48]; v = [-0.304, 0.608]; w += [-0.3976, 0.7952]
      assertClose(values(w), [0.2224, -0.4448], 1e-6);
    });

    it('rejects a momentum outside [0, 1]', () => {
      assert.throws(() => new SGD({ learningRate: 0.1, momentum: -0.5 }), /momentum/);
    });
  });

  describe('Adam', () => {
    it("matches TF's documented example: lr 0.1 on var²/2 from 10.0 gives 9.9", () => {
      const v = variable(10.0);
      const opt = new Adam({ learningRate: 0.1 });
      opt.minimize(() => multiply(0.5, square(v)), [v]);
      assertClose(values(v), [9.9], 1e-6);
    });

    it('follows lr_t = lr·√(1-β₂ᵗ)/(1-β₁ᵗ), m, v and w - lr_t·m/(√v + ε) over several steps', () => {
      const w = variable([1, -2, 0.5]);
      const opt = new Adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 });
      // The formula by hand, in double precision.
      const ref = [1, -2, 0.5];
      const m = [0, 0, 0];
      const v = [0, 0, 0];
      for (let t = 1; t <= 5; t++) {
        stepOnSquares(opt, w);
        const lrT = (0.05 * Math.sqrt(1 - 0.95 ** t)) / (1 - 0.8 ** t);
        for (let i = 0; i < 3; i++) {
          const g = 2 * ref[i];
          m[i] = 0.8 * m[i] + 0.2 * g;
          v[i] = 0.95 * v[i] + 0.05 * g * g;
          ref[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + 1e-3);
        }
        assertClose(values(w), ref, 2e-6, `step ${t}`);
      }
      assert.equal(opt.iterations, 5);
      assertClose(values(opt.getSlot(w, 'velocity')!), v, 1e-5);
    });

    it('has the Keras defaults', () => {
      const opt = new Adam();
      assert.deepEqual([opt.learningRate, opt.beta1, opt.beta2, opt.epsilon], [0.001, 0.9, 0.999, 1e-7]);
    });
  });

  it('skips null gradients (with a warning) and throws when every gradient is null, as TF', () => {
    const a = variable([1, 2], { name: 'a' });
    const b = variable([3], { name: 'b' });
    const opt = new SGD({ learningRate: 0.5 });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (msg: string) => void warnings.push(msg);
    try {
      opt.applyGradients([
        [constant([2, 2]), a],
        [null, b],
      ]);
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(values(a), [0, 1]);
    assert.deepEqual(values(b), [3]);
    assert.match(warnings[0], /Gradients do not exist for variables \['b:0'\]/);
    assert.throws(() => opt.applyGradients([[null, b]]), /No gradients provided for any variable/);
    assert.equal(opt.iterations, 1);
  });

  it('rejects a gradient whose shape differs from its variable', () => {
    const a = variable([1, 2]);
    assert.throws(() => new SGD({ learningRate: 0.1 }).applyGradients([[constant([1, 2, 3]), a]]), InvalidArgumentError);
  });

  it('updates by assignment: nothing is recorded, even inside tape.record', () => {
    const w = variable([1, 2]);
    const opt = new Adam({ learningRate: 0.1 });
    const g = constant([0.5, -0.5]);
    const rec = recordEvents();
    const tape = new GradientTape({ persistent: true });
    try {
      tape.record(() => {
        opt.applyGradients([[g, w]]);
        multiply(w, 2); // a control: an op in the same block is seen
      });
    } finally {
      rec.detach();
    }
    assert.deepEqual(rec.events.filter((e) => e.type === 'opRan').map((e) => (e.e as { op: string }).op), ['Mul']);
    assert.deepEqual(
      rec.events.filter((e) => e.type === 'variableAssigned').map((e) => (e.e as { how: string }).how),
      ['assignSub'],
    );
    assert.ok(values(w)[0] < 1 && values(w)[1] > 2);
  });

  it('keeps float64 variables in float64', () => {
    const w = variable([1, -2], { dtype: 'float64' });
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    stepOnSquares(opt, w);
    stepOnSquares(opt, w);
    assert.equal(w.dtype, 'float64');
    assertClose(values(w), [0.46, -0.92], 1e-14);
  });
});
