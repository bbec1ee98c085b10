/**
 * Conv2D, MaxPooling2D and AveragePooling2D: forward values and gradients bit-equal to the same
 * computation with raw ops (weights set through setWeights), Keras's shapes and error texts.
 */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { lcg } from '../gradcheck';

const L = tf.keras.layers;

function values(shape: number[], seed: number): tf.Tensor {
  const rand = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.constant(Array.from({ length: n }, () => rand() * 2 - 1), 'float32', shape);
}

const arr = (t: tf.Tensor | null): number[] => (t === null ? [] : Array.from(t.dataSync()));

/** Σ w·f() and its gradients with respect to `sources`, as plain arrays. */
function gradsOf(f: () => tf.Tensor, sources: tf.Tensor[], seed: number): { y: number[]; grads: number[][] } {
  const tape = new tf.GradientTape();
  for (const s of sources) tape.watch(s);
  let out!: tf.Tensor;
  const loss = tape.record(() => {
    out = f();
    return tf.reduceSum(tf.multiply(out, values(out.shape, seed)));
  });
  return { y: arr(out), grads: tape.gradient(loss, sources).map(arr) };
}

describe('keras Conv2D and pooling layers against raw ops', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('Conv2D (same, strides 2, relu): conv2d + bias + activation, forward and gradients bit-equal', () => {
    const x = values([2, 7, 6, 3], 1);
    const conv = new L.Conv2D(4, [3, 2], { strides: 2, padding: 'same', activation: 'relu' });
    conv.build(x.shape);
    const k = values([3, 2, 3, 4], 2);
    const b = values([4], 3);
    conv.setWeights([k, b]);
    assert.equal(conv.name, 'conv2d');
    assert.deepEqual(conv.kernel!.shape, [3, 2, 3, 4]);
    const ours = gradsOf(() => conv(x), [x, conv.kernel!, conv.bias!], 4);
    const raw = gradsOf(() => tf.relu(tf.add(tf.nn.conv2d(x, k, 2, 'SAME'), b)), [x, k, b], 4);
    assert.deepEqual(ours, raw);
    assert.deepEqual(conv(x).shape, conv.computeOutputShape(x.shape));
  });

  it('Conv2D (valid, dilated, no bias) builds a kernel from the input channels; shapes follow Keras', () => {
    const x = values([1, 9, 8, 2], 5);
    const conv = new L.Conv2D(3, 3, { dilationRate: 2, useBias: false });
    const y = conv(x);
    assert.deepEqual(y.shape, [1, 5, 4, 3]);
    assert.deepEqual(conv.computeOutputShape(x.shape), [1, 5, 4, 3]);
    assert.equal(conv.weights.length, 1);
    assert.deepEqual(arr(y), arr(tf.nn.conv2d(x, conv.kernel!, 1, 'VALID', { dilations: 2 })));
    assert.throws(() => conv(values([1, 9, 8, 3], 6)), /expected axis -1 of input shape to have value 2/);
  });

  it("Conv2D rejects bad arguments with Keras's texts", () => {
    assert.throws(() => new L.Conv2D(0, 3), /Invalid value for argument `filters`\. Expected a strictly positive value\. Received filters=0\./);
    assert.throws(() => new L.Conv2D(2, [3, 3, 3] as unknown as number), /The `kernel_size` argument must be a tuple of 2 integers\. Received kernel_size=\(3, 3, 3\)/);
    assert.throws(() => new L.Conv2D(2, [3, 0]), /that do not satisfy `value > 0`/);
    assert.throws(() => new L.Conv2D(2, 3, { padding: 'full' as 'same' }), /The `padding` argument must be a list\/tuple or one of \["valid", "same"\]/);
    assert.throws(() => new L.Conv2D(2, 3, { strides: 2, dilationRate: 2 }), /`strides > 1` not supported in conjunction with `dilation_rate > 1`/);
    assert.throws(() => new L.Conv2D(2, 3)(values([4, 4, 1], 7)), /expected min_ndim=4, found ndim=3/);
  });

  it('MaxPooling2D and AveragePooling2D: the pools with strides = poolSize by default', () => {
    const x = values([2, 5, 6, 3], 8);
    const maxLayer = new L.MaxPooling2D();
    const avgLayer = new L.AveragePooling2D(3, { strides: [2, 1], padding: 'same' });
    assert.deepEqual(gradsOf(() => maxLayer(x), [x], 9), gradsOf(() => tf.nn.maxPool2d(x, 2, 2, 'VALID'), [x], 9));
    assert.deepEqual(gradsOf(() => avgLayer(x), [x], 10), gradsOf(() => tf.nn.avgPool2d(x, 3, [2, 1], 'SAME'), [x], 10));
    assert.deepEqual(maxLayer(x).shape, maxLayer.computeOutputShape(x.shape));
    assert.deepEqual(avgLayer(x).shape, avgLayer.computeOutputShape(x.shape));
    assert.deepEqual(avgLayer.computeOutputShape([2, 5, 6, 3]), [2, 3, 6, 3]);
    assert.equal(maxLayer.name, 'max_pooling2d');
    assert.equal(avgLayer.name, 'average_pooling2d');
    assert.throws(() => new L.MaxPooling2D(2)(values([5, 6, 3], 11)), /expected ndim=4, found ndim=3/);
  });

  it("a Sequential conv net (API.md's example) trains: the loss goes down", () => {
    const model = new tf.keras.Sequential([
      new L.Conv2D(4, 3, { activation: 'relu' }),
      new L.MaxPooling2D(),
      new L.Flatten(),
      new L.Dense(2),
    ]);
    const x = values([6, 6, 6, 1], 12);
    const labels = tf.constant([0, 1, 0, 1, 0, 1], 'int32');
    const loss = (): tf.Tensor => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: model(x) }));
    const first = loss().dataSync()[0];
    const opt = new tf.optimizers.SGD({ learningRate: 0.5 });
    for (let i = 0; i < 10; i++) {
      const tape = new tf.GradientTape();
      const l = tape.record(loss);
      const vars = model.trainableVariables;
      const g = tape.gradient(l, vars);
      opt.applyGradients(vars.map((v, j) => [g[j], v] as const));
    }
    assert.ok(loss().dataSync()[0] < first * 0.8, `loss ${loss().dataSync()[0]} vs ${first}`);
    assert.deepEqual(model.trainableVariables.map((v) => v.name), ['conv2d/kernel:0', 'conv2d/bias:0', 'dense/kernel:0', 'dense/bias:0']);
  });
});
