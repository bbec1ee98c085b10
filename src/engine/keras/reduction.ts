/**
 * Keras's loss plumbing shared by the losses and the metrics (`keras/src/losses/loss.py`):
 * conversion, `squeeze_or_expand_to_same_rank`, `reduce_weighted_values`.
 */
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { DType } from '../dtype';
import { cast, divNoNan, expandDims, multiply, reduceSum, squeeze } from '../ops/index';

export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none' | null;

/** Converts `x` to a tensor of `dtype`, casting (a recorded op) only when a tensor's dtype differs. */
export function convert(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, dtype);
  return t.dtype === dtype ? t : cast(t, dtype);
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the longer one ends
 * in 1, squeeze that 1 (or expand the rank-1 one, when `expandRank1`).
 */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (x1.rank === x2.rank) return [x1, x2];
  if (x1.rank === x2.rank + 1 && x1.shape[x1.rank - 1] === 1) {
    if (x2.rank === 1 && expandRank1) x2 = expandDims(x2, -1);
    else x1 = squeeze(x1, -1);
  }
  if (x2.rank === x1.rank + 1 && x2.shape[x2.rank - 1] === 1) {
    if (x1.rank === 1 && expandRank1) x1 = expandDims(x1, -1);
    else x2 = squeeze(x2, -1);
  }
  return [x1, x2];
}

/** Keras's `reduce_weighted_values`: weight, then sum, then divide by the count (or the weights' sum). */
export function reduceWeightedValues(values: Tensor, sampleWeight: TensorLike | undefined | null, reduction: Reduction): Tensor {
  let sw: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    sw = convert(sampleWeight, values.dtype);
    [values, sw] = squeezeOrExpandToSameRank(values, sw);
    values = multiply(values, sw);
  }
  if (reduction === null || reduction === 'none' || values.rank === 0 || (values.rank === 1 && values.shape[0] === 0)) return values;
  const loss = reduceSum(values);
  if (reduction === 'sum') return loss;
  const divisor = reduction === 'mean_with_sample_weight' && sw ? reduceSum(sw) : values.size;
  return divNoNan(loss, divisor);
}

