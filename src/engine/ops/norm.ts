/**
 * tf.norm, composed from recorded ops as TensorFlow's linalg_ops.norm: vector norms over one axis
 * (or the whole tensor), matrix norms over two.
 */
import { InvalidArgumentError } from '../errors';
import { normalizeAxis } from '../shape';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { abs } from './abs';
import { multiply } from './multiply';
import { pow } from './pow';
import { reduceMax } from './reduceMax';
import { reduceSum } from './reduceSum';
import { reshape } from './reshape';
import { SpectralNorm } from './spectralNorm';
import { transpose } from './transpose';
import { sqrt } from './sqrt';
import { squeeze } from './squeeze';
import { checkBool, checkOptions } from '../args';

export type NormOrder = 'euclidean' | 'fro' | number;

export interface NormOptions {
  ord?: NormOrder;
  axis?: number | [number, number] | null;
  keepdims?: boolean;
}

const show = (v: unknown): string => (v === Infinity ? 'inf' : typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `(${v.join(', ')})` : String(v));

/**
 * tf.norm(x, { ord = 'euclidean', axis, keepdims }): ord 'euclidean'/2 (√Σx²), 1, Infinity or any
 * p > 0 for vectors (the whole tensor when axis is undefined); 'euclidean'/'fro', 1 (largest column
 * sum), 2 (largest singular value), Infinity (largest row sum) for matrices (axis a pair).
 */
export function norm(x: TensorLike, options: NormOptions = {}): Tensor {
  checkOptions('norm', options, ['ord', 'axis', 'keepdims']);
  checkBool('norm', 'keepdims', options.keepdims);
  const { ord = 'euclidean', axis = null, keepdims = false } = options;
  const t = toTensor(x);
  const isMatrix = Array.isArray(axis) && axis.length === 2;
  if (isMatrix) {
    const [a0, a1] = axis;
    if (!Number.isInteger(a0) || !Number.isInteger(a1) || normalizeAxis(a0, t.rank, 'norm') === normalizeAxis(a1, t.rank, 'norm')) {
      throw new InvalidArgumentError(`'axis' must be None, an integer, or a tuple of 2 unique integers, got ${show(axis)}`, 'norm');
    }
    if (!['euclidean', 'fro', 1, 2, Infinity].includes(ord)) {
      throw new InvalidArgumentError(`'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got ${show(ord)}`, 'norm');
    }
  } else {
    if (!(axis === null || axis === undefined || Number.isInteger(axis))) {
      throw new InvalidArgumentError(`'axis' must be None, an integer, or a tuple of 2 unique integers, got ${show(axis)}`, 'norm');
    }
    if (!(ord === 'euclidean' || (typeof ord === 'number' && ord > 0))) {
      throw new InvalidArgumentError(`'ord' must be a supported vector norm, got ${show(ord)}`, 'norm');
    }
  }
  const axes = isMatrix ? (axis as number[]).map((a) => normalizeAxis(a, t.rank, 'norm')) : axis === null || axis === undefined ? null : [normalizeAxis(axis as number, t.rank, 'norm')];
  // Over everything: the tensor as one vector.
  const v = axes === null ? reshape(t, [-1]) : t;
  const over = axes ?? [0];
  let result: Tensor;
  if (isMatrix && ord === 2) {
    // The largest singular value, over the pair of axes moved last (TF: reduce_max of svd(x, compute_uv=False)).
    const [a0, a1] = over;
    const rest = t.shape.map((_, i) => i).filter((i) => i !== a0 && i !== a1);
    result = reshape(SpectralNorm.apply([transpose(t, [...rest, a0, a1])]), t.shape.map((d, i) => (i === a0 || i === a1 ? 1 : d)));
  } else if (ord === 'euclidean' || ord === 'fro' || ord === 2) {
    result = sqrt(reduceSum(multiply(v, v), over, true));
  } else if (ord === 1) {
    result = reduceSum(abs(v), over[0], true);
    if (isMatrix) result = reduceMax(result, over[1], true);
  } else if (ord === Infinity) {
    result = abs(v);
    if (isMatrix) result = reduceSum(result, over[1], true);
    result = reduceMax(result, over[0], true);
  } else {
    result = pow(reduceSum(pow(abs(v), ord), over, true), 1 / ord);
  }
  if (axes === null) return keepdims ? reshape(result, t.shape.map(() => 1)) : reshape(result, []);
  return keepdims ? result : squeeze(result, axes);
}
