/**
 * tf.nn.dropout, composed from recorded ops as TensorFlow's nn_ops.dropout_v2 writes it: x scaled
 * by 1/(1 − rate), then zeroed where a uniform draw falls below `rate`.
 */
import { InvalidArgumentError } from '../errors';
import { isFloat } from '../dtype';
import { uniform } from '../random';
import { shapeText } from '../shape';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { greaterEqual } from './greaterEqual';
import { filled } from './helpers';
import { multiply } from './multiply';
import { where } from './where';
import { checkInt, checkOptions } from '../args';

export interface DropoutOptions {
  /** The same seed drops the same elements on every machine (the draw is tf.random.uniform's). */
  seed?: number;
  /** The shape of the keep/drop mask, broadcast against x; null entries take x's size. */
  noiseShape?: readonly (number | null)[];
}

/**
 * tf.nn.dropout(x, rate, { seed, noiseShape }): each element (or each slice of noiseShape) is kept
 * with probability 1 − rate and scaled by 1/(1 − rate), else 0. rate 0 returns x itself.
 * ∂out/∂x = 1/(1 − rate) where kept, 0 where dropped.
 */
export function dropout(x: TensorLike, rate: number, options: DropoutOptions = {}): Tensor {
  checkOptions('dropout', options, ['seed', 'noiseShape']);
  const { seed, noiseShape } = options;
  checkInt('dropout', 'seed', seed);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new InvalidArgumentError(`\`rate\` must be a scalar tensor or a float in the range [0, 1). Received: rate=${rate}`, 'dropout');
  }
  const t = toTensor(x);
  if (!isFloat(t.dtype)) {
    throw new InvalidArgumentError(`\`x.dtype\` must be a floating point tensor as \`x\` will be scaled. Received: x_dtype=${t.dtype}`, 'dropout');
  }
  if (rate === 0) return t;
  const shape = noiseShape ? noiseShape.map((d, i) => (d === null ? t.shape[t.rank - noiseShape.length + i] : d)) : t.shape.slice();
  if (noiseShape && (noiseShape.length !== t.rank || shape.some((d) => !Number.isInteger(d) || d < 0))) {
    throw new InvalidArgumentError(`noiseShape ${JSON.stringify(noiseShape)} must have one entry per axis of x, whose shape is ${shapeText(t.shape)}`, 'dropout');
  }
  if (shape.some((d, i) => d !== 1 && d !== t.shape[i])) {
    throw new InvalidArgumentError(`noiseShape ${shapeText(shape)} must broadcast to the shape of x, ${shapeText(t.shape)}`, 'dropout');
  }
  const scaled = multiply(t, filled([], t.dtype, 1 / (1 - rate)));
  const keep = greaterEqual(uniform(shape, { seed, dtype: t.dtype === 'float64' ? 'float64' : 'float32' }), filled([], t.dtype, rate));
  return where(keep, scaled, filled([], t.dtype, 0));
}
