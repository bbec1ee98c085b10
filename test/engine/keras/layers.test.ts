/**
 * Each layer's forward values and gradients equal the same computation written with raw ops, given
 * the same weights through setWeights, and TensorFlow.js's formulas (tfjs-core ops) to float32
 * accuracy. (tfjs-layers is not a dependency; its layers compute with these same core ops.)
 */
import { strict as assert } from 'node:assert';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '../../../src/engine/index';
import { lcg } from '../gradcheck';

const L = tf.keras.layers;

function values(shape: number[], seed: number, lo = -1, hi = 1): number[] {
  const rand = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

const arr = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/** Σ w·f(x) and its gradients with respect to x and `vars`, by our tape. */
function gradsOf(f: () => tf.Tensor, w: tf.Tensor, sources: tf.Tensor[]): { y: number[]; grads: number[][] } {
  const tape = new tf.GradientTape({ persistent: false });
  for (const s of sources) tape.watch(s);
  let out!: tf.Tensor;
  const loss = tape.record(() => {
    out = f();
    return tf.reduceSum(tf.multiply(out, w));
  });
  const grads = tape.gradient(loss, sources);
  return { y: arr(out), grads: grads.map((g) => (g === null ? [] : arr(g))) };
}

function close(a: number[], b: number[] | Float32Array | Int32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.abs(b[i]));
    assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

/** Σ w·f(inputs) by tfjs, with its gradients with respect to every input. */
function tfjsGrads(f: (...xs: tfjs.Tensor[]) => tfjs.Tensor, w: number[], inputs: tfjs.Tensor[]): { y: Float32Array; grads: Float32Array[] } {
  const y = f(...inputs).dataSync() as Float32Array;
  const wt = tfjs.tensor(w, f(...inputs).shape);
  const g = tfjs.grads((...xs: tfjs.Tensor[]) => tfjs.sum(tfjs.mul(f(...xs), wt)))(inputs);
  return { y, grads: g.map((t) => t.dataSync() as Float32Array) };
}

describe('keras/layers against raw ops and tfjs', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('Dense (relu): x·kernel + bias, activation; forward and gradients', () => {
    const xs = values([4, 3], 1);
    const ks = values([3, 5], 2);
    const bs = values([5], 3);
    const ws = values([4, 5], 4);
    const dense = new L.Dense(5, { activation: 'relu' });
    dense.build([4, 3]);
    dense.setWeights([tf.constant(ks, 'float32', [3, 5]), bs]);
    const x = tf.constant(xs, 'float32', [4, 3]);
    const w = tf.constant(ws, 'float32', [4, 5]);
    const kernel = dense.kernel as tf.Variable;
    const bias = dense.bias as tf.Variable;
    const ours = gradsOf(() => dense(x), w, [x, kernel, bias]);
    const k = tf.constant(ks, 'float32', [3, 5]);
    const b = tf.constant(bs);
    const raw = gradsOf(() => tf.relu(tf.add(tf.matmul(x, k), b)), w, [x, k, b]);
    assert.deepEqual(ours, raw);
    const theirs = tfjsGrads((tx, tk, tb) => tfjs.relu(tfjs.add(tfjs.matMul(tx, tk), tb)), ws, [tfjs.tensor(xs, [4, 3]), tfjs.tensor(ks, [3, 5]), tfjs.tensor(bs)]);
    close(ours.y, theirs.y, 1e-6, 'y');
    ours.grads.forEach((g, i) => close(g, theirs.grads[i], 1e-5, `grad ${i}`));
  });

  it('Dense over a rank-3 input contracts the last axis; without bias it has one weight', () => {
    const dense = new L.Dense(2, { useBias: false, activation: tf.nn.tanh });
    const x = tf.constant(values([2, 3, 4], 5), 'float32', [2, 3, 4]);
    const y = dense(x);
    assert.deepEqual(y.shape, [2, 3, 2]);
    assert.equal(dense.weights.length, 1);
    assert.equal(dense.bias, null);
    assert.deepEqual(arr(y), arr(tf.tanh(tf.matmul(x, dense.kernel as tf.Variable))));
  });

  it('activations by TF name in both spellings, and unknown names with Keras\'s text', () => {
    const x = tf.constant(values([2, 3], 6, -3, 3), 'float32', [2, 3]);
    const cases: [string, (t: tf.Tensor) => tf.Tensor][] = [
      ['sigmoid', tf.sigmoid],
      ['tanh', tf.tanh],
      ['softmax', (t) => tf.softmax(t)],
      ['gelu', (t) => tf.gelu(t)],
      ['elu', tf.elu],
      ['selu', tf.selu],
      ['swish', (t) => tf.silu(t)],
      ['linear', (t) => t],
      ['leakyRelu', (t) => tf.leakyRelu(t, 0.2)],
    ];
    for (const [name, f] of cases) {
      const d = new L.Dense(3, { activation: name, kernelInitializer: 'ones' });
      d.build([2, 3]);
      const pre = tf.add(tf.matmul(x, d.kernel as tf.Variable), d.bias as tf.Variable);
      assert.deepEqual(arr(d(x)), arr(f(pre)), name);
    }
    assert.throws(() => new L.Dense(1, { activation: 'sigmod' }), /Could not interpret activation function identifier: sigmod/);
    assert.throws(() => new L.Dense(0), /Received an invalid value for `units`, expected a positive integer\. Received: units=0/);
  });

  it('Flatten, ReLU, Softmax', () => {
    const x = tf.constant(values([2, 3, 2], 7), 'float32', [2, 3, 2]);
    assert.deepEqual(new L.Flatten()(x).shape, [2, 6]);
    assert.deepEqual(arr(new L.Flatten()(x)), arr(x));
    assert.deepEqual(arr(new L.ReLU()(x)), arr(tf.relu(x)));
    assert.deepEqual(arr(new L.ReLU({ maxValue: 0.5 })(x)), arr(tf.minimum(tf.relu(x), 0.5)));
    assert.deepEqual(arr(new L.Softmax()(x)), arr(tf.softmax(x, -1)));
    assert.deepEqual(arr(new L.Softmax({ axis: 1 })(x)), arr(tf.softmax(x, 1)));
    const w = tf.constant(values([2, 3, 2], 8), 'float32', [2, 3, 2]);
    assert.deepEqual(gradsOf(() => new L.Softmax()(x), w, [x]), gradsOf(() => tf.softmax(x), w, [x]));
  });

  it('Dropout: identity unless training; when training, tf.nn.dropout\'s scaling; a seed repeats the sequence of masks', () => {
    const x = tf.ones([50, 40]);
    const d = new L.Dropout(0.25, { seed: 7 });
    assert.equal(d(x), x);
    assert.equal(d(x, { training: false }), x);
    const a = arr(d(x, { training: true }));
    const kept = a.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
    assert.ok(Math.abs(kept.length / a.length - 0.75) < 0.03, `kept ${kept.length}`);
    const b = arr(d(x, { training: true }));
    assert.notDeepEqual(a, b, 'each call draws a new mask');
    tf.keras.backend.clearSession();
    const again = new L.Dropout(0.25, { seed: 7 });
    assert.deepEqual(arr(again(x, { training: true })), a);
    assert.deepEqual(arr(again(x, { training: true })), b);
    assert.throws(() => new L.Dropout(1.5), /Invalid value received for argument `rate`\. Expected a float value between 0 and 1\. Received: rate=1\.5/);
  });

  it('Embedding: rows of embeddings by index, gradient scattered back to the rows', () => {
    const e = new L.Embedding(5, 3);
    const table = values([5, 3], 9);
    e.build([2]);
    e.setWeights([tf.constant(table, 'float32', [5, 3])]);
    assert.equal(e.embeddings?.name, 'embedding/embeddings:0');
    const ids = tf.constant([[1, 4], [1, 0]], 'int32');
    const w = tf.constant(values([2, 2, 3], 10), 'float32', [2, 2, 3]);
    const ours = gradsOf(() => e(ids), w, [e.embeddings as tf.Variable]);
    const t = tf.constant(table, 'float32', [5, 3]);
    assert.deepEqual(ours, gradsOf(() => tf.gather(t, ids), w, [t]));
    assert.deepEqual(e([[2]]).shape, [1, 1, 3], 'arrays become int32 indices');
    const theirs = tfjsGrads((tt) => tfjs.gather(tt, tfjs.tensor([[1, 4], [1, 0]], undefined, 'int32')), arr(w), [tfjs.tensor(table, [5, 3])]);
    close(ours.grads[0], theirs.grads[0], 1e-6, 'embeddings grad');
  });

  it('LayerNormalization: (x − mean)/√(var + ε)·gamma + beta over the last axis; gradients', () => {
    const ln = new L.LayerNormalization();
    const x = tf.constant(values([3, 4], 11, -2, 2), 'float32', [3, 4]);
    ln.build([3, 4]);
    const gs = values([4], 12, 0.5, 1.5);
    const bs = values([4], 13);
    ln.setWeights([gs, bs]);
    const w = tf.constant(values([3, 4], 14), 'float32', [3, 4]);
    const ours = gradsOf(() => ln(x), w, [x, ln.gamma as tf.Variable, ln.beta as tf.Variable]);
    const g = tf.constant(gs);
    const b = tf.constant(bs);
    const raw = gradsOf(
      () => {
        const [mean, variance] = tf.nn.moments(x, [1], { keepdims: true });
        const inv = tf.multiply(tf.rsqrt(tf.add(variance, 0.001)), g);
        return tf.add(tf.multiply(x, inv), tf.add(tf.multiply(tf.negative(mean), inv), b));
      },
      w,
      [x, g, b],
    );
    assert.deepEqual(ours, raw);
    const theirs = tfjsGrads(
      (tx, tg, tb) => {
        const { mean, variance } = tfjs.moments(tx, [1], true);
        return tfjs.add(tfjs.mul(tfjs.div(tfjs.sub(tx, mean), tfjs.sqrt(tfjs.add(variance, 0.001))), tg), tb);
      },
      arr(w),
      [tfjs.tensor(arr(x), [3, 4]), tfjs.tensor(gs), tfjs.tensor(bs)],
    );
    close(ours.y, theirs.y, 1e-5, 'y');
    ours.grads.forEach((gr, i) => close(gr, theirs.grads[i], 1e-4, `grad ${i}`));
  });

  it('BatchNormalization: batch statistics and momentum updates when training, moving statistics otherwise', () => {
    const bn = new L.BatchNormalization({ momentum: 0.9 });
    const x = tf.constant(values([6, 3], 15, -2, 3), 'float32', [6, 3]);
    bn.build([6, 3]);
    const gs = values([3], 16, 0.5, 1.5);
    const bs = values([3], 17);
    bn.setWeights([gs, bs, [0.1, 0.2, 0.3], [1, 2, 3]]);
    assert.deepEqual(bn.trainableVariables.map((v) => v.name), ['batch_normalization/gamma:0', 'batch_normalization/beta:0']);
    assert.deepEqual(bn.nonTrainableVariables.map((v) => v.name), ['batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']);
    const w = tf.constant(values([6, 3], 18), 'float32', [6, 3]);
    const g = tf.constant(gs);
    const b = tf.constant(bs);
    const ours = gradsOf(() => bn(x, { training: true }), w, [x, bn.gamma as tf.Variable, bn.beta as tf.Variable]);
    const raw = gradsOf(
      () => {
        const [mean, variance] = tf.nn.moments(x, [0]);
        return tf.nn.batchNormalization(x, mean, variance, b, g, 0.001);
      },
      w,
      [x, g, b],
    );
    assert.deepEqual(ours, raw);
    // The moving statistics moved once (the gradient call reran nothing).
    const [mean, variance] = tf.nn.moments(x, [0]);
    const expectMean = tf.add(tf.multiply(tf.constant([0.1, 0.2, 0.3]), 0.9), tf.multiply(mean, 1 - 0.9));
    const expectVar = tf.add(tf.multiply(tf.constant([1, 2, 3]), 0.9), tf.multiply(variance, 1 - 0.9));
    assert.deepEqual(arr(bn.movingMean as tf.Variable), arr(expectMean));
    assert.deepEqual(arr(bn.movingVariance as tf.Variable), arr(expectVar));
    // Inference: the moving statistics, nothing updated.
    const before = arr(bn.movingMean as tf.Variable);
    const inf = bn(x);
    assert.deepEqual(arr(inf), arr(tf.nn.batchNormalization(x, bn.movingMean as tf.Variable, bn.movingVariance as tf.Variable, b, g, 0.001)));
    assert.deepEqual(arr(bn.movingMean as tf.Variable), before);
    // tfjs's batchNorm with the batch's statistics.
    const tx = tfjs.tensor(arr(x), [6, 3]);
    const m = tfjs.moments(tx, [0]);
    const theirs = tfjs.batchNorm(tx, m.mean, m.variance, tfjs.tensor(bs), tfjs.tensor(gs), 0.001).dataSync();
    close(ours.y, theirs as Float32Array, 1e-5, 'tfjs batchNorm');
  });

  it('BatchNormalization on NHWC images normalizes per channel; a frozen layer uses its moving statistics even when training', () => {
    const bn = new L.BatchNormalization();
    const x = tf.constant(values([2, 3, 3, 4], 19), 'float32', [2, 3, 3, 4]);
    const y = bn(x, { training: true });
    const [mean, variance] = tf.nn.moments(x, [0, 1, 2]);
    assert.deepEqual(arr(y), arr(tf.nn.batchNormalization(x, mean, variance, bn.beta as tf.Variable, bn.gamma as tf.Variable, 0.001)));
    bn.trainable = false;
    const before = arr(bn.movingMean as tf.Variable);
    bn(x, { training: true });
    assert.deepEqual(arr(bn.movingMean as tf.Variable), before);
    assert.throws(() => bn(tf.ones([2, 3, 3, 5])), /expected axis -1 of input shape to have value 4, but received input with shape \(2, 3, 3, 5\)/);
  });
});
