/**
 * Gradient clipping by norm, composed from recorded ops exactly as TensorFlow's clip_ops.py writes
 * it (the two-sided `where` that keeps the gradient finite at a zero norm included).
 */
import { InvalidArgumentError } from '../errors';
import { broadcastShape, sameShape, shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { add } from './add';
import { divide } from './divide';
import { greater } from './greater';
import { identity } from './identity';
import { l2Loss } from './l2Loss';
import { maximum } from './maximum';
import { minimum } from './minimum';
import { multiply } from './multiply';
import { onesLike } from './creation';
import { reduceSum } from './reduceSum';
import { sqrt } from './sqrt';
import { stack } from './stack';
import { subtract } from './subtract';
import { where } from './where';

/**
 * tf.clipByNorm(t, clipNorm, axes?): t·clipNorm / max(‖t‖₂, clipNorm), the norm over `axes` (all by
 * default), so t is unchanged when its norm is at most clipNorm.
 */
export function clipByNorm(t: TensorLike, clipNorm: TensorLike, axes?: number | number[]): Tensor {
  const values = toTensor(t);
  const c = toTensor(clipNorm, values.dtype);
  const l2sum = reduceSum(multiply(values, values), axes, true);
  const pred = greater(l2sum, 0);
  // Two-tap where: sqrt never sees 0, so the gradient stays finite for an all-zero t.
  const l2sumSafe = where(pred, l2sum, onesLike(l2sum));
  const l2norm = where(pred, sqrt(l2sumSafe), l2sum);
  const intermediate = multiply(values, c);
  if (!sameShape(intermediate.shape, values.shape)) {
    throw new InvalidArgumentError(`Shapes ${shapeText(values.shape)} and ${shapeText(intermediate.shape)} are incompatible (clipNorm must broadcast to t's shape)`, 'clipByNorm');
  }
  return identity(divide(intermediate, maximum(l2norm, c)));
}

/** tf.linalg.globalNorm: √(Σ over the tensors of Σ t²), from l2Loss as TensorFlow's global_norm; nulls are skipped. */
export function globalNorm(tensors: readonly (TensorLike | null | undefined)[]): Tensor {
  if (!Array.isArray(tensors)) throw new InvalidArgumentError(`\`t_list\` should be a sequence of tensors. Received ${typeof tensors}.`, 'globalNorm');
  const halves = tensors.filter((v): v is TensorLike => v !== null && v !== undefined).map((v) => l2Loss(v));
  if (halves.length === 0) throw new InvalidArgumentError('globalNorm needs at least one tensor that is not null', 'globalNorm');
  const half = reduceSum(stack(halves));
  return sqrt(multiply(half, 2));
}

/**
 * tf.clipByGlobalNorm(tensors, clipNorm, useNorm?) → [clipped, globalNorm]: every tensor times
 * clipNorm / max(globalNorm, clipNorm); null entries stay null; an infinite or NaN norm makes
 * every value NaN, as TensorFlow's.
 */
export function clipByGlobalNorm(tensors: readonly TensorLike[], clipNorm: TensorLike, useNorm?: TensorLike): [Tensor[], Tensor];
export function clipByGlobalNorm(tensors: readonly (TensorLike | null | undefined)[], clipNorm: TensorLike, useNorm?: TensorLike): [(Tensor | null)[], Tensor];
export function clipByGlobalNorm(tensors: readonly (TensorLike | null | undefined)[], clipNorm: TensorLike, useNorm?: TensorLike): [(Tensor | null)[], Tensor] {
  if (!Array.isArray(tensors)) throw new InvalidArgumentError(`\`t_list\` should be a sequence of tensors. Received ${typeof tensors}.`, 'clipByGlobalNorm');
  const norm = useNorm === undefined ? globalNorm(tensors) : toTensor(useNorm);
  const c = toTensor(clipNorm, norm.dtype);
  broadcastShape(c.shape, [], 'clipByGlobalNorm');
  const scaleForFinite = multiply(c, minimum(divide(1, norm), divide(1, c)));
  // A finite norm adds 0; inf or NaN turns the scale into NaN.
  const scale = add(scaleForFinite, subtract(norm, norm));
  const clipped = tensors.map((v) => (v === null || v === undefined ? null : identity(multiply(toTensor(v), scale))));
  return [clipped, norm];
}
