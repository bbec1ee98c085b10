/** Shared forward helpers for the op files: conversion, dtype checks, elementwise forwards. */
import { allocate, isFloat, type DType } from '../dtype';
import { describeValue, InvalidArgumentError } from '../errors';
import { kernels, stridedIndex, type BinaryOp, type ReduceOp, type UnaryOp } from '../kernels';
import { dtypeMismatch, type OpSample } from '../op';
import { broadcastShape, normalizeAxes, reducedShape, sameShape, shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** Converts op arguments: numbers and arrays take the dtype of the first tensor argument (float32 if none). */
export function convertAll(xs: readonly TensorLike[]): Tensor[] {
  let dtype: DType | undefined;
  for (const x of xs) {
    if (x instanceof Tensor) {
      dtype = x.dtype;
      break;
    }
  }
  const out = new Array<Tensor>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = toTensor(xs[i], dtype);
  return out;
}

/** Two op arguments converted together (see convertAll). */
export function pair(a: TensorLike, b: TensorLike): Tensor[] {
  if (a instanceof Tensor) return [a, b instanceof Tensor ? b : toTensor(b, a.dtype)];
  if (b instanceof Tensor) return [toTensor(a, b.dtype), b];
  return convertAll([a, b]);
}

/** Throws TensorFlow's dtype error when inputs disagree. */
export function sameDtype(op: string, xs: readonly Tensor[]): DType {
  const d = xs[0].dtype;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i].dtype !== d) throw new InvalidArgumentError(dtypeMismatch(op, i, d, xs[i].dtype), op);
  }
  return d;
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) {
    throw new InvalidArgumentError(`Value for attr 'T' of ${x.dtype} is not in the list of allowed values: half, bfloat16, float, double`, op);
  }
}

/** Forward of an elementwise unary op: same shape and dtype, one kernel call. */
export function unaryForward(op: string, k: UnaryOp, floatOnly = true): (xs: Tensor[]) => Tensor {
  return ([x]) => {
    if (floatOnly) requireFloat(op, x);
    const out = allocate(x.dtype, x.size);
    kernels.unary(k, x.data, out);
    return new Tensor(out, x.shape, x.dtype);
  };
}

/** Forward of a broadcasting binary op; comparison ops return bool. */
export function binaryForward(op: string, k: BinaryOp, outDtype?: DType): (xs: Tensor[]) => Tensor {
  return ([a, b]) => {
    const dtype = a.dtype;
    if (b.dtype !== dtype) throw new InvalidArgumentError(dtypeMismatch(op, 1, dtype, b.dtype), op);
    if (dtype === 'bool' && outDtype !== 'bool') throw new InvalidArgumentError(`Value for attr 'T' of bool is not in the list of allowed values`, op);
    const shape = broadcastShape(a.shape, b.shape, op);
    const od = outDtype ?? dtype;
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
    const out = allocate(od, n);
    kernels.binary(k, a.data, a.shape, b.data, b.shape, out, shape);
    return new Tensor(out, shape, od);
  };
}

/**
 * Forward of a fused activation gradient (TanhGrad, SigmoidGrad) of y, the activation's output,
 * and dy of the same shape: `k32` rounds each step of the float32 form as float32 arithmetic would.
 */
export function activationGradForward(op: string, k32: BinaryOp, k64: BinaryOp): (xs: Tensor[]) => Tensor {
  const forward32 = binaryForward(op, k32);
  const forward64 = binaryForward(op, k64);
  return (xs) => {
    const [y, dy] = xs;
    requireFloat(op, y);
    if (!sameShape(y.shape, dy.shape)) throw new InvalidArgumentError(`Incompatible shapes: ${shapeText(y.shape)} vs. ${shapeText(dy.shape)}`, op);
    return y.dtype === 'float32' ? forward32(xs) : forward64(xs);
  };
}

/** A tensor filled with `value` (internal: no observer event). */
export function filled(shape: readonly number[], dtype: DType, value: number): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = allocate(dtype, n);
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape.slice(), dtype);
}

/** A scalar of `dtype` (internal: no observer event). */
export function scalar(value: number, dtype: DType): Tensor {
  return filled([], dtype, value);
}

/** Attributes of a reduction: sorted non-negative axes, keepdims. */
export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

/** The registry-wide tests' inputs for a smooth reduction: one axis, kept dims, two axes, 1-D, a scalar. */
export const REDUCE_SAMPLE: OpSample<ReduceAttrs> = { kind: 'cases', cases: [
  { inputs: [{ shape: [2, 3] }], attrs: { axes: [1], keepdims: false } },
  { inputs: [{ shape: [2, 3] }], attrs: { axes: [0], keepdims: true } },
  { inputs: [{ shape: [2, 3, 2] }], attrs: { axes: [0, 2], keepdims: false } },
  { inputs: [{ shape: [4] }], attrs: { axes: [0], keepdims: false } },
  { inputs: [{ shape: [] }], attrs: { axes: [], keepdims: false } },
] };

/**
 * Forward of a reduction: brings the reduced axes to the end (a transpose, unless they already
 * are), then reduces each contiguous run. Accumulates in double, rounds once per output.
 */
export function reduceForward(op: ReduceOp, outDtype?: DType): (xs: Tensor[], attrs: ReduceAttrs) => Tensor {
  return ([x], { axes, keepdims }) => {
    if (x.dtype === 'bool') throw new InvalidArgumentError(`Value for attr 'T' of bool is not in the list of allowed values`, op);
    const rank = x.shape.length;
    const kept: number[] = [];
    for (let i = 0; i < rank; i++) if (!axes.includes(i)) kept.push(i);
    let inner = 1;
    for (const a of axes) inner *= x.shape[a];
    const outer = inner === 0 ? 0 : x.size / inner;
    let src = x.data;
    const trailing = axes.every((a, i) => a === rank - axes.length + i);
    if (!trailing) {
      const perm = [...kept, ...axes];
      src = allocate(x.dtype, x.size);
      kernels.transpose(x.data, x.shape, perm, src);
    }
    const dtype = outDtype ?? x.dtype;
    const outShape = reducedShape(x.shape, axes, keepdims);
    let n = 1;
    for (const d of outShape) n *= d;
    const out = allocate(dtype, n);
    if (inner > 0) kernels.reduce(op, src, outer, inner, out);
    else if (op === 'max' || op === 'logsumexp') out.fill(-Infinity);
    else if (op === 'min') out.fill(Infinity);
    else if (op === 'mean') out.fill(NaN);
    return new Tensor(out, outShape, dtype);
  };
}

/** The reduced shape with 1s kept: dy reshaped to it broadcasts against the input. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return reducedShape(shape, axes, true);
}

/** Normalises a reduction's axis argument into attributes. */
export function reduceAttrs(x: Tensor, axis: number | readonly number[] | undefined | null, keepdims: boolean | undefined, op: string): ReduceAttrs {
  if (keepdims !== undefined && typeof keepdims !== 'boolean') throw new TypeError(`keepdims expects a boolean, got ${describeValue(keepdims)}`);
  return { axes: normalizeAxes(axis, x.shape.length, op), keepdims: keepdims ?? false };
}

/** For each element of the slice x[begin : begin+size], its flat index in x. */
export function sliceIndexMap(shape: readonly number[], begin: readonly number[], size: readonly number[]): Int32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  let n = 1;
  for (const d of size) n *= d;
  const idx = new Int32Array(n);
  let start = 0;
  for (let i = 0; i < rank; i++) start += begin[i] * strides[i];
  return stridedIndex(size, strides, start, idx);
}
