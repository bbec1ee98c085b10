import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { normalizeAxis, sameShape, shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { expandDims } from './expandDims';
import { logSoftmax } from './logSoftmax';
import { multiply } from './multiply';
import { negative } from './negative';
import { softmax } from './softmax';
import { subtract } from './subtract';
import { alongLastAxis } from './softmaxUtil';
import { transpose } from './transpose';
import { pair, sameDtype } from './helpers';
import { checkOptions } from '../args';

/**
 * out = −Σ labels·logSoftmax(logits) over the last axis (one loss per row).
 * ∂out/∂logits = softmax(logits) − labels, TensorFlow's rule (its kernel's backprop), which is the
 * derivative when each row of labels sums to 1 and stays TensorFlow's when it does not;
 * ∂out/∂labels = −logSoftmax(logits).
 */
export const SoftmaxCrossEntropyWithLogits = defineOp({
  name: 'SoftmaxCrossEntropyWithLogits',
  inputs: ['labels', 'logits'],
  derivative: '∂out/∂labels = −log softmax(logits), ∂out/∂logits = softmax(logits) − labels (TensorFlow\'s rule: exact when labels sums to 1)',
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
    return [() => multiply(g(), negative(logSoftmax(logits))), () => multiply(g(), subtract(softmax(logits), labels))];
  },
  sample: {
    kind: 'cases',
    cases: [
      // Rows of labels that sum to 1, where TensorFlow's rule is the derivative the check computes.
      { inputs: [{ shape: [2, 3], lo: 1 / 3, hi: 1 / 3 }, { shape: [2, 3] }], attrs: undefined },
      { inputs: [{ shape: [4], lo: 0.25, hi: 0.25 }, { shape: [4] }], attrs: undefined },
    ],
  },
});

/**
 * tf.nn.softmaxCrossEntropyWithLogits({ labels, logits, axis = -1 }): one loss per row along `axis`
 * (another axis is moved to the end first, as TensorFlow's Python wrapper does).
 * ∂out/∂logits = softmax(logits) − labels (TensorFlow's), ∂out/∂labels = −logSoftmax(logits).
 */
export function softmaxCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike; axis?: number }): Tensor {
  checkOptions('softmaxCrossEntropyWithLogits', args, ['labels', 'logits', 'axis']);
  const { labels, logits, axis = -1 } = args;
  const [l, x] = pair(labels, logits);
  if (x.rank === 0) return SoftmaxCrossEntropyWithLogits.apply([l, x]);
  const a = normalizeAxis(axis, x.rank, 'SoftmaxCrossEntropyWithLogits');
  if (a === x.rank - 1) return SoftmaxCrossEntropyWithLogits.apply([l, x]);
  const perm = [...x.shape.map((_, i) => i).filter((i) => i !== a), a];
  return SoftmaxCrossEntropyWithLogits.apply([l.rank === x.rank ? transpose(l, perm) : l, transpose(x, perm)]);
}
