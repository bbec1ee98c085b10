/**
 * Every op, flat, by its API.md name, plus `ALL_OPS`: the registry of op definitions that the
 * registry-wide gradient check walks.
 */
import { registry, type OpDef } from '../op';

export { abs, Abs } from './abs';
export { add, Add } from './add';
export { argMax, ArgMax } from './argMax';
export { argMin, ArgMin } from './argMin';
export { broadcastTo, BroadcastTo } from './broadcastTo';
export { cast, Cast } from './cast';
export { clipByValue, ClipByValue } from './clipByValue';
export { concat, ConcatV2 } from './concat';
export { cos, Cos } from './cos';
export { constant, eye, fill, linspace, ones, onesLike, range, variable, zeros, zerosLike } from './creation';
export { customGradient, CustomGradient, type GradFn } from './customGradient';
export { divide, RealDiv } from './divide';
export { equal, Equal } from './equal';
export { exp, Exp } from './exp';
export { expandDims, ExpandDims } from './expandDims';
export { gather, GatherGrad, GatherV2 } from './gather';
export { greater, Greater } from './greater';
export { greaterEqual, GreaterEqual } from './greaterEqual';
export { identity, Identity } from './identity';
export { less, Less } from './less';
export { lessEqual, LessEqual } from './lessEqual';
export { log, Log } from './log';
export { log1p, Log1p } from './log1p';
export { logSoftmax, LogSoftmax } from './logSoftmax';
export { matmul, MatMul } from './matmul';
export { maximum, Maximum } from './maximum';
export { minimum, Minimum } from './minimum';
export { multiply, Mul } from './multiply';
export { negative, Neg } from './negative';
export { oneHot, OneHot } from './oneHot';
export { pad, Pad } from './pad';
export { pow, Pow } from './pow';
export { reduceLogSumExp, ReduceLogSumExp } from './reduceLogSumExp';
export { reduceMax, Max } from './reduceMax';
export { reduceMean, Mean } from './reduceMean';
export { reduceMin, Min } from './reduceMin';
export { reduceSum, Sum } from './reduceSum';
export { relu, Relu } from './relu';
export { reshape, Reshape } from './reshape';
export { sigmoid, Sigmoid } from './sigmoid';
export { sigmoidCrossEntropyWithLogits, SigmoidCrossEntropyWithLogits } from './sigmoidCrossEntropyWithLogits';
export { sign, Sign } from './sign';
export { sin, Sin } from './sin';
export { slice, Slice } from './slice';
export { softmax, Softmax } from './softmax';
export { softmaxCrossEntropyWithLogits, SoftmaxCrossEntropyWithLogits } from './softmaxCrossEntropyWithLogits';
export { softplus, Softplus } from './softplus';
export { sqrt, Sqrt } from './sqrt';
export { square, Square } from './square';
export { squaredDifference, SquaredDifference } from './squaredDifference';
export { squeeze, Squeeze } from './squeeze';
export { stack, Pack } from './stack';
export { stopGradient, StopGradient } from './stopGradient';
export { subtract, Sub } from './subtract';
export { tan, Tan } from './tan';
export { tanh, Tanh } from './tanh';
export { tile, Tile } from './tile';
export { transpose, Transpose } from './transpose';
export { where, SelectV2 } from './where';

/** Every op definition (all modules above are loaded by now, so the registry is complete). */
export const ALL_OPS: readonly OpDef<never>[] = registry.slice();
