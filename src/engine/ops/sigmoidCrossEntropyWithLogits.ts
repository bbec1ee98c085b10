import { defineOp } from '../op';
import { broadcastShape, sameShape, shapeText } from '../shape';
import { InvalidArgumentError } from '../errors';
import { allocate } from '../dtype';
import { Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { sigmoid } from './sigmoid';
import { subtract } from './subtract';
import { pair, sameDtype } from './helpers';
import { diagonalJvp } from './tangents';
import { checkOptions } from '../args';

/**
 * out = max(x, 0) − x·z + ln(1 + e^−|x|) for logits x and labels z (TensorFlow's stable form).
 * ∂out/∂x = sigmoid(x) − z, ∂out/∂z = −x.
 */
export const SigmoidCrossEntropyWithLogits = defineOp({
  name: 'SigmoidCrossEntropyWithLogits',
  inputs: ['labels', 'logits'],
  derivative: '∂out/∂labels = −logits, ∂out/∂logits = σ(logits) − labels',
  forward: ([labels, logits]) => {
    const dtype = sameDtype('SigmoidCrossEntropyWithLogits', [labels, logits]);
    if (!sameShape(labels.shape, logits.shape)) {
      broadcastShape(labels.shape, logits.shape, 'SigmoidCrossEntropyWithLogits');
      throw new InvalidArgumentError(
        `logits and labels must have the same shape (${shapeText(logits.shape)} vs ${shapeText(labels.shape)})`,
        'SigmoidCrossEntropyWithLogits',
      );
    }
    const out = allocate(dtype, logits.size);
    const x = logits.data;
    const z = labels.data;
    for (let i = 0; i < out.length; i++) out[i] = Math.max(x[i], 0) - x[i] * z[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
    return new Tensor(out, logits.shape, dtype);
  },
  gradient: (dy, [labels, logits]) => [() => multiply(dy, negative(logits)), () => multiply(dy, subtract(sigmoid(logits), labels))],
  jvp: diagonalJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3], lo: 0, hi: 1 }, { shape: [2, 3] }], attrs: undefined },
      { inputs: [{ shape: [], lo: 0, hi: 1 }, { shape: [] }], attrs: undefined },
    ],
  },
});

/** tf.sigmoidCrossEntropyWithLogits: out = max(x, 0) − x·z + ln(1 + e^−|x|) for logits x and labels z (TensorFlow's stable form). ∂out/∂x = sigmoid(x) − z, ∂out/∂z = −x. */
export function sigmoidCrossEntropyWithLogits(args: { labels: TensorLike; logits: TensorLike }): Tensor {
  checkOptions('sigmoidCrossEntropyWithLogits', args, ['labels', 'logits']);
  const { labels, logits } = args;
  return SigmoidCrossEntropyWithLogits.apply(pair(labels, logits));
}
