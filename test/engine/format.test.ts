/** toString(): TensorFlow's repr around numpy 1.x's array formatting (precision 8, maxprec). */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';
import { formatScalar, shortestDecimal } from '../../src/format/numbers';
import { formatNumpyRepr } from '../../src/format/tensors';

const repr = (t: tf.Tensor): string => formatNumpyRepr(tf.peekValues(t), t.shape, t.dtype);

describe('numpy formatting', () => {
  it('float32 values print their shortest float32 digits', () => {
    assert.equal(formatScalar(Math.fround(0.1), 'float32'), '0.1');
    assert.equal(formatScalar(Math.fround(1 / 3), 'float32'), '0.33333334');
    assert.equal(formatScalar(0.1 + 0.2, 'float64'), '0.30000000000000004');
    assert.deepEqual(shortestDecimal(Math.fround(0.029952016), true), { digits: '29952016', point: -1 });
  });

  it('scalars print as numpy scalar reprs inside the TensorFlow repr', () => {
    assert.equal(tf.constant(0.75).toString(), '<tf.Tensor: shape=(), dtype=float32, numpy=0.75>');
    assert.equal(tf.constant(6).toString(), '<tf.Tensor: shape=(), dtype=float32, numpy=6.0>');
    assert.equal(tf.constant(1e-5).toString(), '<tf.Tensor: shape=(), dtype=float32, numpy=1e-05>');
    assert.equal(tf.constant(3, 'int32').toString(), '<tf.Tensor: shape=(), dtype=int32, numpy=3>');
    assert.equal(tf.constant(true).toString(), '<tf.Tensor: shape=(), dtype=bool, numpy=True>');
  });

  it('cuts at 8 digits after the point (maxprec) and pads columns as numpy', () => {
    assert.equal(repr(tf.constant([1.5, 2.25, -3])), 'array([ 1.5 ,  2.25, -3.  ], dtype=float32)');
    assert.equal(repr(tf.constant([1 / 3, 2])), 'array([0.33333334, 2.        ], dtype=float32)');
    assert.equal(repr(tf.constant([0.1 + 0.2], 'float64')), 'array([0.3])');
    assert.equal(repr(tf.constant([Math.PI], 'float64')), 'array([3.14159265])');
  });

  it('switches to scientific notation for tiny values or a wide range', () => {
    assert.equal(repr(tf.constant([1e-5, 1, 3])), 'array([1.e-05, 1.e+00, 3.e+00], dtype=float32)');
    assert.equal(repr(tf.constant([1.5e-5, 1])), 'array([1.5e-05, 1.0e+00], dtype=float32)');
    assert.equal(repr(tf.constant([1e9, 1])), 'array([1.e+09, 1.e+00], dtype=float32)');
  });

  it('prints non-finite values aligned', () => {
    assert.equal(repr(tf.constant([NaN, 1.5, -Infinity])), 'array([ nan,  1.5, -inf], dtype=float32)');
  });

  it('omits the dtype for float64 and bool, right-aligns ints, pads True', () => {
    assert.equal(repr(tf.constant([1, 2], 'float64')), 'array([1., 2.])');
    assert.equal(repr(tf.constant([true, false])), 'array([ True, False])');
    assert.equal(repr(tf.constant([1, 20], 'int32')), 'array([ 1, 20], dtype=int32)');
  });

  it('puts rows on their own lines and separates 3-D blocks by a blank line', () => {
    assert.equal(repr(tf.constant([[1, 2], [3, 4]])), 'array([[1., 2.],\n       [3., 4.]], dtype=float32)');
    assert.equal(
      repr(tf.zeros([2, 2, 2])),
      'array([[[0., 0.],\n        [0., 0.]],\n\n       [[0., 0.],\n        [0., 0.]]], dtype=float32)',
    );
  });

  it('wraps long rows at 75 columns', () => {
    assert.equal(
      repr(tf.range(0, 30)),
      'array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n' +
        '       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n' +
        '       26., 27., 28., 29.], dtype=float32)',
    );
  });

  it('summarises more than 1000 elements with ... and edge items', () => {
    const text = repr(tf.range(0, 1001, 1, 'int32'));
    assert.equal(text, 'array([   0,    1,    2, ...,  998,  999, 1000], dtype=int32)');
  });

  it('shows empty arrays', () => {
    assert.equal(repr(tf.zeros([0])), 'array([], dtype=float32)');
    assert.equal(repr(tf.zeros([0, 3])), 'array([], shape=(0, 3), dtype=float32)');
  });

  it('Variable repr names the variable; console.log shows the repr', () => {
    const v = tf.variable([[0.25], [0.15]], { name: 'w' });
    assert.equal(v.toString(), "<tf.Variable 'w:0' shape=(2, 1) dtype=float32, numpy=\narray([[0.25],\n       [0.15]], dtype=float32)>");
    const inspect = (v as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')];
    assert.equal(inspect.call(v), v.toString());
    assert.equal(tf.variable(1).name, 'Variable:0');
    assert.equal(tf.constant([1, 2, 3]).toString(), '<tf.Tensor: shape=(3,), dtype=float32, numpy=array([1., 2., 3.], dtype=float32)>');
  });
});
