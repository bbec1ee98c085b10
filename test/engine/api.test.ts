/** The public namespace holds every name of shared/API.md (programs outside the repo call them). */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';

const fn = (v: unknown, name: string): void => assert.equal(typeof v, 'function', `${name} is missing`);

describe('the tf namespace (API.md)', () => {
  it('tensors, creation and variables', () => {
    for (const n of ['constant', 'variable', 'zeros', 'ones', 'fill', 'zerosLike', 'onesLike', 'range', 'linspace', 'eye'] as const) fn(tf[n], `tf.${n}`);
    fn(tf.Tensor, 'tf.Tensor');
    fn(tf.Variable, 'tf.Variable');
    const t = tf.constant([[1, 2]]);
    for (const m of ['arraySync', 'dataSync', 'numpy', 'toString', 'print'] as const) fn(t[m], `Tensor.${m}`);
    const v = tf.variable(1);
    for (const m of ['assign', 'assignAdd', 'assignSub'] as const) fn(v[m], `Variable.${m}`);
  });

  it('every op under tf., and under tf.math / tf.linalg / tf.nn', () => {
    const ops = [
      'add', 'subtract', 'multiply', 'divide', 'pow', 'maximum', 'minimum', 'squaredDifference', 'negative', 'abs', 'square',
      'sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'relu', 'softplus', 'sign', 'where', 'clipByValue',
      'equal', 'greater', 'less', 'reduceSum', 'reduceMean', 'reduceMax', 'reduceMin', 'reduceLogSumExp', 'argMax', 'argMin',
      'matmul', 'reshape', 'transpose', 'expandDims', 'squeeze', 'concat', 'stack', 'slice', 'gather', 'tile', 'broadcastTo',
      'oneHot', 'cast', 'softmax', 'logSoftmax', 'softmaxCrossEntropyWithLogits', 'sigmoidCrossEntropyWithLogits',
      'stopGradient', 'identity', 'customGradient',
    ] as const;
    for (const n of ops) fn(tf[n], `tf.${n}`);
    for (const n of ['squaredDifference', 'reduceSum', 'exp', 'log', 'argMax', 'sigmoid', 'tanh', 'equal'] as const) fn(tf.math[n], `tf.math.${n}`);
    fn(tf.linalg.matmul, 'tf.linalg.matmul');
    for (const n of ['relu', 'softmax', 'logSoftmax', 'softmaxCrossEntropyWithLogits', 'sigmoidCrossEntropyWithLogits'] as const) fn(tf.nn[n], `tf.nn.${n}`);
  });

  it('GradientTape, errors and the extras namespaces', () => {
    const tape = new tf.GradientTape();
    for (const m of ['record', 'watch', 'stopRecording', 'reset', 'watchedVariables', 'gradient', 'jacobian', 'batchJacobian'] as const) fn(tape[m], `GradientTape.${m}`);
    for (const n of ['InvalidArgumentError', 'RuntimeError', 'LookupError'] as const) fn(tf.errors[n], `tf.errors.${n}`);
    fn(tf.autodiff.ForwardAccumulator, 'tf.autodiff.ForwardAccumulator');
    fn(tf.test.computeGradient, 'tf.test.computeGradient');
    fn(tf.data.Dataset, 'tf.data.Dataset');
    fn(tf.optimizers.SGD, 'tf.optimizers.SGD');
    fn(tf.optimizers.Adam, 'tf.optimizers.Adam');
    fn(tf.summary.scalar, 'tf.summary.scalar');
    fn(tf.random.normal, 'tf.random.normal');
    fn(tf.random.uniform, 'tf.random.uniform');
  });

  it('keeps op definitions out of the user namespace', () => {
    assert.equal((tf as Record<string, unknown>).Mul, undefined);
    assert.equal((tf as Record<string, unknown>).ALL_OPS, undefined);
  });
});
