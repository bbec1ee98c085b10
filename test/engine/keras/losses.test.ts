// tf.keras.losses: each loss equals its formula on hand-made batches (with Keras's ε = 1e-7
// clipping), Keras's reductions and sample weights, gradients through the recorded ops, and
// Keras's/TF's messages for bad input.
import assert from 'node:assert/strict';
import * as tf from '../../../src/engine/index';
import { peekValues } from '../../../src/engine/tensor';
import { InvalidArgumentError } from '../../../src/engine/errors';

const L = tf.keras.losses;
const f = Math.fround;
const vals = (t: tf.Tensor): number[] => Array.from(peekValues(t) as ArrayLike<number>);

function close(actual: tf.Tensor | number[], expected: number[], tol = 1e-6, what = 'values'): void {
  const a = Array.isArray(actual) ? actual : vals(actual);
  assert.equal(a.length, expected.length, `${what}: length`);
  a.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${x} vs ${expected[i]}`));
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const rows = (m: number[][], fn: (t: number, p: number) => number, t: number[][]): number[] => m.map((r, i) => mean(r.map((p, j) => fn(t[i][j], p))));

const EPS = f(1e-7);
const ONE_MINUS_EPS = f(1 - 1e-7);
const clip = (p: number): number => Math.min(Math.max(p, EPS), ONE_MINUS_EPS);

const T = [
  [0, 1, 0],
  [1, 0, 0],
  [0, 0, 1],
  [0, 1, 0],
];
const P = [
  [0.2, 0.7, 0.1],
  [0.6, 0.3, 0.1],
  [0.0, 0.0, 1.0], // exact 0 and 1: clipped to ε and 1 − ε
  [0.25, 0.25, 0.5],
];
const SW = [1, 0.5, 2, 0];

describe('keras/losses: the functions, one loss per sample', () => {
  it("meanSquaredError, meanAbsoluteError, huber: the formulas over the last axis (and Keras's doc values)", () => {
    close(L.meanSquaredError(T, P), rows(P, (t, p) => (t - p) ** 2, T));
    close(L.meanAbsoluteError(T, P), rows(P, (t, p) => Math.abs(t - p), T));
    const hub = (d: number) => (t: number, p: number) => (Math.abs(p - t) <= d ? 0.5 * (p - t) ** 2 : d * Math.abs(p - t) - 0.5 * d * d);
    close(L.huber(T, P), rows(P, hub(1), T));
    close(L.huber(T, P, 0.3), rows(P, hub(0.3), T));
    close(L.huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), [0.18, 0.13]);
    close(L.meanSquaredError([1, 0, 1], [0.9, 0.1, 0.8]), [0.02]);
    close(L.meanAbsoluteError([1, 0.3, 1], [1.9, 0.3, 1.8]), [0.5666667]);
  });

  it('binaryCrossentropy: −(t·log p + (1−t)·log(1−p)) with p clipped to [ε, 1−ε], averaged over the last axis', () => {
    const bce = (t: number, p: number): number => -(t * Math.log(clip(p)) + (1 - t) * Math.log(1 - clip(p)));
    close(L.binaryCrossentropy(T, P), rows(P, bce, T), 1e-5);
    // Clipped, not infinite: p = 0 scores −log ε ≈ 16.1, p = 1 scores −log(1 − (1 − ε)) in float32.
    const clipped = vals(L.binaryCrossentropy([[1, 0]], [[0, 1]]))[0];
    close([clipped], [(-Math.log(EPS) - Math.log(f(1 - ONE_MINUS_EPS))) / 2], 1e-5);
    close(L.binaryCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), [0.916, 0.714], 1e-3);
  });

  it('binaryCrossentropy from logits is TF’s sigmoid cross-entropy; label smoothing pulls labels to ½', () => {
    const logits = [[-18.6, 0.51], [2.94, -12.8]];
    const y = [[0, 1], [0, 0]];
    const sce = (t: number, x: number): number => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    close(L.binaryCrossentropy(y, logits, { fromLogits: true }), rows(logits, sce, y), 1e-5);
    const s = 0.2;
    close(L.binaryCrossentropy(y, logits, { fromLogits: true, labelSmoothing: s }), rows(logits, (t, x) => sce(t * (1 - s) + 0.5 * s, x), y), 1e-5);
  });

  it('categoricalCrossentropy: −Σ t·log(p/Σp) clipped; from logits; label smoothing t(1−s) + s/C', () => {
    const cce = (t: number[][], p: number[][]): number[] =>
      p.map((r, i) => {
        const z = r.reduce((a, b) => a + b, 0);
        return -r.reduce((acc, x, j) => acc + t[i][j] * Math.log(clip(x / z)), 0);
      });
    close(L.categoricalCrossentropy(T, P), cce(T, P), 1e-5);
    // Unnormalised probabilities are renormalised first.
    close(L.categoricalCrossentropy([[0, 1]], [[1, 3]]), [-Math.log(0.75)], 1e-6);
    close(L.categoricalCrossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), [0.0513, 2.303], 1e-3);
    const X = [[1, 2, -1], [0.5, 0.5, 3], [-2, 0, 2], [0, 0, 0]];
    const lsm = (r: number[]): number[] => {
      const m = Math.max(...r);
      const lse = m + Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0));
      return r.map((x) => x - lse);
    };
    const xent = (t: number[][]): number[] => X.map((r, i) => -lsm(r).reduce((s, l, j) => s + t[i][j] * l, 0));
    close(L.categoricalCrossentropy(T, X, { fromLogits: true }), xent(T), 1e-5);
    const s = 0.1;
    close(L.categoricalCrossentropy(T, X, { fromLogits: true, labelSmoothing: s }), xent(T.map((r) => r.map((t) => t * (1 - s) + s / 3))), 1e-5);
  });

  it('sparseCategoricalCrossentropy: −log of the label’s probability (clipped, renormalised), or from logits', () => {
    const labels = [1, 0, 2, 1];
    const expected = P.map((r, i) => {
      const lp = r.map((x) => Math.log(clip(x)));
      const m = Math.max(...lp);
      return m + Math.log(lp.reduce((s, l) => s + Math.exp(l - m), 0)) - lp[labels[i]];
    });
    close(L.sparseCategoricalCrossentropy(labels, P), expected, 1e-5);
    // Labels of shape (batch, 1) are squeezed; the doc's example.
    close(L.sparseCategoricalCrossentropy([[1], [2]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), [0.0513, 2.303], 1e-3);
    // From logits equals the categorical one on one-hot labels.
    const X = [[1, 2, -1], [0.5, 0.5, 3], [-2, 0, 2], [0, 0, 0]];
    close(L.sparseCategoricalCrossentropy(labels, X, { fromLogits: true }), vals(L.categoricalCrossentropy(T, X, { fromLogits: true })), 1e-6);
  });
});

describe('keras/losses: instances reduce as Keras (sum over batch size by default)', () => {
  it('MeanSquaredError()(yTrue, yPred) = mean of the per-sample losses; sampleWeight weights each sample; sum, none', () => {
    const per = vals(L.meanSquaredError(T, P));
    close(new L.MeanSquaredError()(T, P), [mean(per)]);
    close(new L.MeanSquaredError()(T, P, SW), [per.reduce((s, x, i) => s + x * SW[i], 0) / per.length]);
    close(new L.MeanSquaredError({ reduction: 'sum' })(T, P, SW), [per.reduce((s, x, i) => s + x * SW[i], 0)]);
    close(new L.MeanSquaredError({ reduction: 'mean_with_sample_weight' })(T, P, SW), [per.reduce((s, x, i) => s + x * SW[i], 0) / 3.5]);
    close(new L.MeanSquaredError({ reduction: null })(T, P, SW), per.map((x, i) => x * SW[i]));
    close(new L.MeanSquaredError({ reduction: 'none' })(T, P), per);
    close(new L.MeanSquaredError()(T, P, [[1], [0.5], [2], [0]]), [per.reduce((s, x, i) => s + x * SW[i], 0) / per.length]);
  });

  it("each class calls its function (Keras's BinaryCrossentropy doc values)", () => {
    const y = [[0, 1], [0, 0]];
    const x = [[-18.6, 0.51], [2.94, -12.8]];
    close(new L.BinaryCrossentropy({ fromLogits: true })(y, x), [0.8654], 1e-4);
    close(new L.BinaryCrossentropy({ fromLogits: true })(y, x, [0.8, 0.2]), [0.243], 1e-3);
    close(new L.BinaryCrossentropy({ fromLogits: true, reduction: 'sum' })(y, x), [1.73], 1e-3);
    close(new L.BinaryCrossentropy({ fromLogits: true, reduction: null })(y, x), [0.235, 1.496], 1e-3);
    close(new L.BinaryCrossentropy({ fromLogits: true })([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), [0.8654], 1e-4);
    const labels = [1, 0, 2, 1];
    close(new L.SparseCategoricalCrossentropy()(labels, P), [mean(vals(L.sparseCategoricalCrossentropy(labels, P)))]);
    close(new L.SparseCategoricalCrossentropy()(tf.constant(labels, 'int32'), P), [mean(vals(L.sparseCategoricalCrossentropy(labels, P)))]);
    close(new L.CategoricalCrossentropy({ labelSmoothing: 0.1 })(T, P), [mean(vals(L.categoricalCrossentropy(T, P, { labelSmoothing: 0.1 })))]);
    close(new L.MeanAbsoluteError()(T, P), [mean(vals(L.meanAbsoluteError(T, P)))]);
    close(new L.Huber({ delta: 0.5 })(T, P), [mean(vals(L.huber(T, P, 0.5)))]);
  });

  it('a (batch,) target against a (batch, 1) prediction is expanded, not broadcast to (batch, batch)', () => {
    close(new L.MeanSquaredError()([1, 2, 3], [[1], [2], [5]]), [4 / 3]);
    close(new L.BinaryCrossentropy()([1, 0], [[0.5], [0.5]]), [Math.log(2)], 1e-6);
  });

  it('a subclass of Loss implements call(yTrue, yPred) and gets the conversion, weighting and reduction', () => {
    class Cubed extends L.Loss {
      call(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
        return tf.reduceMean(tf.pow(tf.abs(tf.subtract(t, p)), 3), -1);
      }
    }
    const loss = new Cubed({ name: 'cubed' });
    close(loss([[1, 2], [0, 0]], [[0, 2], [2, 0]], [1, 3]), [(0.5 * 1 + 4 * 3) / 2]);
    assert.equal(loss.name, 'cubed');
  });

  it('names, defaults, instances are callable objects of their class', () => {
    const l = new L.SparseCategoricalCrossentropy({ fromLogits: true });
    assert.equal(typeof l, 'function');
    assert.ok(l instanceof L.SparseCategoricalCrossentropy && l instanceof L.Loss);
    assert.deepEqual([l.name, l.reduction, l.fromLogits], ['sparse_categorical_crossentropy', 'sum_over_batch_size', true]);
    assert.equal(new L.Huber().name, 'huber_loss');
    assert.equal(new L.MeanSquaredError({ name: 'mse' }).name, 'mse');
  });
});

describe('keras/losses: gradients through the recorded ops', () => {
  it('∂MSE/∂yPred = 2(p − t)/N, and the second derivative 2/N', () => {
    const p = tf.variable([[0.5, 1], [2, -1]]);
    const t = [[0, 1], [1, 1]];
    const tape = new tf.GradientTape();
    const loss = tape.record(() => new L.MeanSquaredError()(t, p));
    close(tape.gradient(loss, p) as tf.Tensor, [0.5, 0, 1, -2].map((d) => (2 * d) / 4));
    const tape2 = new tf.GradientTape();
    const s = tape2.record(() => {
      const t1 = new tf.GradientTape();
      const l1 = t1.record(() => new L.MeanSquaredError()(t, p));
      return tf.reduceSum(t1.gradient(l1, p) as tf.Tensor);
    });
    close(tape2.gradient(s, p) as tf.Tensor, [0.5, 0.5, 0.5, 0.5]);
  });

  it('∂(sparse CE from logits)/∂logits = (softmax − onehot)/N; clipped probabilities get no gradient', () => {
    const x = tf.variable([[1, 2, -1], [0.5, 0.5, 3]]);
    const tape = new tf.GradientTape();
    const loss = tape.record(() => new L.SparseCategoricalCrossentropy({ fromLogits: true })([1, 2], x));
    const g = vals(tape.gradient(loss, x) as tf.Tensor);
    const sm = (r: number[]): number[] => {
      const e = r.map(Math.exp);
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    };
    close(g, [...sm([1, 2, -1]).map((s, j) => (s - (j === 1 ? 1 : 0)) / 2), ...sm([0.5, 0.5, 3]).map((s, j) => (s - (j === 2 ? 1 : 0)) / 2)], 1e-6);
    const p = tf.variable([[0, 0.5]]);
    const tape2 = new tf.GradientTape();
    const l2 = tape2.record(() => new L.BinaryCrossentropy()([[1, 1]], p));
    const g2 = vals(tape2.gradient(l2, p) as tf.Tensor);
    assert.equal(g2[0], 0); // p = 0 was clipped to ε
    close([g2[1]], [-1 / 0.5 / 2]);
  });

  it('a prediction that remembers its logits (_kerasLogits, set by a softmax activation) is scored from them, as Keras 3', () => {
    const logits = tf.constant([[1, 2, -1]]);
    const probs = tf.softmax(logits) as tf.Tensor & { _kerasLogits?: tf.Tensor };
    probs._kerasLogits = logits;
    close(new L.SparseCategoricalCrossentropy()([0], probs), vals(L.sparseCategoricalCrossentropy([0], logits, { fromLogits: true })), 1e-7);
  });
});

describe("keras/losses: Keras's and TF's messages for bad input", () => {
  it('mismatched shapes name both shapes', () => {
    assert.throws(
      () => new L.BinaryCrossentropy()([[0, 1, 1]], [[0.5, 0.5]]),
      (e: Error) => e instanceof InvalidArgumentError && e.message.includes('Arguments `target` and `output` must have the same shape. Received: target.shape=(1, 3), output.shape=(1, 2)'),
    );
    assert.throws(() => L.binaryCrossentropy([0, 1], [[0.5], [0.5]]), /must have the same rank \(ndim\). Received: target.shape=\(2,\), output.shape=\(2, 1\)/);
    assert.throws(() => new L.CategoricalCrossentropy()([[0, 1, 0]], [[0.5, 0.5]]), /Arguments `target` and `output` must have the same shape. Received: target.shape=\(1, 3\), output.shape=\(1, 2\)/);
    assert.throws(
      () => new L.SparseCategoricalCrossentropy()([0, 1, 2], [[0.5, 0.5]]),
      /Arguments `target` and `output` must have the same shape up until the last dimension: target.shape=\(3,\), output.shape=\(1, 2\)/,
    );
    assert.throws(() => new L.MeanSquaredError()([[1, 2, 3]], [[1, 2]]), /Incompatible shapes: \[1,3\] vs. \[1,2\]/);
  });

  it("sparse labels out of range: TF's InvalidArgumentError", () => {
    assert.throws(
      () => new L.SparseCategoricalCrossentropy({ fromLogits: true })([1, 5], [[1, 2, 3], [1, 2, 3]]),
      (e: Error) => e instanceof InvalidArgumentError && e.message.startsWith('Received a label value of 5 which is outside the valid range of [0, 3).  Label values: 1 5'),
    );
    assert.throws(() => new L.SparseCategoricalCrossentropy()([-1], [[0.5, 0.5]]), /Received a label value of -1 which is outside the valid range of \[0, 2\)/);
  });

  it('an unknown reduction', () => {
    assert.throws(() => new L.MeanSquaredError({ reduction: 'avg' as never }), /Invalid value for argument `reduction`. Expected one of .* Received: reduction='avg'/);
  });
});

describe('keras/losses: with Keras layers', () => {
  it("Dense(…, { activation: 'softmax' }) and the Softmax layer hand their logits to the cross-entropy, as Keras 3", () => {
    const dense = new tf.keras.layers.Dense(3, { activation: 'softmax' });
    const x = tf.constant([[40, -3]]);
    dense(x); // built
    dense.setWeights([[[1, 0, 0], [0, 1, 0]], [0, 0, 0]]);
    const probs = dense(x); // logits [40, −3, 0]: p[1] = e^−43 underflows below ε
    const logits = tf.constant([[40, -3, 0]]);
    const fromLogits = vals(L.sparseCategoricalCrossentropy([1], logits, { fromLogits: true }))[0];
    close([fromLogits], [43], 1e-6);
    close(new L.SparseCategoricalCrossentropy()([1], probs), [fromLogits], 1e-6);
    // A plain softmax has no such memory: its probabilities are clipped, −log ε ≈ 16.1.
    close(new L.SparseCategoricalCrossentropy()([1], tf.softmax(logits)), [-Math.log(EPS)], 1e-5);
    const sm = new tf.keras.layers.Softmax();
    close(new L.CategoricalCrossentropy()([[0, 1, 0]], sm(logits)), [fromLogits], 1e-6);
  });
});
