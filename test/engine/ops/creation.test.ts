/** Creation functions, tensor properties, variables and conversions. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';

describe('tensors and creation', () => {
  it('constant: nested arrays, flat values with shape, a value filling a shape, typed arrays, dtypes', () => {
    const t = tf.constant([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([t.shape, t.rank, t.size, t.dtype], [[2, 3], 2, 6, 'float32']);
    assert.ok(t.dataSync() instanceof Float32Array);
    assert.deepEqual(tf.constant([1, 2, 3, 4], undefined, [2, 2]).arraySync(), [[1, 2], [3, 4]]);
    assert.deepEqual(tf.constant(7, 'int32', [2]).arraySync(), [7, 7]);
    assert.ok(tf.constant([1], 'float64').dataSync() instanceof Float64Array);
    assert.ok(tf.constant([1], 'int32').dataSync() instanceof Int32Array);
    assert.ok(tf.constant([true]).dataSync() instanceof Uint8Array);
    assert.equal(tf.constant(new Float64Array([1, 2])).dtype, 'float64');
    assert.equal(tf.constant(2).arraySync(), 2);
    assert.equal(tf.constant(2).numpy(), 2);
    assert.throws(() => tf.constant([[1, 2], [3]]), tf.errors.InvalidArgumentError);
    assert.throws(() => tf.constant([1.5], 'int32'), tf.errors.InvalidArgumentError);
  });

  it('float32 storage rounds once: 0.1 is stored as fround(0.1)', () => {
    assert.equal(tf.constant(0.1).dataSync()[0], Math.fround(0.1));
  });

  it('every tensor has a unique id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => tf.add(1, 2).id));
    assert.equal(ids.size, 100);
  });

  it('dataSync returns a copy', () => {
    const t = tf.constant([1, 2]);
    t.dataSync()[0] = 99;
    assert.deepEqual(t.arraySync(), [1, 2]);
  });

  it('zeros, ones, fill, zerosLike, onesLike, range, linspace, eye', () => {
    assert.deepEqual(tf.zeros([2]).arraySync(), [0, 0]);
    assert.deepEqual(tf.ones([1, 2]).arraySync(), [[1, 1]]);
    assert.deepEqual(tf.fill([2], 3).arraySync(), [3, 3]);
    assert.deepEqual(tf.zerosLike([[1, 2]]).arraySync(), [[0, 0]]);
    assert.deepEqual(tf.onesLike(tf.constant([5], 'int32')).arraySync(), [1]);
    assert.deepEqual(tf.range(1, 7, 2).arraySync(), [1, 3, 5]);
    assert.deepEqual(tf.range(3).arraySync(), [0, 1, 2]);
    assert.deepEqual(tf.linspace(0, 1, 5).arraySync(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(tf.eye(2).arraySync(), [[1, 0], [0, 1]]);
    assert.deepEqual(tf.eye(2, 3).arraySync(), [[1, 0, 0], [0, 1, 0]]);
  });

  it('variable: name, trainable, assign / assignAdd / assignSub (double then one rounding)', () => {
    const v = tf.variable([1, 2], { name: 'w' });
    assert.ok(v instanceof tf.Variable && v instanceof tf.Tensor);
    assert.equal(v.name, 'w:0');
    assert.equal(v.trainable, true);
    v.assign([3, 4]);
    assert.deepEqual(v.arraySync(), [3, 4]);
    v.assignAdd([1, 1]);
    v.assignSub(tf.constant([0.5, 0.5]));
    assert.deepEqual(v.arraySync(), [3.5, 4.5]);
    assert.throws(() => v.assign([1, 2, 3]), tf.errors.InvalidArgumentError);
    assert.deepEqual(tf.variable([[0.55], [0.75]], { shape: [2, 1] }).shape, [2, 1]);
    assert.throws(() => tf.variable([1, 2], { shape: [2, 1] }), tf.errors.InvalidArgumentError);
    const d = tf.variable([1], { dtype: 'float64' });
    assert.equal(d.dtype, 'float64');
  });

  it('assign does not change tensors read from the variable before', () => {
    const v = tf.variable([1, 2]);
    const y = tf.identity(v);
    v.assign([5, 6]);
    assert.deepEqual(y.arraySync(), [1, 2]);
  });

  it('errors carry TensorFlow text and the op', () => {
    assert.throws(
      () => tf.add(tf.zeros([2, 3]), tf.zeros([4])),
      (e: unknown) => e instanceof tf.errors.InvalidArgumentError && e.message === 'Incompatible shapes: [2,3] vs. [4] [Op:AddV2]' && e.op === 'AddV2',
    );
  });
});

describe('dtype rules', () => {
  it('arithmetic and reductions reject bool tensors, as TensorFlow', () => {
    const b = tf.constant([true, false]);
    assert.throws(() => tf.add(b, b), tf.errors.InvalidArgumentError);
    assert.throws(() => tf.reduceSum(b), tf.errors.InvalidArgumentError);
    assert.deepEqual(tf.equal(b, tf.constant([true, true])).arraySync(), [true, false]);
  });

  it('int32 arithmetic stays int32; exp of int32 is an InvalidArgumentError', () => {
    const i = tf.constant([1, 2], 'int32');
    const s = tf.add(i, 3);
    assert.equal(s.dtype, 'int32');
    assert.deepEqual(s.arraySync(), [4, 5]);
    assert.throws(() => tf.exp(i), tf.errors.InvalidArgumentError);
  });
});
