/**
 * Shared pieces of the convolution and pooling ops (NHWC, TensorFlow's rules): argument checks with
 * TensorFlow's texts, the window geometry (output size and padding, kernel_shape_util.cc), and the
 * empty-shape cases of the convolution kernels (`kernels.conv2d` and its backprops: im2col + matmul,
 * in TypeScript or all inside the WebAssembly module).
 */
import { allocate, type TypedArray } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels, type Window2D } from '../kernels';
import { definedOp } from '../op';
import { shapeText } from '../shape';
import { Tensor } from '../tensor';

export type Padding = 'SAME' | 'VALID';

/** Attributes of the convolution ops: spatial strides and dilations (height, width) and the padding. */
export interface ConvAttrs {
  strides: [number, number];
  padding: Padding;
  dilations: [number, number];
}

/** Attributes of the pooling ops: window and strides (height, width) and the padding. */
export interface PoolAttrs {
  ksize: [number, number];
  strides: [number, number];
  padding: Padding;
}

/**
 * TensorFlow's `_get_sequence` for `n` spatial dims of NHWC data: a number or a list of 1, n or n + 2
 * entries (batch and channel entries must be 1, as TensorFlow's kernels require) → the n spatial values.
 */
export function spatialSequence(value: number | readonly number[] | undefined | null, n: number, name: string, op: string): number[] {
  let v: number[];
  if (value === undefined || value === null) v = [1];
  else if (typeof value === 'number') v = [value];
  else if (Array.isArray(value)) v = value.slice();
  else throw new InvalidArgumentError(`${name} must be an int or a list of ints, got ${String(value)}`);
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new InvalidArgumentError(`${name} must be integers, got [${v.join(', ')}]`);
  }
  if (v.length === n + 2) {
    if (v[0] !== 1 || v[n + 1] !== 1) {
      const what = name === 'ksize' ? 'Pooling is not yet supported on the batch or depth dimension.' : `Current implementation does not yet support ${name} in the batch and depth dimensions.`;
      throw new InvalidArgumentError(what, op);
    }
    return v.slice(1, n + 1);
  }
  if (v.length === 1) return new Array<number>(n).fill(v[0]);
  if (v.length === n) return v;
  throw new InvalidArgumentError(`${name} should be of length 1, ${n} or ${n + 2} but was ${v.length}`);
}

/** The padding attribute, checked as TensorFlow checks it ("SAME" or "VALID", upper case). */
export function checkPadding(padding: unknown, op: string): Padding {
  if (padding === 'SAME' || padding === 'VALID') return padding;
  if (Array.isArray(padding)) throw new InvalidArgumentError(`explicit padding (a list) is not supported: padding must be "SAME" or "VALID"`, op);
  throw new InvalidArgumentError(`Value for attr 'padding' of "${String(padding)}" is not in the list of allowed values: "SAME", "VALID"`, op);
}

/** Rank check with TensorFlow's text (`input must be 4-dimensional[2,3]`). */
export function require4d(x: Tensor, what: string, op: string): void {
  if (x.rank !== 4) throw new InvalidArgumentError(`${what} must be 4-dimensional${what === 'filter' ? ': ' : ''}${shapeText(x.shape)}`, op);
}

/** Output size and padding before, for one spatial dim (TensorFlow's GetWindowedOutputSizeVerboseV2). */
export function windowedSize(input: number, filter: number, dilation: number, stride: number, padding: Padding, op: string): [number, number] {
  const effective = (filter - 1) * dilation + 1;
  let out: number;
  let before = 0;
  if (padding === 'VALID') out = Math.trunc((input - effective + stride) / stride);
  else {
    out = Math.trunc((input + stride - 1) / stride);
    before = Math.floor(Math.max(0, (out - 1) * stride + effective - input) / 2);
  }
  if (out < 0) {
    throw new InvalidArgumentError(`Computed output size would be negative: ${out} [input_size: ${input}, effective_filter_size: ${effective}, stride: ${stride}]`, op);
  }
  return [out, before];
}

/** Checks strides and dilations are positive (TensorFlow's texts). */
export function checkStridesDilations(strides: readonly number[], dilations: readonly number[], op: string): void {
  if (strides.some((s) => s <= 0)) throw new InvalidArgumentError('Row and column strides should be larger than 0.', op);
  if (dilations.some((d) => d <= 0)) throw new InvalidArgumentError('Dilated rates should be larger than 0.', op);
}

/** The geometry of a window op over an NHWC input of `inShape` with a kH×kW window. */
export function window2d(inShape: readonly number[], kH: number, kW: number, attrs: { strides: [number, number]; padding: Padding; dilations?: [number, number] }, op: string): Window2D {
  const [dilH, dilW] = attrs.dilations ?? [1, 1];
  const [strideH, strideW] = attrs.strides;
  const [outH, padTop] = windowedSize(inShape[1], kH, dilH, strideH, attrs.padding, op);
  const [outW, padLeft] = windowedSize(inShape[2], kW, dilW, strideW, attrs.padding, op);
  return { batch: inShape[0], inH: inShape[1], inW: inShape[2], inC: inShape[3], kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft };
}

