// Keras 3's optimizers: each step equals its `update_step` formula evaluated in float32 (every
// tensor op rounded with Math.fround, in the order Keras writes it), bit for bit.
import assert from 'node:assert/strict';
import * as tf from '../../../src/engine/index';
import { Adagrad, Adam, AdamW, RMSprop, SGD, schedules, type Optimizer } from '../../../src/engine/optimizers/index';
import { InvalidArgumentError } from '../../../src/engine/errors';
import { peekValues, type Variable } from '../../../src/engine/tensor';
import { GRADS, W0 } from './optimizerSteps';

const f = Math.fround;

const vals = (t: tf.Tensor): number[] => Array.from(peekValues(t) as ArrayLike<number>);

/** Runs `opt` over GRADS on a float32 variable and checks it against `ref` after every step. */
function checkSteps(opt: Optimizer, ref: (w: number[], g: number[], t: number) => void, w0 = W0, grads = GRADS): void {
  const w = tf.variable(w0);
  const r = w0.map(f);
  grads.forEach((g, t) => {
    opt.applyGradients([[tf.constant(g), w]]);
    ref(r, g.map(f), t + 1);
    assert.deepEqual(vals(w), r, `step ${t + 1}`);
  });
  assert.equal(opt.iterations, grads.length);
}

