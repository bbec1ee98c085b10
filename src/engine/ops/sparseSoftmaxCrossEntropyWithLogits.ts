import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { shapeTuple } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { cast } from './cast';
import { expandDims } from './expandDims';
import { multiply } from './multiply';
import { oneHot } from './oneHot';
import { softmax } from './softmax';
import { subtract } from './subtract';
import { requireFloat } from './helpers';
import { reduceSum } from './reduceSum';
import { checkOptions } from '../args';

/**
 * out[r] = logSumExp(logits[r]) − logits[r, labels[r]]: one loss per row, labels int32 classes.
 * ∂out/∂logits = softmax(logits) − oneHot(labels) (TensorFlow's backprop); labels get none.
 */
export const SparseSoftmaxCrossEntropyWithLogits = defineOp({
  name: 'SparseSoftmaxCrossEntropyWithLogits',
  inputs: ['labels', 'logits'],
  derivative: '∂out/∂labels: none (integer), ∂out/∂logits = softmax(logits) − oneHot(labels)',
  jvp: ([, t], [labels, logits]) => reduceSum(multiply(t!, subtract(softmax(logits), cast(oneHot(labels, logits.shape[logits.rank - 1]), logits.dtype))), -1),
  forward: ([labels, logits]) => {
    requireFloat('SparseSoftmaxCrossEntropyWithLogits', logits);
    const n = logits.shape[logits.rank - 1];
    const rows = labels.size;
    const out = allocate(logits.dtype, rows);
    const z = labels.data;
    const x = logits.data;
    for (let r = 0; r < rows; r++) {
      const label = z[r];
      if (!(label >= 0 && label < n)) {
        throw new InvalidArgumentError(`Received a label value of ${label} which is outside the valid range of [0, ${n}).  Label values: ${Array.from(z).join(' ')}`, 'SparseSoftmaxCrossEntropyWithLogits');
      }
      const row = r * n;
      let m = -Infinity;
      for (let i = 0; i < n; i++) if (x[row + i] > m) m = x[row + i];
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(x[row + i] - m);
      out[r] = m + Math.log(s) - x[row + label];
    }
    return new Tensor(out, labels.shape, logits.dtype);
  },
  gradient: (dy, [labels, logits]) => [
    null,
    () => multiply(expandDims(dy, -1), subtract(softmax(logits), cast(oneHot(labels, logits.shape[logits.rank - 1]), logits.dtype))),
  ],
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [2], int: 3 }, { shape: [2, 3] }], attrs: undefined },
    { inputs: [{ shape: [2, 2], int: 4 }, { shape: [2, 2, 4] }], attrs: undefined },
    { inputs: [{ shape: [], int: 4 }, { shape: [4] }], attrs: undefined },
  ] },
});

/**
 * tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }): labels are int32 class indices of
 * the shape of logits without its last axis; one loss per label. TensorFlow's shape and range errors.
 */
export function sparseSoftmaxCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike }): Tensor {
  checkOptions('sparseSoftmaxCrossEntropyWithLogits', args, ['labels', 'logits']);
  const { labels, logits } = args;
  const x = toTensor(logits);
  const l = toTensor(labels, 'int32');
  if (l.dtype !== 'int32') throw new InvalidArgumentError(`labels must be an int32 tensor of class indices, got ${l.dtype}`, 'SparseSoftmaxCrossEntropyWithLogits');
  if (x.rank === 0) throw new InvalidArgumentError(`Logits cannot be scalars - received shape ${shapeTuple(x.shape)}.`, 'SparseSoftmaxCrossEntropyWithLogits');
  if (l.rank !== x.rank - 1) {
    throw new InvalidArgumentError(`Rank mismatch: Rank of labels (received ${l.rank}) should equal rank of logits minus 1 (received ${x.rank}).`, 'SparseSoftmaxCrossEntropyWithLogits');
  }
  if (l.shape.some((d, i) => d !== x.shape[i])) {
    throw new InvalidArgumentError(`Shape mismatch: The shape of labels (received ${shapeTuple(l.shape)}) should equal the shape of logits except for the last dimension (received ${shapeTuple(x.shape)}).`, 'SparseSoftmaxCrossEntropyWithLogits');
  }
  return SparseSoftmaxCrossEntropyWithLogits.apply([l, x]);
}
