/**
 * gradtape: the public `tf` API that `.grad.ts` scratch files import (`import * as tf from "gradtape"`).
 * Names and semantics follow ../../shared/API.md; where it is silent, TensorFlow 2 (docs/engine.md).
 */
import * as ops from './ops/index';
import { toTensor, type Tensor, type TensorLike } from './tensor';
import { installDefaultKernels } from './wasm/index';

// Every op by its API.md name (the op definitions stay in ./ops/index: ALL_OPS, Mul, MatMul, …).
export {
  abs, add, argMax, argMin, broadcastTo, cast, clipByValue, concat, constant, cos, customGradient, divide, equal, exp,
  expandDims, eye, fill, gather, greater, greaterEqual, identity, less, lessEqual, linspace, log, log1p, logSoftmax,
  matmul, maximum, minimum, multiply, negative, oneHot, ones, onesLike, pad, pow, range, reduceLogSumExp, reduceMax,
  reduceMean, reduceMin, reduceSum, relu, reshape, sigmoid, sigmoidCrossEntropyWithLogits, sign, sin, slice, softmax,
  softmaxCrossEntropyWithLogits, softplus, sqrt, square, squaredDifference, squeeze, stack, stopGradient, subtract, tan,
  tanh, tile, transpose, variable, where, zeros, zerosLike, type GradFn,
  // Issue 12's activations and math.
  ceil, cumprod, cumsum, divNoNan, elu, erf, floor, floorDiv, floorMod, gelu, l2Normalize, leakyRelu, logSigmoid,
  reciprocal, reduceProd, reduceStd, reduceVariance, relu6, round, rsqrt, selu, silu, softsign, xlogy,
  // Issue 12's indexing.
  gatherNd, stridedSlice, topK, type StridedSliceOptions,
  // Issue 12's norms, einsum and clipping.
  clipByGlobalNorm, clipByNorm, einsum, norm, type NormOptions, type NormOrder,
  // Issue 12's noise and losses.
  sparseSoftmaxCrossEntropyWithLogits, type DropoutOptions,
  // Issue 12's convolution and pooling (also under tf.nn).
  type Conv1DOptions, type Conv2DOptions, type Conv2DTransposeOptions,
} from './ops/index';
/** tf.swish: another name of silu, as TensorFlow's. */
export { silu as swish } from './ops/index';
export { Tensor, Variable, peekValues, type TensorLike, type NestedArray, type VariableOptions } from './tensor';
export type { DType, TypedArray } from './dtype';
export { GradientTape, type GradientTapeOptions, type GradientOptions } from './tape';
export { errors, InvalidArgumentError, RuntimeError, LookupError, OpError } from './errors';
export { kernels, type Kernels } from './kernels';
// WebAssembly SIMD kernels for large float32 work where the host has them (docs/kernels.md);
// GRADTAPE_KERNELS=ts or setKernelBackend('ts') keeps everything on the TypeScript loops.
export { setKernelBackend, getKernelBackend, type KernelBackend } from './wasm/index';
installDefaultKernels();
export { defineOp, type OpDef, type OpSpec } from './op';

// The extras' namespaces: tf.autodiff, tf.test, tf.data, tf.optimizers, tf.summary, tf.random.
export { autodiff } from './forward';
export { test } from './testing';
export { data } from './data/index';
export * as optimizers from './optimizers/index';
export * as summary from './summary';
export * as random from './random';
// Keras around the tape (API.md "Keras"); tf.Module collects variables the same way, and is not callable.
export * as keras from './keras/index';
export { Module } from './keras/tfModule';

/** tf.math.*: TensorFlow's home for elementwise math and reductions. */
export const math = {
  add: ops.add,
  subtract: ops.subtract,
  multiply: ops.multiply,
  divide: ops.divide,
  pow: ops.pow,
  maximum: ops.maximum,
  minimum: ops.minimum,
  squaredDifference: ops.squaredDifference,
  negative: ops.negative,
  abs: ops.abs,
  square: ops.square,
  sqrt: ops.sqrt,
  exp: ops.exp,
  log: ops.log,
  log1p: ops.log1p,
  sin: ops.sin,
  cos: ops.cos,
  tan: ops.tan,
  tanh: ops.tanh,
  sigmoid: ops.sigmoid,
  softplus: ops.softplus,
  sign: ops.sign,
  equal: ops.equal,
  greater: ops.greater,
  greaterEqual: ops.greaterEqual,
  less: ops.less,
  lessEqual: ops.lessEqual,
  reduceSum: ops.reduceSum,
  reduceMean: ops.reduceMean,
  reduceMax: ops.reduceMax,
  reduceMin: ops.reduceMin,
  reduceLogSumExp: ops.reduceLogSumExp,
  argMax: ops.argMax,
  argMin: ops.argMin,
  reciprocal: ops.reciprocal,
  rsqrt: ops.rsqrt,
  erf: ops.erf,
  floor: ops.floor,
  ceil: ops.ceil,
  round: ops.round,
  floorDiv: ops.floorDiv,
  floorMod: ops.floorMod,
  xlogy: ops.xlogy,
  divNoNan: ops.divNoNan,
  cumsum: ops.cumsum,
  cumprod: ops.cumprod,
  reduceProd: ops.reduceProd,
  reduceVariance: ops.reduceVariance,
  reduceStd: ops.reduceStd,
  l2Normalize: ops.l2Normalize,
  logSigmoid: ops.logSigmoid,
  softsign: ops.softsign,
  topK: ops.topK,
};

/** tf.linalg.*. */
export const linalg = {
  matmul: ops.matmul,
  einsum: ops.einsum,
  norm: ops.norm,
  globalNorm: ops.globalNorm,
  eye: ops.eye,
  /** Swaps the last two axes (TensorFlow's tf.linalg.matrix_transpose). */
  matrixTranspose: (x: TensorLike): Tensor => {
    const t = toTensor(x);
    const perm = t.shape.map((_, i) => i);
    [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
    return ops.transpose(t, perm);
  },
};

/** tf.nn.*: activations, losses, normalisation, convolution and pooling. */
export const nn = {
  relu: ops.relu,
  sigmoid: ops.sigmoid,
  tanh: ops.tanh,
  softplus: ops.softplus,
  softmax: ops.softmax,
  logSoftmax: ops.logSoftmax,
  softmaxCrossEntropyWithLogits: ops.softmaxCrossEntropyWithLogits,
  sigmoidCrossEntropyWithLogits: ops.sigmoidCrossEntropyWithLogits,
  elu: ops.elu,
  selu: ops.selu,
  leakyRelu: ops.leakyRelu,
  relu6: ops.relu6,
  gelu: ops.gelu,
  silu: ops.silu,
  swish: ops.silu,
  softsign: ops.softsign,
  l2Normalize: ops.l2Normalize,
  topK: ops.topK,
  l2Loss: ops.l2Loss,
  dropout: ops.dropout,
  sparseSoftmaxCrossEntropyWithLogits: ops.sparseSoftmaxCrossEntropyWithLogits,
  moments: ops.moments,
  batchNormalization: ops.batchNormalization,
  conv1d: ops.conv1d,
  conv2d: ops.conv2d,
  conv2dTranspose: ops.conv2dTranspose,
  depthwiseConv2d: ops.depthwiseConv2d,
  maxPool1d: ops.maxPool1d,
  maxPool2d: ops.maxPool2d,
  avgPool1d: ops.avgPool1d,
  avgPool2d: ops.avgPool2d,
};