describe('keras/optimizers: update rules in float32, bit for bit', () => {
  it('SGD: w ← w − lr·g', () => {
    const lr = f(0.05);
    checkSteps(new SGD({ learningRate: 0.05 }), (w, g) => {
      for (let i = 0; i < w.length; i++) w[i] = f(w[i] - f(g[i] * lr));
    });
  });

  it('SGD with momentum and with Nesterov momentum', () => {
    for (const nesterov of [false, true]) {
      const lr = f(0.05);
      const m = f(0.9);
      const v = W0.map(() => 0);
      checkSteps(new SGD({ learningRate: 0.05, momentum: 0.9, nesterov }), (w, g) => {
        for (let i = 0; i < w.length; i++) {
          v[i] = f(f(v[i] * m) - f(g[i] * lr));
          w[i] = f(w[i] + (nesterov ? f(f(v[i] * m) - f(g[i] * lr)) : v[i]));
        }
      });
    }
  });

  function adamRef(lr0: number, b1: number, b2: number, eps: number, amsgrad: boolean) {
    const m = W0.map(() => 0);
    const v = W0.map(() => 0);
    const vh = W0.map(() => 0);
    return (w: number[], g: number[], t: number): void => {
      const lr = f(lr0);
      const b1p = f(Math.pow(f(b1), t));
      const b2p = f(Math.pow(f(b2), t));
      const alpha = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p));
      for (let i = 0; i < w.length; i++) {
        m[i] = f(m[i] + f(f(g[i] - m[i]) * f(1 - b1)));
        v[i] = f(v[i] + f(f(f(g[i] * g[i]) - v[i]) * f(1 - b2)));
        let vi = v[i];
        if (amsgrad) vi = vh[i] = Math.max(vh[i], v[i]);
        w[i] = f(w[i] - f(f(m[i] * alpha) / f(f(Math.sqrt(vi)) + f(eps))));
      }
    };
  }

  it('Adam: α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), m, v, w ← w − α·m/(√v + ε)', () => {
    checkSteps(new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 }), adamRef(0.01, 0.8, 0.95, 1e-3, false));
    checkSteps(new Adam(), adamRef(0.001, 0.9, 0.999, 1e-7, false));
  });

  it('Adam with amsgrad keeps v̂ = max(v̂, v) and divides by √v̂', () => {
    const opt = new Adam({ learningRate: 0.01, beta2: 0.5, amsgrad: true });
    checkSteps(opt, adamRef(0.01, 0.9, 0.5, 1e-7, true));
    // The gradient of the last element shrinks from 4 to 0.02, so v̂ must be above v there.
    const w = tf.variable([0]);
    const o = new Adam({ beta2: 0.5, amsgrad: true });
    o.applyGradients([[tf.constant([4]), w]]);
    o.applyGradients([[tf.constant([0.02]), w]]);
    assert.ok(vals(o.getSlot(w, 'velocity_hat')!)[0] > vals(o.getSlot(w, 'velocity')!)[0]);
    assert.deepEqual(vals(o.getSlot(w, 'velocityHat')!), vals(o.getSlot(w, 'velocity_hat')!));
  });

  it('AdamW: w ← w − w·wd·lr, then the Adam step (weightDecay defaults to 0.004)', () => {
    const adam = adamRef(0.01, 0.9, 0.999, 1e-7, false);
    const opt = new AdamW({ learningRate: 0.01 });
    assert.equal(opt.weightDecay, 0.004);
    checkSteps(opt, (w, g, t) => {
      for (let i = 0; i < w.length; i++) w[i] = f(w[i] - f(f(w[i] * f(0.004)) * f(0.01)));
      adam(w, g, t);
    });
  });

  function rmspropRef(lr0: number, rho0: number, mom0: number, eps0: number, centered: boolean) {
    const vel = W0.map(() => 0);
    const mom = W0.map(() => 0);
    const avg = W0.map(() => 0);
    return (w: number[], g: number[]): void => {
      const [lr, rho, oneMinusRho, eps, mo] = [f(lr0), f(rho0), f(1 - rho0), f(eps0), f(mom0)];
      for (let i = 0; i < w.length; i++) {
        vel[i] = f(f(rho * vel[i]) + f(oneMinusRho * f(g[i] * g[i])));
        let denom: number;
        if (centered) {
          avg[i] = f(f(rho * avg[i]) + f(oneMinusRho * g[i]));
          denom = f(f(vel[i] - f(avg[i] * avg[i])) + eps);
        } else {
          denom = f(vel[i] + eps);
        }
        const inc = f(f(lr * g[i]) / f(Math.sqrt(denom)));
        if (mom0 > 0) {
          mom[i] = f(f(mo * mom[i]) + inc);
          w[i] = f(w[i] - mom[i]);
        } else {
          w[i] = f(w[i] - inc);
        }
      }
    };
  }

  it('RMSprop: plain, with momentum, centered', () => {
    checkSteps(new RMSprop({ learningRate: 0.01 }), rmspropRef(0.01, 0.9, 0, 1e-7, false));
    checkSteps(new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5 }), rmspropRef(0.01, 0.8, 0.5, 1e-7, false));
    checkSteps(new RMSprop({ learningRate: 0.01, momentum: 0.3, epsilon: 1e-4, centered: true }), rmspropRef(0.01, 0.9, 0.3, 1e-4, true));
  });

  it("RMSprop matches Keras's documented example: lr 0.1 on var²/2 from 10.0 gives 9.683772", () => {
    const v = tf.variable(10.0);
    new RMSprop({ learningRate: 0.1 }).minimize(() => tf.divide(tf.square(v), 2), [v]);
    assert.equal(vals(v)[0].toFixed(6), '9.683772');
  });

  it('Adagrad: a ← a + g² (from initialAccumulatorValue), w ← w − lr·g/√(a + ε)', () => {
    for (const init of [0.1, 0.5]) {
      const acc = W0.map(() => f(init));
      checkSteps(new Adagrad({ learningRate: 0.1, initialAccumulatorValue: init === 0.1 ? undefined : init }), (w, g) => {
        for (let i = 0; i < w.length; i++) {
          acc[i] = f(acc[i] + f(g[i] * g[i]));
          w[i] = f(w[i] - f(f(f(0.1) * g[i]) / f(Math.sqrt(f(acc[i] + f(1e-7))))));
        }
      });
    }
  });

  it('weightDecay on SGD, and excludeFromWeightDecay by variable and by name', () => {
    const lr = f(0.1);
    const wd = f(0.01);
    checkSteps(new SGD({ learningRate: 0.1, weightDecay: 0.01 }), (w, g) => {
      for (let i = 0; i < w.length; i++) {
        w[i] = f(w[i] - f(f(w[i] * wd) * lr));
        w[i] = f(w[i] - f(g[i] * lr));
      }
    });
    const a = tf.variable([1], { name: 'dense/kernel' });
    const b = tf.variable([1], { name: 'dense/bias' });
    const c = tf.variable([1], { name: 'other' });
    const opt = new SGD({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay({ varList: [c], varNames: ['bias'] });
    const zero = tf.constant([0]);
    opt.applyGradients([[zero, a], [zero, b], [zero, c]]);
    assert.deepEqual([vals(a)[0], vals(b)[0], vals(c)[0]], [f(1 - f(f(0.5) * lr)), 1, 1]);
  });

  it('clipnorm (tf.clip_by_norm per gradient), clipvalue, globalClipnorm', () => {
    const lr = f(0.1);
    const sumSq = (g: number[]): number => g.reduce((s, x) => f(s + f(x * x)), 0);
    // clipnorm 1: g·1/max(‖g‖, 1).
    checkSteps(new SGD({ learningRate: 0.1, clipnorm: 1 }), (w, g) => {
      const norm = f(Math.sqrt(sumSq(g)));
      for (let i = 0; i < w.length; i++) w[i] = f(w[i] - f(f(f(g[i] * 1) / Math.max(norm, 1)) * lr));
    });
    checkSteps(new SGD({ learningRate: 0.1, clipvalue: 0.5 }), (w, g) => {
      for (let i = 0; i < w.length; i++) w[i] = f(w[i] - f(Math.min(Math.max(g[i], -0.5), 0.5) * lr));
    });
    // globalClipnorm over two variables: scale = cn·min(1/‖g‖, 1/cn).
    const a = tf.variable([1, 2]);
    const b = tf.variable([3]);
    const ga = [3, 4].map(f);
    const gb = [12].map(f);
    new SGD({ learningRate: 0.1, globalClipnorm: 2.5 }).applyGradients([[tf.constant(ga), a], [tf.constant(gb), b]]);
    const norm = f(Math.sqrt(f(sumSq(ga) + sumSq(gb)))); // 13
    const scale = f(f(2.5) * Math.min(f(1 / norm), f(1 / 2.5)));
    assert.deepEqual(vals(a), [1, 2].map((x, i) => f(x - f(f(ga[i] * scale) * lr))));
    assert.deepEqual(vals(b), [f(3 - f(f(gb[0] * scale) * lr))]);
    // A small gradient is left alone.
    const c = tf.variable([1]);
    new SGD({ learningRate: 1, clipnorm: 10 }).applyGradients([[tf.constant([0.25]), c]]);
    assert.deepEqual(vals(c), [0.75]);
  });

  it('float64 variables stay float64 (the formulas in double)', () => {
    const w = tf.variable([1, -2], { dtype: 'float64' });
    const opt = new RMSprop({ learningRate: 0.1 });
    opt.applyGradients([[tf.constant([0.5, 0.5], 'float64'), w]]);
    const expected = [1, -2].map((x) => x - (0.1 * 0.5) / Math.sqrt(0.9 * 0 + (1 - 0.9) * (0.5 * 0.5) + 1e-7));
    assert.equal(w.dtype, 'float64');
    assert.deepEqual(vals(w), expected);
  });
});