/**
 * The geometry of Conv2D and its two backprops from the input and filter shapes, with TensorFlow's
 * depth check. Grouped convolution (input depth a multiple of the filter's) is rejected.
 */
export function convGeometry(inShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs, op: string): Window2D {
  const inC = inShape[3];
  const fC = filterShape[2];
  if (fC <= 0 || inC % fC !== 0) throw new InvalidArgumentError(`input depth must be evenly divisible by filter depth: ${inC} vs ${fC}`, op);
  if (fC !== inC) throw new InvalidArgumentError(`grouped convolution is not supported: input depth ${inC}, filter depth ${fC}`, op);
  return window2d(inShape, filterShape[0], filterShape[1], attrs, op);
}

/** The backprop ops' check that out_backprop has the forward's output shape (TensorFlow's text). */
export function checkOutBackprop(g: Window2D, dyShape: readonly number[], outDepth: number, label: string, op: string): void {
  if (dyShape[0] !== g.batch) throw new InvalidArgumentError(`${label}: input and out_backprop must have the same batch size. Got ${g.batch} and ${dyShape[0]}`, op);
  const dims: [number, number, number, number, number][] = [
    [1, g.outH, g.inH, g.kH, g.strideH],
    [2, g.outW, g.inW, g.kW, g.strideW],
  ];
  for (const [dim, computed, input, filter, stride] of dims) {
    const dilation = dim === 1 ? g.dilH : g.dilW;
    if (dyShape[dim] !== computed) {
      throw new InvalidArgumentError(
        `${label}: Size of out_backprop doesn't match computed: actual = ${dyShape[dim]}, computed = ${computed} spatial_dim: ${dim} input: ${input} filter: ${filter} output: ${dyShape[dim]} stride: ${stride} dilation: ${dilation}`,
        op,
      );
    }
  }
  if (dyShape[3] !== outDepth) throw new InvalidArgumentError(`${label}: filter and out_backprop must have the same out_depth`, op);
}

/** A shape attribute given by the caller (input_sizes, filter_sizes, output_shape): 4 non-negative integers. */
export function shapeAttr(value: unknown, name: string, op: string): number[] {
  const v = value instanceof Tensor ? (Array.from(value.dataSync() as ArrayLike<number>)) : value;
  if (!Array.isArray(v) || v.length !== 4 || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(`${name} must be a list of 4 non-negative integers, got ${JSON.stringify(v)}`, op);
  }
  return v as number[];
}

/** Conv2D: out[M, outC] = patches(x)[M, K] · filter[K, outC] (kernelsConv.ts); an empty sum gives 0. */
export function convForward(x: TypedArray, filter: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
  const m = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.inC;
  if (m === 0 || outC === 0) return;
  if (k === 0) return void out.fill(0);
  kernels.conv2d(x, filter, g, outC, out);
}

/** Conv2DBackpropFilter: dfilter[K, outC] = patches(x)ᵀ · dy[M, outC]; an empty sum gives 0. */
export function convBackpropFilter(x: TypedArray, dy: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
  const m = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.inC;
  if (k === 0 || outC === 0) return;
  if (m === 0) return void out.fill(0);
  kernels.conv2dBackpropFilter(x, dy, g, outC, out);
}

/** Conv2DBackpropInput: the patch gradients dy[M, outC] · filterᵀ summed back into the input (col2im); an empty sum gives 0. */
export function convBackpropInput(filter: TypedArray, dy: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
  const m = g.batch * g.outH * g.outW;
  const k = g.kH * g.kW * g.inC;
  if (out.length === 0) return;
  if (m === 0 || k === 0 || outC === 0) return void out.fill(0);
  kernels.conv2dBackpropInput(filter, dy, g, outC, out);
}

/**
 * The gradient rule of a convolution (Conv2D, DepthwiseConv2dNative): its two backprop ops, named
 * (looked up, not imported: their files import the forward op's), with the forward's attributes and
 * the shape each gives back (TensorFlow's _Conv2DGrad and _DepthwiseConv2dNativeGrad).
 */
export function convGradient(inputOp: string, filterOp: string) {
  return (dy: Tensor, [x, w]: Tensor[], _out: Tensor, attrs: ConvAttrs): (() => Tensor)[] => [
    () => definedOp<ConvAttrs & { inputSizes: number[] }>(inputOp).apply([w, dy], { ...attrs, inputSizes: x.shape.slice() }),
    () => definedOp<ConvAttrs & { filterSizes: number[] }>(filterOp).apply([x, dy], { ...attrs, filterSizes: w.shape.slice() }),
  ];
}

/** A new tensor of `shape` filled by `fill`. */
export function make(shape: number[], dtype: Tensor['dtype'], fill: (out: TypedArray) => void): Tensor {
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  fill(out);
  return new Tensor(out, shape, dtype);
}
