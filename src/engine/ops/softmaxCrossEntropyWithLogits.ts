import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { sameShape, shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { expandDims } from './expandDims';
import { logSoftmax } from './logSoftmax';
import { multiply } from './multiply';
import { negative } from './negative';
import { reduceSum } from './reduceSum';
import { softmax } from './softmax';
import { subtract } from './subtract';
import { alongLastAxis } from './softmaxUtil';
import { pair, sameDtype } from './helpers';

/**
 * out = −Σ labels·logSoftmax(logits) over the last axis (one loss per row).
 * ∂out/∂logits = softmax(logits)·Σlabels − labels (TensorFlow's softmax − labels when the labels
 * sum to 1, as they should), ∂out/∂labels = −logSoftmax(logits).
 */
export const SoftmaxCrossEntropyWithLogits = defineOp({
  name: 'SoftmaxCrossEntropyWithLogits',
  inputs: ['labels', 'logits'],
  derivative: '∂out/∂labels = −log softmax(logits), ∂out/∂logits = softmax(logits)·Σlabels − labels (softmax(logits) − labels when labels sums to 1)',
  forward: ([labels, logits]) => {
    const dtype = sameDtype('SoftmaxCrossEntropyWithLogits', [labels, logits]);
    if (!sameShape(labels.shape, logits.shape) || logits.rank === 0) {
      throw new InvalidArgumentError(
        `logits and labels must be broadcastable: logits_size=${shapeText(logits.shape)} labels_size=${shapeText(labels.shape)}`,
        'SoftmaxCrossEntropyWithLogits',
      );
    }
    const n = logits.shape[logits.rank - 1];
    const out = allocate(dtype, logits.size / Math.max(n, 1));
    const z = labels.data;
    alongLastAxis(logits, (row, len, src) => {
      let m = -Infinity;
      for (let i = 0; i < len; i++) if (src[row + i] > m) m = src[row + i];
      let s = 0;
      for (let i = 0; i < len; i++) s += Math.exp(src[row + i] - m);
      const lse = m + Math.log(s);
      let loss = 0;
      for (let i = 0; i < len; i++) if (z[row + i] !== 0) loss -= z[row + i] * (src[row + i] - lse);
      out[row / len] = loss;
    });
    return new Tensor(out, logits.shape.slice(0, -1), dtype);
  },
  gradient: (dy, [labels, logits]) => {
    const g = (): Tensor => expandDims(dy, -1);
    return [() => multiply(g(), negative(logSoftmax(logits))), () => multiply(g(), subtract(multiply(softmax(logits), reduceSum(labels, -1, true)), labels))];
  },
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3], lo: 0, hi: 1 }, { shape: [2, 3] }], attrs: undefined },
      { inputs: [{ shape: [4], lo: 0, hi: 1 }, { shape: [4] }], attrs: undefined },
    ],
  },
});

/** tf.softmaxCrossEntropyWithLogits: out = −Σ labels·logSoftmax(logits) over the last axis (one loss per row). ∂out/∂logits = softmax(logits)·Σlabels − labels (TensorFlow's softmax − labels when the labels sum to 1, as they should), ∂out/∂labels = −logSoftmax(logits). */
export function softmaxCrossEntropyWithLogits({ labels, logits }: { labels: TensorLike; logits: TensorLike }): Tensor {
  return SoftmaxCrossEntropyWithLogits.apply(pair(labels, logits));
}