describe('keras/optimizers: learning-rate schedules', () => {
  it('ExponentialDecay: lr·rate^(step/decaySteps) in float32, floored exponent with staircase', () => {
    const smooth = new schedules.ExponentialDecay(0.1, 4, 0.5);
    const stairs = new schedules.ExponentialDecay(0.1, 4, 0.5, { staircase: true });
    for (const step of [0, 1, 3, 4, 6, 10]) {
      const p = f(f(step) / f(4));
      assert.equal(vals(smooth(step))[0], f(f(0.1) * f(Math.pow(f(0.5), p))), `step ${step}`);
      assert.equal(vals(stairs(step))[0], f(f(0.1) * f(Math.pow(f(0.5), Math.floor(p)))), `staircase step ${step}`);
    }
    assert.equal(vals(stairs(3))[0], f(0.1));
    assert.equal(vals(stairs(4))[0], f(0.05));
    assert.equal(vals(smooth(tf.constant(2)))[0], vals(smooth(2))[0]);
  });

  it('a schedule as learningRate is evaluated at iterations before each step', () => {
    const sched = new schedules.ExponentialDecay(0.1, 2, 0.5, { staircase: true });
    const opt = new SGD({ learningRate: sched });
    const w = tf.variable([1]);
    const seen: number[] = [];
    for (let t = 0; t < 5; t++) {
      seen.push(opt.learningRate);
      opt.applyGradients([[tf.constant([1]), w]]);
    }
    assert.deepEqual(seen, [0.1, 0.1, 0.05, 0.05, 0.025].map(f));
    const expected = seen.reduce((x, lr) => f(x - lr), 1);
    assert.deepEqual(vals(w), [expected]);
  });

  it('a zero-argument function as learningRate, and a settable number', () => {
    let rate = 0.5;
    const w = tf.variable([1]);
    const opt = new SGD({ learningRate: () => rate });
    opt.applyGradients([[tf.constant([1]), w]]);
    rate = 0.25;
    opt.applyGradients([[tf.constant([1]), w]]);
    assert.deepEqual(vals(w), [0.25]);
    const o2 = new Adam({ learningRate: 0.01 });
    o2.learningRate = 0.02;
    assert.equal(o2.learningRate, 0.02);
  });

  it("a schedule's rate is not settable to a number (Keras's TypeError); decaySteps must be > 0", () => {
    const opt = new SGD({ learningRate: new schedules.ExponentialDecay(0.1, 10, 0.9) });
    assert.throws(() => {
      opt.learningRate = 0.1;
    }, /created with a `LearningRateSchedule` object as its `learning_rate` constructor argument, hence its learning rate is not settable/);
    assert.throws(() => new schedules.ExponentialDecay(0.1, 0, 0.9), /Argument `decay_steps` must be > 0. Received: decay_steps=0/);
  });
});

