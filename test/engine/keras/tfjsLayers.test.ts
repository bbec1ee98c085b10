/**
 * Each of our layers against the same layer of TensorFlow.js 4.22's tfjs-layers, given the same
 * weights (setWeights on both) and inputs: the forward output, and the gradients of Σ w·layer(x) with
 * respect to the input (our tape vs tf.grad) and to every trainable weight (our tape vs
 * tf.variableGrads over the layer's own variables), to float32 accuracy (the two sum in different
 * orders). BatchNormalization also compares its moving statistics after a training call.
 */
import { strict as assert } from 'node:assert';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '../../../src/engine/index';
import { lcg } from '../gradcheck';
import { GRADS, W0 } from './optimizerSteps';

const L = tf.keras.layers;

function values(shape: number[], seed: number, lo = -1, hi = 1): number[] {
  const rand = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

const arr = (t: tf.Tensor | tfjs.Tensor): number[] => Array.from(t.dataSync());

function close(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(b[i]));
    assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

interface Case {
  ours: tf.keras.layers.Layer;
  theirs: tfl.layers.Layer;
  /** The input's shape and values; integer inputs (Embedding) get no input gradient. */
  shape: number[];
  x: number[];
  dtype?: 'float32' | 'int32';
  /** The weights, in the layer's order (the same in Keras and tfjs-layers). */
  weights: { shape: number[]; values: number[] }[];
  training?: boolean;
  tol?: number;
  /** Where tfjs cannot give a gradient: compare the forward output only (the raw-op tests check ours). */
  forwardOnly?: boolean;
  /**
   * Where tfjs's gradient disagrees with its own forward (average pooling with padding: its backprop
   * divides by the whole window where the forward divides by the window's cells inside the input, as
   * TF does): for a layer linear in x, ∂(Σ w·layer(x))/∂x_i = Σ w·layer(e_i), by tfjs's forward.
   */
  linearInX?: boolean;
}

interface Result {
  y: number[];
  dx: number[] | null;
  dw: number[][];
  state: number[][];
}

/** The weights w of Σ w·layer(x): fixed, not constant, for the output's shape. */
const outWeights = (shape: readonly number[]): number[] => values([...shape], 99);

function runOurs(c: Case): Result {
  const x = tf.constant(c.x, c.dtype ?? 'float32', c.shape);
  c.ours.build(c.shape);
  c.ours.setWeights(c.weights.map((s) => tf.constant(s.values, 'float32', s.shape)));
  const vars = c.ours.trainableVariables;
  const floatIn = (c.dtype ?? 'float32') === 'float32';
  const tape = new tf.GradientTape();
  if (floatIn) tape.watch(x);
  let out!: tf.Tensor;
  const loss = tape.record(() => {
    out = c.ours(x, { training: c.training ?? false }) as tf.Tensor;
    return tf.reduceSum(tf.multiply(out, tf.constant(outWeights(out.shape), 'float32', out.shape)));
  });
  const grads = tape.gradient(loss, floatIn ? [x, ...vars] : vars).map((g) => (g === null ? [] : arr(g)));
  return { y: arr(out), dx: floatIn ? grads[0] : null, dw: floatIn ? grads.slice(1) : grads, state: c.ours.nonTrainableVariables.map(arr) };
}

function runTheirs(c: Case): Result {
  const x = tfjs.tensor(c.x, c.shape, c.dtype ?? 'float32');
  c.theirs.build(c.shape);
  c.theirs.setWeights(c.weights.map((s) => tfjs.tensor(s.values, s.shape)));
  const kwargs = { training: c.training ?? false };
  // Read the gradients first: a training call of BatchNormalization moves its statistics, and the
  // forward call below must see the same (initial) ones as ours did.
  const state0 = c.theirs.nonTrainableWeights.map((v) => v.read().clone());
  const restore = (): void => c.theirs.nonTrainableWeights.forEach((v, i) => v.write(state0[i].clone()));
  const f = (xi: tfjs.Tensor): tfjs.Scalar => {
    const y = c.theirs.apply(xi, kwargs) as tfjs.Tensor;
    return tfjs.sum(tfjs.mul(y, tfjs.tensor(outWeights(y.shape), y.shape)));
  };
  const basis = (i: number): tfjs.Tensor => tfjs.tensor(c.x.map((_, j) => (i === j ? 1 : 0)), c.shape);
  const dx = (c.dtype ?? 'float32') !== 'float32' || c.forwardOnly ? null : c.linearInX ? c.x.map((_, i) => f(basis(i)).dataSync()[0]) : arr(tfjs.grad(f)(x));
  restore();
  const vars = c.theirs.trainableWeights.map((v) => v.read() as tfjs.Variable);
  const grads = vars.length > 0 && !c.forwardOnly ? tfjs.variableGrads(() => f(x), vars).grads : {};
  restore();
  const y = arr(c.theirs.apply(x, kwargs) as tfjs.Tensor);
  return { y, dx, dw: c.forwardOnly ? [] : vars.map((v) => arr(grads[v.name])), state: c.theirs.nonTrainableWeights.map((v) => arr(v.read())) };
}

/** Runs the case on both and compares everything. */
function compare(c: Case): void {
  const ours = runOurs(c);
  const theirs = runTheirs(c);
  const tol = c.tol ?? 1e-5;
  close(ours.y, theirs.y, tol, 'forward');
  if (!c.forwardOnly) {
    if (ours.dx !== null || theirs.dx !== null) close(ours.dx ?? [], theirs.dx ?? [], tol, '∂/∂x');
    assert.equal(ours.dw.length, theirs.dw.length, 'number of trainable weights');
    ours.dw.forEach((g, i) => close(g, theirs.dw[i], tol, `∂/∂weight ${i}`));
  }
  assert.equal(ours.state.length, theirs.state.length, 'number of non-trainable weights');
  ours.state.forEach((s, i) => close(s, theirs.state[i], tol, `non-trainable weight ${i} after the call`));
  // The comparison could fail: the forward output is not constant.
  assert.ok(ours.y.some((v) => Math.abs(v - ours.y[0]) > 1e-6), 'the output varies');
}

const weight = (shape: number[], seed: number, lo = -1, hi = 1) => ({ shape, values: values(shape, seed, lo, hi) });

describe('keras layers against TensorFlow.js tfjs-layers: forward and gradients', () => {
  before(async () => {
    await tfjs.setBackend('cpu');
  });
  beforeEach(() => tf.keras.backend.clearSession());

  it('Dense (relu), rank 2 and rank 3 inputs', () => {
    compare({ ours: new L.Dense(5, { activation: 'relu' }), theirs: tfl.layers.dense({ units: 5, activation: 'relu' }), shape: [4, 3], x: values([4, 3], 1), weights: [weight([3, 5], 2), weight([5], 3)] });
    compare({ ours: new L.Dense(2, { activation: 'tanh' }), theirs: tfl.layers.dense({ units: 2, activation: 'tanh' }), shape: [2, 3, 4], x: values([2, 3, 4], 4), weights: [weight([4, 2], 5), weight([2], 6)] });
  });

  it('Conv2D: valid and same padding, strides, dilation, relu', () => {
    compare({
      ours: new L.Conv2D(4, 3, { activation: 'relu' }),
      theirs: tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
      shape: [2, 6, 5, 3], x: values([2, 6, 5, 3], 7), weights: [weight([3, 3, 3, 4], 8), weight([4], 9)],
    });
    compare({
      ours: new L.Conv2D(3, [3, 2], { strides: 2, padding: 'same' }),
      theirs: tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same' }),
      shape: [2, 7, 6, 2], x: values([2, 7, 6, 2], 10), weights: [weight([3, 2, 2, 3], 11), weight([3], 12)],
    });
    compare({
      ours: new L.Conv2D(2, 2, { dilationRate: 2 }),
      theirs: tfl.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2 }),
      shape: [1, 6, 6, 2], x: values([1, 6, 6, 2], 13), weights: [weight([2, 2, 2, 2], 14), weight([2], 15)],
      forwardOnly: true, // tfjs 4.22: "dilation rates greater than 1 are not yet supported in gradients"
    });
  });

  it('MaxPooling2D and AveragePooling2D: default, strides, same padding', () => {
    // tfjs's avgPool gradient with same padding divides by the whole window at the borders; TF's (and
    // ours) by the cells inside the input, as both forwards do: there the reference is tfjs's forward.
    const x = values([2, 5, 6, 3], 16);
    for (const [ours, theirs, linearInX] of [
      [new L.MaxPooling2D(), tfl.layers.maxPooling2d({ poolSize: 2 }), false],
      [new L.MaxPooling2D(3, { strides: 2, padding: 'same' }), tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), false],
      [new L.AveragePooling2D(), tfl.layers.averagePooling2d({ poolSize: 2 }), false],
      [new L.AveragePooling2D([2, 3], { strides: 1, padding: 'same' }), tfl.layers.averagePooling2d({ poolSize: [2, 3], strides: 1, padding: 'same' }), true],
    ] as const) {
      compare({ ours, theirs, shape: [2, 5, 6, 3], x, weights: [], linearInX });
    }
  });

  it('Flatten, ReLU, Softmax, and Dropout at rate 0 and at inference', () => {
    const shape = [3, 2, 4];
    const x = values(shape, 17, -3, 3);
    compare({ ours: new L.Flatten(), theirs: tfl.layers.flatten(), shape, x, weights: [] });
    compare({ ours: new L.ReLU(), theirs: tfl.layers.reLU(), shape, x, weights: [] });
    compare({ ours: new L.Softmax(), theirs: tfl.layers.softmax({ axis: -1 }), shape, x, weights: [] });
    compare({ ours: new L.Dropout(0), theirs: tfl.layers.dropout({ rate: 0 }), shape, x, weights: [], training: true });
    compare({ ours: new L.Dropout(0.5), theirs: tfl.layers.dropout({ rate: 0.5 }), shape, x, weights: [], training: false });
  });

  it('BatchNormalization in training (batch statistics; moving statistics updated) and in inference', () => {
    for (const training of [true, false]) {
      const weights = [weight([3], 18, 0.5, 1.5), weight([3], 19), weight([3], 20), weight([3], 21, 0.5, 2)];
      compare({ ours: new L.BatchNormalization(), theirs: tfl.layers.batchNormalization(), shape: [5, 3], x: values([5, 3], 22, -2, 2), weights, training, tol: 2e-5 });
      compare({
        ours: new L.BatchNormalization({ momentum: 0.9, epsilon: 0.01 }),
        theirs: tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01 }),
        shape: [2, 3, 4, 3], x: values([2, 3, 4, 3], 23, -2, 2), weights, training, tol: 2e-5,
      });
    }
  });

  it('LayerNormalization over the last axis', () => {
    compare({
      ours: new L.LayerNormalization(),
      theirs: tfl.layers.layerNormalization(),
      shape: [3, 2, 5], x: values([3, 2, 5], 24, -2, 2), weights: [weight([5], 25, 0.5, 1.5), weight([5], 26)], tol: 2e-5,
    });
  });

  it('Embedding: rows by index (repeated indices), gradients scattered into the table', () => {
    compare({
      ours: new L.Embedding(6, 3),
      theirs: tfl.layers.embedding({ inputDim: 6, outputDim: 3 }),
      shape: [2, 4], x: [0, 5, 2, 2, 1, 5, 5, 3], dtype: 'int32', weights: [weight([6, 3], 27)],
    });
  });
});

