import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';

/**
 * Every bad non-tensor argument is rejected where it is passed, naming the function or parameter and
 * what was expected (issue "TensorFlow's whole autodiff surface"): a misspelled option is never
 * silently ignored and a wrong type never fails deep inside with a JavaScript error.
 */
const x = tf.constant([[1, 2], [3, 4]]);
const any = (v: unknown): never => v as never;

const cases: [string, () => unknown, ErrorConstructor | typeof tf.errors.InvalidArgumentError, RegExp][] = [
  ['reduceSum axis string', () => tf.reduceSum(x, any('a')), TypeError, /^axis expects an integer or an array of integers, got the string "a"$/],
  ['reduceMean axis 1.5', () => tf.reduceMean(x, 1.5), TypeError, /^axis expects an integer, got 1\.5$/],
  ['reduceMean options object (tfjs habit)', () => tf.reduceMean(x, any({ axis: 1 })), TypeError, /axis expects an integer or an array of integers, got an object \{axis\}/],
  ['reduceMax keepdims string', () => tf.reduceMax(x, 1, any('yes')), TypeError, /^keepdims expects a boolean, got the string "yes"$/],
  ['argMax axis string', () => tf.argMax(x, any('x')), TypeError, /^axis expects an integer/],
  ['concat axis string', () => tf.concat([x, x], any('0')), TypeError, /^axis expects an integer, got the string "0"$/],
  ['transpose perm string', () => tf.transpose(x, any('ab')), TypeError, /^transpose\(perm\) expects an array of integers/],
  ['reshape fractional dim', () => tf.reshape(x, [1.5, 2]), TypeError, /^reshape\(shape\) expects an array of integers, got 1\.5 at index 0$/],
  ['slice begin string', () => tf.slice(x, any('a'), [1, 1]), TypeError, /^slice\(begin\) expects an array of integers/],
  ['tile multiples of strings', () => tf.tile(x, any(['a', 1])), TypeError, /^tile\(multiples\) expects an array of integers/],
  ['pad not pairs', () => tf.pad(x, any([1, 1])), TypeError, /^pad\(paddings\) expects an array of \[before, after\] pairs/],
  ['pad wrong rank', () => tf.pad(x, [[1, 1]]), tf.errors.InvalidArgumentError, /The first dimension of paddings must be the rank of inputs\[1,2\], 2/],
  ['pad negative', () => tf.pad(x, [[1, 1], [-1, 0]]), tf.errors.InvalidArgumentError, /Paddings must be non-negative/],
  ['broadcastTo fractional', () => tf.broadcastTo(x, [2, 2.5]), TypeError, /^broadcastTo\(shape\) expects an array of non-negative integers/],
  ['cast unknown dtype', () => tf.cast(x, any('floatx')), TypeError, /^cast\(dtype\): Cannot convert value "floatx" to a TensorFlow DType/],
  ['matmul misspelled option', () => tf.matmul(x, x, any({ transposeQ: true })), TypeError, /^matmul\(\) got an unexpected keyword argument 'transposeQ' \(it takes transposeA, transposeB\)$/],
  ['matmul Python spelling', () => tf.matmul(x, x, any({ transpose_a: true })), TypeError, /unexpected keyword argument 'transpose_a' \(did you mean 'transposeA'\?\)$/],
  ['matmul transposeA string', () => tf.matmul(x, x, any({ transposeA: 'y' })), TypeError, /^matmul\(transposeA\) expects a boolean/],
  ['cumsum misspelled option', () => tf.cumsum(x, 0, any({ exclusiv: true })), TypeError, /^cumsum\(\) got an unexpected keyword argument 'exclusiv'/],
  ['cumprod axis string', () => tf.cumprod(x, any('1')), TypeError, /^cumprod\(axis\) expects an integer/],
  ['norm keepDims (tfjs spelling)', () => tf.norm(x, any({ keepDims: true })), TypeError, /^norm\(\) got an unexpected keyword argument 'keepDims' \(did you mean 'keepdims'\?\)$/],
  ['dropout misspelled option', () => tf.nn.dropout(x, 0.5, any({ sed: 1 })), TypeError, /^dropout\(\) got an unexpected keyword argument 'sed'/],
  ['stridedSlice mask string', () => tf.stridedSlice(x, [0], [1], [1], any({ beginMask: 'a' })), TypeError, /^stridedSlice\(beginMask\) expects an integer/],
  ['gelu approximate string', () => tf.nn.gelu(x, any('tanh')), TypeError, /^gelu\(approximate\) expects a boolean/],
  ['leakyRelu alpha string', () => tf.nn.leakyRelu(x, any('a')), TypeError, /^leakyRelu\(alpha\) expects a number/],
  ['softmax CE extra key', () => tf.nn.softmaxCrossEntropyWithLogits(any({ labels: x, logits: x, dim: 0 })), TypeError, /^softmaxCrossEntropyWithLogits\(\) got an unexpected keyword argument 'dim'/],
  ['oneHot negative depth', () => tf.oneHot([0], -2), tf.errors.InvalidArgumentError, /^depth must be non-negative, got: -2/],
  ['GradientTape misspelled option', () => new tf.GradientTape(any({ persistant: true })), TypeError, /^GradientTape\(\) got an unexpected keyword argument 'persistant'/],
  ['GradientTape persistent string', () => new tf.GradientTape(any({ persistent: 'yes' })), TypeError, /^GradientTape\(persistent\) expects a boolean/],
  ['variable misspelled option', () => tf.variable(1, any({ trainabel: false })), TypeError, /^variable\(\) got an unexpected keyword argument 'trainabel'/],
  ['variable name number', () => tf.variable(1, any({ name: 3 })), TypeError, /^variable\(name\) expects a string, got 3$/],
];

describe('bad arguments: rejected where passed, naming what was expected', () => {
  for (const [name, f, cls, message] of cases) {
    it(name, () => {
      assert.throws(f, (e: unknown) => {
        assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        assert.match((e as Error).message, message);
        return true;
      });
    });
  }

  it('gradient: Python-style positional arguments after sources are an error, not dropped', () => {
    const v = tf.variable(2);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => tf.square(v));
    const call = tape.gradient as unknown as (...a: unknown[]) => unknown;
    assert.throws(() => call.call(tape, y, v, undefined, 'zero'), /^TypeError: GradientTape\.gradient\(\) takes 3 arguments \(target, sources, options\), got 4$/);
    assert.throws(() => tape.gradient(y, v, any({ unconnected_gradients: 'zero' })), /did you mean 'unconnectedGradients'/);
    assert.throws(() => tape.jacobian(y, v, any({ unconected: 'zero' })), /GradientTape\.jacobian\(\) got an unexpected keyword argument 'unconected'/);
  });

  it('good arguments still work (the checks accept every documented form)', () => {
    assert.deepEqual(tf.reduceSum(x, [0, 1], true).shape, [1, 1]);
    assert.deepEqual(tf.reduceSum(x, null).shape, []);
    assert.deepEqual(tf.matmul(x, x, { transposeA: true, transposeB: false }).shape, [2, 2]);
    assert.deepEqual(tf.reshape(x, [-1]).shape, [4]);
    assert.deepEqual(tf.pad(x, [[1, 0], [0, 2]]).shape, [3, 4]);
    assert.deepEqual(tf.cumsum(x, 1, { exclusive: true, reverse: true }).shape, [2, 2]);
    assert.deepEqual(tf.transpose(x, [1, 0]).shape, [2, 2]);
    assert.equal(new tf.GradientTape({ persistent: true, watchAccessedVariables: false }).persistent, true);
  });
});