describe('keras/optimizers: the Keras contract', () => {
  it('tf.keras.optimizers holds the same classes as tf.optimizers', () => {
    for (const name of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'] as const) {
      assert.equal(tf.keras.optimizers[name], tf.optimizers[name], name);
    }
    assert.equal(tf.keras.optimizers.schedules.ExponentialDecay, tf.optimizers.schedules.ExponentialDecay);
  });

  it("Keras's defaults and auto names", () => {
    const r = new RMSprop();
    assert.deepEqual([r.learningRate, r.rho, r.momentum, r.epsilon, r.centered], [0.001, 0.9, 0, 1e-7, false]);
    const a = new Adagrad();
    assert.deepEqual([a.learningRate, a.initialAccumulatorValue, a.epsilon], [0.001, 0.1, 1e-7]);
    assert.equal(new SGD().learningRate, 0.01);
    assert.equal(new Adam().amsgrad, false);
    assert.match(new RMSprop().name, /^rm_sprop(_\d+)?$/);
    assert.match(new AdamW().name, /^adam_w(_\d+)?$/);
    assert.equal(new Adam({ name: 'opt' }).name, 'opt');
  });

  it("rejects unknown options, two clipping options, AdamW without weight decay, a bad learningRate (Keras's texts)", () => {
    assert.throws(() => new Adam({ lr: 0.1 } as never), /Argument\(s\) not recognized: \{'lr': 0.1\}/);
    assert.throws(() => new SGD({ beta1: 0.9 } as never), /not recognized: \{'beta1': 0.9\}/);
    assert.throws(
      () => new SGD({ clipnorm: 1, clipvalue: 2 }),
      /Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm=1, clipvalue=2, global_clipnorm=None/,
    );
    assert.throws(() => new AdamW({ weightDecay: null }), /Argument `weight_decay` must be a float. Received: weight_decay=None/);
    assert.throws(() => new Adam({ learningRate: '0.1' as never }), /Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a callable/);
  });

  it('only updates the variables it was built with (Keras 3: "Unknown variable")', () => {
    const a = tf.variable([1], { name: 'a' });
    const b = tf.variable([2], { name: 'b' });
    const opt = new Adam();
    opt.applyGradients([[tf.constant([1]), a]]);
    assert.throws(() => opt.applyGradients([[tf.constant([1]), b]]), (e: Error) => e instanceof InvalidArgumentError && /^Unknown variable: <tf.Variable 'b:0' shape=\(1,\) dtype=float32, numpy=array\(\[2\.\], dtype=float32\)>\. This optimizer can only be called for the variables it was originally built with/.test(e.message));
    assert.equal(opt.iterations, 1);
    assert.deepEqual(vals(b), [2]);
  });

  it('slots are created for every variable at build, and are not variables on any tape', () => {
    const w: Variable = tf.variable([1, 2]);
    const opt = new RMSprop({ momentum: 0.5, centered: true });
    opt.build([w]);
    for (const s of ['velocity', 'momentum', 'average_gradient']) assert.deepEqual(vals(opt.getSlot(w, s)!), [0, 0], s);
    assert.equal(opt.getSlot(w, 'nope'), null);
    const ada = new Adagrad({ initialAccumulatorValue: 0.25 });
    ada.build([w]);
    assert.deepEqual(vals(ada.getSlot(w, 'accumulator')!), [0.25, 0.25]);
  });

  it('minimize(lossFn, varList) with a zero-argument loss', () => {
    const x = tf.variable([3, -1]);
    const opt = new SGD({ learningRate: 0.25 });
    for (let i = 0; i < 3; i++) opt.minimize(() => tf.reduceSum(tf.square(x)), [x]); // x ← x/2 each step
    assert.deepEqual(vals(x), [3 / 8, -1 / 8]);
    assert.equal(opt.iterations, 3);
  });
});