/**
 * Our optimizers (Keras 3's rules) against tfjs.train's where tfjs has the same rule, over the same
 * hand-made gradients. Where the rules differ, the difference is stated and the reference adjusted so
 * the test still pins the arithmetic.
 */
describe('keras optimizers against TensorFlow.js tf.train', () => {
  let serial = 0;

  /** The weights after each step, ours and tfjs's. */
  function trajectories(ours: tf.keras.optimizers.Optimizer, theirs: tfjs.Optimizer, beforeStep?: (t: number) => void): { ours: number[][]; theirs: number[][] } {
    const w = tf.variable(W0);
    const v = tfjs.variable(tfjs.tensor(W0), true, `w${serial++}`);
    const out = { ours: [] as number[][], theirs: [] as number[][] };
    for (const [i, g] of GRADS.entries()) {
      beforeStep?.(i + 1);
      ours.applyGradients([[tf.constant(g), w]]);
      theirs.applyGradients({ [v.name]: tfjs.tensor(g) });
      out.ours.push(arr(w));
      out.theirs.push(arr(v));
    }
    return out;
  }

  function agree(t: { ours: number[][]; theirs: number[][] }, tol: number): void {
    t.ours.forEach((w, i) => (tol === 0 ? assert.deepEqual(w, t.theirs[i], `step ${i + 1}`) : close(w, t.theirs[i], tol, `step ${i + 1}`)));
    // The weights moved: a no-op optimizer on both sides could not pass.
    assert.ok(t.ours[GRADS.length - 1].every((x, i) => x !== Math.fround(W0[i])));
  }

  before(async () => {
    await tfjs.setBackend('cpu');
  });

  it('SGD: the same rule, w − lr·g, bit for bit', () => {
    agree(trajectories(new tf.keras.optimizers.SGD({ learningRate: 0.05 }), tfjs.train.sgd(0.05)), 0);
  });

  it('SGD with momentum and Nesterov: the same steps; Keras 3 keeps v = m·v − lr·g, tfjs a = m·a + g and w − lr·a (v = −lr·a), so they round apart', () => {
    for (const nesterov of [false, true]) {
      agree(trajectories(new tf.keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov }), tfjs.train.momentum(0.05, 0.9, nesterov)), 1e-6);
    }
  });

  it("Adam: Keras 3 adds ε to √v (bias corrections folded into the rate), tfjs to √v̂: equal with tfjs's ε at step t set to ε/√(1−β₂ᵗ)", () => {
    for (const [b1, b2, eps] of [[0.9, 0.999, 1e-7], [0.8, 0.95, 1e-3]]) {
      // Keras 3: lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε) = lr·m̂/(√v̂ + ε/√(1−β₂ᵗ)). With tfjs's own ε the
      // step of the 1e-4 gradient differs by 3% (√v ≈ 3e-6 there), so the ε is what Keras 3 changes.
      const theirs = tfjs.train.adam(0.01, b1, b2, eps);
      const setEps = (t: number): void => {
        (theirs as unknown as { epsilon: number }).epsilon = eps / Math.sqrt(1 - Math.pow(b2, t));
      };
      agree(trajectories(new tf.keras.optimizers.Adam({ learningRate: 0.01, beta1: b1, beta2: b2, epsilon: eps }), theirs, setEps), 1e-6);
      const plain = trajectories(new tf.keras.optimizers.Adam({ learningRate: 0.01, beta1: b1, beta2: b2, epsilon: eps }), tfjs.train.adam(0.01, b1, b2, eps));
      assert.ok(plain.ours[0].some((w, i) => Math.abs(w - plain.theirs[0][i]) > 1e-5), "tfjs's own ε placement gives another step");
    }
  });

  it('RMSprop: the same rule, plain and with momentum; centered, tfjs subtracts ε (√(ms − mg² − ε)) where Keras 3 adds it, so its ε is negated', () => {
    agree(trajectories(new tf.keras.optimizers.RMSprop({ learningRate: 0.01 }), tfjs.train.rmsprop(0.01, 0.9, 0, 1e-7)), 1e-6);
    agree(trajectories(new tf.keras.optimizers.RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5 }), tfjs.train.rmsprop(0.01, 0.8, 0.5, 1e-7)), 1e-6);
    agree(trajectories(new tf.keras.optimizers.RMSprop({ learningRate: 0.01, momentum: 0.3, epsilon: 1e-4, centered: true }), tfjs.train.rmsprop(0.01, 0.9, 0.3, -1e-4, true)), 1e-6);
  });

  it('Adagrad: the same rule, a + g² from the initial accumulator, w − lr·g/√(a + ε) (tfjs: ε = 1e-7)', () => {
    agree(trajectories(new tf.keras.optimizers.Adagrad({ learningRate: 0.1 }), tfjs.train.adagrad(0.1, 0.1)), 1e-6);
    agree(trajectories(new tf.keras.optimizers.Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5 }), tfjs.train.adagrad(0.1, 0.5)), 1e-6);
  });
});