describe("keras: API.md's custom training loop", () => {
  it('Sequential + SparseCategoricalCrossentropy + Adam + accuracy metric: the loss falls and the accuracy rises', () => {
    // Two separable clusters of points, labels 0 and 1.
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 32; i++) {
      const label = i % 2;
      xs.push([label ? 1 + (i % 5) * 0.1 : -1 - (i % 7) * 0.1, (i % 3) * 0.2 - 0.2]);
      ys.push(label);
    }
    const x = tf.constant(xs);
    const y = tf.constant(ys, 'int32');
    const model = new tf.keras.Sequential([
      new tf.keras.layers.Dense(8, { activation: 'relu', kernelInitializer: new tf.keras.initializers.GlorotUniform({ seed: 3 }) }),
      new tf.keras.layers.Dense(2, { kernelInitializer: new tf.keras.initializers.GlorotUniform({ seed: 4 }) }),
    ]);
    const lossFn = new tf.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
    const opt = new tf.keras.optimizers.Adam({ learningRate: 0.05 });
    const acc = new tf.keras.metrics.SparseCategoricalAccuracy();
    const lossAvg = new tf.keras.metrics.Mean();
    const history: number[] = [];
    for (let step = 0; step < 30; step++) {
      acc.resetState();
      lossAvg.resetState();
      const tape = new tf.GradientTape();
      let logits!: tf.Tensor;
      const loss = tape.record(() => {
        logits = model(x, { training: true });
        return lossFn(y, logits);
      });
      const vars = model.trainableVariables;
      const grads = tape.gradient(loss, vars);
      opt.applyGradients(grads.map((g, i) => [g, vars[i]] as const));
      acc.updateState(y, logits);
      lossAvg.updateState(loss);
      history.push(vals(lossAvg.result())[0]);
    }
    assert.ok(history[29] < history[0] / 4, `loss ${history[0]} → ${history[29]}`);
    assert.equal(vals(acc.result())[0], 1);
    assert.equal(opt.iterations, 30);
  });
});
