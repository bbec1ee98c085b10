/**
 * API.md and issue 3, sentence by sentence: the clauses the per-op, tape and format tests did not
 * pin yet (the audit's checklist is in docs/engine.md, "Where each clause is tested").
 * Expected values are worked out by hand in the comments, or are TensorFlow's documented results.
 */
import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import * as tf from '../../src/engine/index';

const values = (t: tf.Tensor | null): number[] => {
  assert.ok(t, 'expected a tensor, got null');
  return Array.from(t.dataSync());
};
const close = (a: number[], b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length, `lengths ${a.length} vs ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol || (Number.isNaN(v) && Number.isNaN(b[i])) || v === b[i], `element ${i}: ${v} vs ${b[i]}`));
};
/** d(Σ f(x))/dx for each x, on a fresh tape. */
const gradOf = (f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.TensorLike[]): (tf.Tensor | null)[] => {
  const vs = xs.map((x) => tf.variable(x));
  const tape = new tf.GradientTape();
  const y = tape.record(() => f(...vs));
  return tape.gradient(y, vs);
};

describe('API.md: tensors', () => {
  it("tf.constant with tfjs's argument order (value, shape, dtype) names the mistake", () => {
    const swapped = tf.constant as unknown as (v: unknown, a: unknown, b: unknown) => tf.Tensor;
    assert.throws(() => swapped([1, 2, 3], [3], 'int32'), (e: Error) => e instanceof TypeError && /Cannot convert value \[3\] to a TensorFlow DType.*tf\.constant\(value, dtype, shape\)/.test(e.message));
    assert.throws(() => swapped([1, 2, 3], 'int32', 3), (e: Error) => e instanceof TypeError && /Cannot convert 3 to a shape/.test(e.message));
    assert.deepEqual(swapped([1, 2, 3], 'int32', [3]).arraySync(), [1, 2, 3]);
  });

  it('tf.constant(value, dtype, shape): a flat array or a typed array with shape, a value filling it, the size checked', () => {
    const flat = tf.constant([1, 2, 3, 4, 5, 6], 'float32', [2, 3]);
    assert.deepEqual([flat.shape, flat.dtype, flat.arraySync()], [[2, 3], 'float32', [[1, 2, 3], [4, 5, 6]]]);
    const typed = tf.constant(new Float32Array([1, 2, 3, 4]), undefined, [2, 2]);
    assert.deepEqual([typed.dtype, typed.arraySync()], ['float32', [[1, 2], [3, 4]]]);
    const ints = tf.constant(new Int32Array([1, 2, 3, 4, 5, 6]), undefined, [3, 2]);
    assert.deepEqual([ints.dtype, ints.arraySync()], ['int32', [[1, 2], [3, 4], [5, 6]]]);
    const converted = tf.constant(new Int32Array([1, 2]), 'float64', [2, 1]);
    assert.deepEqual([converted.dtype, converted.arraySync()], ['float64', [[1], [2]]]);
    assert.deepEqual(tf.constant(true, 'bool', [2]).arraySync(), [true, true]);
    assert.deepEqual(tf.constant(0.5, undefined, [2, 2]).arraySync(), [[0.5, 0.5], [0.5, 0.5]]);
    assert.deepEqual(tf.constant([[1, 2], [3, 4]], 'float32', [4]).arraySync(), [1, 2, 3, 4]);
    // The typed array is copied: changing it later does not change the tensor.
    const src = new Float32Array([1, 2]);
    const t = tf.constant(src, undefined, [2]);
    src[0] = 99;
    assert.deepEqual(t.arraySync(), [1, 2]);
    assert.throws(() => tf.constant([1, 2, 3], 'float32', [2, 2]), tf.errors.InvalidArgumentError);
  });

  it('creation functions: shapes, values and dtypes', () => {
    const z = tf.zeros([2, 3]);
    assert.deepEqual([z.shape, z.dtype, Array.from(z.dataSync())], [[2, 3], 'float32', [0, 0, 0, 0, 0, 0]]);
    assert.deepEqual(tf.zeros([]).arraySync(), 0);
    assert.deepEqual(tf.ones([2, 1]).arraySync(), [[1], [1]]);
    assert.deepEqual(tf.fill([2, 2], 7).arraySync(), [[7, 7], [7, 7]]);
    assert.equal(tf.fill([1], 7).dtype, 'float32');
    const zl = tf.zerosLike(tf.constant([1, 2], 'int32'));
    assert.deepEqual([zl.dtype, zl.arraySync()], ['int32', [0, 0]]);
    const ol = tf.onesLike(tf.constant([[1.5], [2]], 'float64'));
    assert.deepEqual([ol.dtype, ol.shape, ol.arraySync()], ['float64', [2, 1], [[1], [1]]]);
    assert.deepEqual(tf.range(0, 1, 0.25).arraySync(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(tf.range(5, 1, -2).arraySync(), [5, 3]);
    assert.deepEqual(tf.range(3, 3).arraySync(), []);
    assert.deepEqual(tf.range(0, 5, 2, 'int32').arraySync(), [0, 2, 4]);
    assert.deepEqual(tf.linspace(1, 2, 3).arraySync(), [1, 1.5, 2]);
    assert.deepEqual(tf.linspace(3, 5, 1).arraySync(), [3]);
    assert.deepEqual(tf.linspace(0, 1, 3).shape, [3]);
    assert.deepEqual(tf.eye(3).arraySync(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    assert.throws(() => tf.range(0, 1, 0), tf.errors.InvalidArgumentError);
  });

  it('tf.random: the same seed gives the same numbers; shapes and ranges as asked', () => {
    assert.deepEqual(tf.random.normal([2, 3], { seed: 7 }).dataSync(), tf.random.normal([2, 3], { seed: 7 }).dataSync());
    assert.notDeepEqual(tf.random.normal([4], { seed: 7 }).dataSync(), tf.random.normal([4], { seed: 8 }).dataSync());
    const u = tf.random.uniform([100], { minval: 2, maxval: 3, seed: 1 });
    assert.deepEqual(u.shape, [100]);
    assert.ok(Array.from(u.dataSync()).every((v) => v >= 2 && v < 3));
    assert.deepEqual(u.dataSync(), tf.random.uniform([100], { minval: 2, maxval: 3, seed: 1 }).dataSync());
  });

  it('Tensor properties: shape, rank, size, dtype; arraySync (a number for rank 0), dataSync (typed), numpy', () => {
    const t = tf.constant([[1, 2, 3]], 'int32');
    assert.deepEqual([t.shape, t.rank, t.size, t.dtype], [[1, 3], 2, 3, 'int32']);
    assert.ok(t.dataSync() instanceof Int32Array);
    assert.deepEqual(t.numpy(), [[1, 2, 3]]);
    assert.equal(tf.constant(2.5).arraySync(), 2.5);
    assert.equal(tf.constant(false).numpy(), false);
    assert.ok(tf.constant([1], 'float64').dataSync() instanceof Float64Array);
  });

  it('toString(): TensorFlow\'s repr for every dtype, scalars, variables with custom names', () => {
    assert.equal(tf.constant([[1, 2], [3, 4]], 'int32').toString(), '<tf.Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], dtype=int32)>');
    assert.equal(tf.constant([true, false]).toString(), '<tf.Tensor: shape=(2,), dtype=bool, numpy=array([ True, False])>');
    assert.equal(tf.constant([1.5, 2], 'float64').toString(), '<tf.Tensor: shape=(2,), dtype=float64, numpy=array([1.5, 2. ])>');
    assert.equal(tf.constant(0.1, 'float64').toString(), '<tf.Tensor: shape=(), dtype=float64, numpy=0.1>');
    assert.equal(tf.constant(-2.5).toString(), '<tf.Tensor: shape=(), dtype=float32, numpy=-2.5>');
    assert.equal(tf.constant(false).toString(), '<tf.Tensor: shape=(), dtype=bool, numpy=False>');
    assert.equal(tf.variable(3.5, { name: 'bias' }).toString(), "<tf.Variable 'bias:0' shape=() dtype=float32, numpy=3.5>");
    assert.equal(tf.variable([1, 2], { name: 'dense/kernel' }).toString(), "<tf.Variable 'dense/kernel:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>");
    assert.equal(tf.variable([7, 8], { dtype: 'int32', trainable: false }).toString(), "<tf.Variable 'Variable:0' shape=(2,) dtype=int32, numpy=array([7, 8], dtype=int32)>");
  });

  it('toString() of a large tensor: numpy\'s summary (threshold 1000, 3 edge items) in 1-D and 2-D', () => {
    assert.equal(tf.range(0, 1000, 1, 'int32').toString().includes('...'), false, '1000 elements print in full');
    assert.equal(
      tf.range(0, 1001).toString(),
      '<tf.Tensor: shape=(1001,), dtype=float32, numpy=array([   0.,    1.,    2., ...,  998.,  999., 1000.], dtype=float32)>',
    );
    assert.equal(
      tf.reshape(tf.range(0, 2000, 1, 'int32'), [40, 50]).toString(),
      '<tf.Tensor: shape=(40, 50), dtype=int32, numpy=\n' +
        'array([[   0,    1,    2, ...,   47,   48,   49],\n' +
        '       [  50,   51,   52, ...,   97,   98,   99],\n' +
        '       [ 100,  101,  102, ...,  147,  148,  149],\n' +
        '       ...,\n' +
        '       [1850, 1851, 1852, ..., 1897, 1898, 1899],\n' +
        '       [1900, 1901, 1902, ..., 1947, 1948, 1949],\n' +
        '       [1950, 1951, 1952, ..., 1997, 1998, 1999]], dtype=int32)>',
    );
  });

  it('console.log(t) shows the same text (util.inspect, also inside arrays); print() logs it', () => {
    const t = tf.constant([[0.25], [0.15]]);
    const v = tf.variable([1, 2], { name: 'w' });
    assert.equal(inspect(t), t.toString());
    assert.equal(inspect(v), v.toString());
    assert.ok(inspect([t]).includes('<tf.Tensor: shape=(2, 1), dtype=float32'));
    const logged: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => logged.push(...args);
    try {
      t.print();
    } finally {
      console.log = original;
    }
    assert.deepEqual(logged, [t.toString()]);
  });

  it('Variable: assign / assignAdd / assignSub return the variable; reads before an assign keep their values', () => {
    const v = tf.variable([1, 2]);
    assert.equal(v.assign([3, 4]), v);
    assert.equal(v.assignAdd([1, 1]), v);
    assert.equal(v.assignSub(tf.constant([2, 2])), v);
    assert.deepEqual(v.arraySync(), [2, 3]);
  });
});

describe('API.md: ops', () => {
  it('every op takes numbers and nested arrays (converted to float32 constants)', () => {
    const ln2 = Math.LN2;
    const cases: [string, () => tf.Tensor, unknown][] = [
      ['add', () => tf.add([1, 2], 3), [4, 5]],
      ['subtract', () => tf.subtract(5, [1, 2]), [4, 3]],
      ['multiply', () => tf.multiply([[1], [2]], [1, 2]), [[1, 2], [2, 4]]],
      ['divide', () => tf.divide(1, [2, 4]), [0.5, 0.25]],
      ['pow', () => tf.pow([2, 3], 2), [4, 9]],
      ['maximum', () => tf.maximum([1, 5], 3), [3, 5]],
      ['minimum', () => tf.minimum([1, 5], 3), [1, 3]],
      ['squaredDifference', () => tf.squaredDifference(1, [3]), [4]],
      ['negative', () => tf.negative([1]), [-1]],
      ['abs', () => tf.abs([-2]), [2]],
      ['square', () => tf.square(3), 9],
      ['sqrt', () => tf.sqrt([4]), [2]],
      ['exp', () => tf.exp(0), 1],
      ['log', () => tf.log([1]), [0]],
      ['log1p', () => tf.log1p(0), 0],
      ['sin', () => tf.sin(0), 0],
      ['cos', () => tf.cos(0), 1],
      ['tan', () => tf.tan(0), 0],
      ['tanh', () => tf.tanh(0), 0],
      ['sigmoid', () => tf.sigmoid(0), 0.5],
      ['relu', () => tf.relu([-1, 1]), [0, 1]],
      ['softplus', () => tf.softplus(0), Math.fround(ln2)],
      ['sign', () => tf.sign([-2, 0]), [-1, 0]],
      ['where', () => tf.where([true, false], [1, 2], [3, 4]), [1, 4]],
      ['clipByValue', () => tf.clipByValue([-1, 2], 0, 1), [0, 1]],
      ['equal', () => tf.equal([1, 2], 1), [true, false]],
      ['greater', () => tf.greater([1, 2], 1), [false, true]],
      ['less', () => tf.less([1, 2], 2), [true, false]],
      ['reduceSum', () => tf.reduceSum([[1, 2], [3, 4]]), 10],
      ['reduceMean', () => tf.reduceMean([[1, 2], [3, 4]], 0), [2, 3]],
      ['reduceMax', () => tf.reduceMax([[1, 2], [3, 4]], 1), [2, 4]],
      ['reduceMin', () => tf.reduceMin([1, 2]), 1],
      ['reduceLogSumExp', () => tf.reduceLogSumExp([0, 0]), Math.fround(ln2)],
      ['argMax', () => tf.argMax([1, 3, 2]), 1],
      ['argMin', () => tf.argMin([1, 3, 2]), 0],
      ['matmul', () => tf.matmul([[1, 2]], [[3], [4]]), [[11]]],
      ['reshape', () => tf.reshape([1, 2, 3, 4], [2, 2]), [[1, 2], [3, 4]]],
      ['transpose', () => tf.transpose([[1, 2]]), [[1], [2]]],
      ['expandDims', () => tf.expandDims([1, 2], 0), [[1, 2]]],
      ['squeeze', () => tf.squeeze([[1, 2]]), [1, 2]],
      ['concat', () => tf.concat([[1], [2, 3]], 0), [1, 2, 3]],
      ['stack', () => tf.stack([1, 2], 0), [1, 2]],
      ['slice', () => tf.slice([1, 2, 3], [1], [2]), [2, 3]],
      ['gather', () => tf.gather([10, 20, 30], [2, 0]), [30, 10]],
      ['tile', () => tf.tile([1, 2], [2]), [1, 2, 1, 2]],
      ['broadcastTo', () => tf.broadcastTo([1, 2], [2, 2]), [[1, 2], [1, 2]]],
      ['oneHot', () => tf.oneHot([0, 2], 3), [[1, 0, 0], [0, 0, 1]]],
      ['cast', () => tf.cast([1.5], 'int32'), [1]],
      ['softmax', () => tf.softmax([0, 0]), [0.5, 0.5]],
      ['logSoftmax', () => tf.logSoftmax([0, 0]), [-Math.fround(ln2), -Math.fround(ln2)]],
      ['softmaxCrossEntropyWithLogits', () => tf.softmaxCrossEntropyWithLogits({ labels: [[1, 0]], logits: [[0, 0]] }), [Math.fround(ln2)]],
      ['sigmoidCrossEntropyWithLogits', () => tf.sigmoidCrossEntropyWithLogits({ labels: [1], logits: [0] }), [Math.fround(ln2)]],
      ['stopGradient', () => tf.stopGradient([1]), [1]],
      ['identity', () => tf.identity(2), 2],
    ];
    for (const [name, f, expected] of cases) {
      const t = f();
      assert.ok(t instanceof tf.Tensor, name);
      assert.deepEqual(t.arraySync(), expected, name);
    }
  });

  it('every binary op broadcasts like NumPy ([2,1] with [3]) and its gradients reduce back to each shape', () => {
    const a = [[1], [2]];
    const b = [0.5, 2, 4];
    const ops: [string, (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, (x: number, y: number) => number | boolean][] = [
      ['add', tf.add, (x, y) => x + y],
      ['subtract', tf.subtract, (x, y) => x - y],
      ['multiply', tf.multiply, (x, y) => x * y],
      ['divide', tf.divide, (x, y) => x / y],
      ['pow', tf.pow, (x, y) => x ** y],
      ['maximum', tf.maximum, Math.max],
      ['minimum', tf.minimum, Math.min],
      ['squaredDifference', tf.squaredDifference, (x, y) => (x - y) ** 2],
      ['equal', tf.equal, (x, y) => x === y],
      ['greater', tf.greater, (x, y) => x > y],
      ['less', tf.less, (x, y) => x < y],
    ];
    for (const [name, f, js] of ops) {
      const out = f(tf.constant(a), tf.constant(b));
      assert.deepEqual(out.shape, [2, 3], name);
      assert.deepEqual(out.arraySync(), a.map(([x]) => b.map((y) => (typeof js(x, y) === 'boolean' ? js(x, y) : Math.fround(js(x, y) as number)))), name);
      if (out.dtype === 'bool') continue;
      const [da, db] = gradOf(f, [a, b]);
      assert.deepEqual([da!.shape, db!.shape], [[2, 1], [3]], name);
    }
    // add: each a[i] meets 3 b's, each b[j] meets 2 a's.
    const [da, db] = gradOf(tf.add, [a, b]);
    assert.deepEqual([da!.arraySync(), db!.arraySync()], [[[3], [3]], [2, 2, 2]]);
  });

  it('where broadcasts condition, x and y; x and y get their share of dy, summed back to their shapes', () => {
    const cond = tf.constant([[true], [false]]); // [2, 1]
    const out = tf.where(cond, [1, 2, 3], 0); // x: [3], y: scalar
    assert.deepEqual(out.arraySync(), [[1, 2, 3], [0, 0, 0]]);
    const x = tf.variable([1, 2, 3]);
    const y = tf.variable(0);
    const tape = new tf.GradientTape();
    const s = tape.record(() => tf.where(cond, x, y));
    const [dx, dy] = tape.gradient(s, [x, y]);
    assert.deepEqual(dx!.arraySync(), [1, 1, 1]); // one true row
    assert.deepEqual(dy!.arraySync(), 3); // three false cells
  });

  it('gather\'s gradient is the unsorted segment sum of dy (repeated indices add up), on any axis', () => {
    const [dRows] = gradOf((p) => tf.multiply(tf.gather(p, [2, 0, 2], 0), [[1, 1], [10, 10], [100, 100]]), [[[1, 2], [3, 4], [5, 6]]]);
    assert.deepEqual(dRows!.arraySync(), [[10, 10], [0, 0], [101, 101]]);
    const [dCols] = gradOf((p) => tf.multiply(tf.gather(p, [2, 2, 0], 1), [1, 2, 3]), [[[1, 2, 3], [4, 5, 6]]]);
    assert.deepEqual(dCols!.arraySync(), [[3, 0, 3], [3, 0, 3]]);
  });

  it('reduceLogSumExp is stable for large and very negative inputs, and -inf when every input is -inf', () => {
    close(values(tf.reduceLogSumExp([1000, 1000])), [Math.fround(1000 + Math.LN2)], 1e-4);
    close(values(tf.reduceLogSumExp([-1000, -1000])), [Math.fround(-1000 + Math.LN2)], 1e-4);
    close(values(tf.reduceLogSumExp([[0, 1000], [-1000, 0]], 1, true)), [1000, 0]);
    assert.deepEqual(tf.reduceLogSumExp([-Infinity, -Infinity]).arraySync(), -Infinity);
    const [g] = gradOf((x) => tf.reduceLogSumExp(x), [[1000, 1000]]);
    close(values(g), [0.5, 0.5]);
  });

  it('softmaxCrossEntropyWithLogits with soft labels: −Σ labels·logSoftmax, ∂/∂logits = softmax − labels', () => {
    const logits = [1, 2, 3];
    const labels = [0.2, 0.3, 0.5];
    const z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const loss = -labels.reduce((s, l, i) => s + l * (logits[i] - z), 0);
    const soft = logits.map((x) => Math.exp(x - z));
    const lg = tf.variable([logits]);
    const lb = tf.variable([labels]);
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.nn.softmaxCrossEntropyWithLogits({ labels: lb, logits: lg }));
    close(values(y), [loss], 1e-6);
    const [dLogits, dLabels] = tape.gradient(y, [lg, lb]);
    close(values(dLogits), soft.map((p, i) => p - labels[i]), 1e-6);
    close(values(dLabels), logits.map((x) => z - x), 1e-6); // −logSoftmax
  });
});

describe('TensorFlow\'s gradient rules at edges (each checked against its TF rule)', () => {
  it('clipByValue (_ClipByValueGrad): x keeps dy at the bounds, the bounds take dy where x is strictly outside', () => {
    const [dx, dlo, dhi] = gradOf((x, lo, hi) => tf.clipByValue(x, lo, hi), [[0, 0.5, 1, -1, 2, 3], 0, 1]);
    assert.deepEqual(dx!.arraySync(), [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(dlo!.arraySync(), 1);
    assert.deepEqual(dhi!.arraySync(), 2);
  });

  it('maximum / minimum (_MaximumMinimumGrad): a tie goes to x (x >= y for maximum, x <= y for minimum)', () => {
    for (const f of [tf.maximum, tf.minimum]) {
      const [dx, dy] = gradOf(f, [[1, 2], [1, 2]]);
      assert.deepEqual([dx!.arraySync(), dy!.arraySync()], [[1, 1], [0, 0]], f.name);
    }
  });

  it('pow at 0 (_PowGrad): ∂/∂x = y·x^(y−1) (0 for y = 2, inf for y = 0.5, nan for y = 0); ∂/∂y = 0 where x ≤ 0', () => {
    const cases: [number, number, number][] = [
      [2, 0, 0],
      [0.5, Infinity, 0],
      [0, NaN, 0],
    ];
    for (const [y, dxExpected, dyExpected] of cases) {
      const [dx, dy] = gradOf(tf.pow, [0, y]);
      close(values(dx), [dxExpected]);
      close(values(dy), [dyExpected]);
    }
    const [, dyNeg] = gradOf(tf.pow, [-2, 2]);
    close(values(dyNeg), [0]);
  });

  it('sqrt at 0 (_SqrtGrad: dy·0.5/y) is inf; sign\'s gradient is zeros (_SignGrad), not null', () => {
    close(values(gradOf(tf.sqrt, [0])[0]), [Infinity]);
    const [ds] = gradOf(tf.sign, [[-2, 0, 3]]);
    assert.deepEqual(ds!.arraySync(), [0, 0, 0]);
  });

  it('argMax / argMin have no gradient; cast to int32 or bool gives null (_CastGrad)', () => {
    for (const f of [
      (x: tf.Tensor) => tf.cast(tf.argMax(x), 'float32'),
      (x: tf.Tensor) => tf.cast(tf.argMin(x), 'float32'),
      (x: tf.Tensor) => tf.cast(tf.cast(x, 'int32'), 'float32'),
      (x: tf.Tensor) => tf.cast(tf.cast(x, 'bool'), 'float32'),
    ]) {
      assert.equal(gradOf(f, [[1, 3, 2]])[0], null);
    }
  });
});

describe('API.md: GradientTape', () => {
  it('unconnectedGradients: "zero" gives zeros of each source\'s shape and dtype, in the sources\' structure', () => {
    const a = tf.variable([[1, 2, 3]]);
    const b = tf.variable(3);
    const d = tf.variable([1, 2], { dtype: 'float64' });
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.square(b));
    const g = tape.gradient(y, { a, rest: [b, d] }, { unconnectedGradients: 'zero' });
    assert.deepEqual(Object.keys(g), ['a', 'rest']);
    assert.deepEqual([g.a.shape, g.a.dtype, g.a.arraySync()], [[1, 3], 'float32', [[0, 0, 0]]]);
    assert.deepEqual(g.rest[0].arraySync(), 6);
    assert.deepEqual([g.rest[1].dtype, g.rest[1].arraySync()], ['float64', [0, 0]]);
  });

  it('object sources come back as the same structure, nulls in place', () => {
    const w = tf.variable([[1], [2]]);
    const b = tf.variable(0.5);
    const unused = tf.variable(1);
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.reduceSum(tf.add(tf.matmul([[3, 4]], w), b)));
    const g = tape.gradient(loss, { layer: { w, b }, unused });
    assert.deepEqual(Object.keys(g), ['layer', 'unused']);
    assert.deepEqual(Object.keys(g.layer), ['w', 'b']);
    assert.deepEqual(g.layer.w.arraySync(), [[3], [4]]);
    assert.deepEqual(g.layer.b.arraySync(), 1);
    assert.equal(g.unused, null);
  });

  it('outputGradients has the structure of target: one seed per target (shape checked); null seeds count as ones', () => {
    const x = tf.variable([1, 2]);
    const tape = new tf.GradientTape({ persistent: true });
    const [sq, tr] = tape.record(() => [tf.square(x), tf.multiply(x, 3)]);
    // ∂/∂x (w₁·x² + w₂·3x) = 2x·w₁ + 3·w₂
    close(values(tape.gradient([sq, tr], x, { outputGradients: [tf.constant([1, 0]), tf.constant([0, 1])] })), [2, 3]);
    close(values(tape.gradient({ sq, tr }, x, { outputGradients: { sq: tf.constant([10, 10]), tr: tf.constant([1, 1]) } })), [23, 43]);
    // A null entry is the default (ones); numbers and arrays are converted.
    close(values(tape.gradient([sq, tr], x, { outputGradients: [null, [1, 1]] })), [5, 7]);
    close(values(tape.gradient(sq, x, { outputGradients: [1, 2] })), [2, 8]);
    close(values(tape.gradient({ sq, tr }, x, { outputGradients: { sq: null, tr: [2, 2] } })), [8, 10]);
    assert.throws(() => tape.gradient([sq, tr], x, { outputGradients: [tf.constant([1, 1])] }), tf.errors.InvalidArgumentError);
    assert.throws(() => tape.gradient([sq, tr], x, { outputGradients: tf.constant([1, 1]) }), tf.errors.InvalidArgumentError);
    assert.throws(() => tape.gradient(sq, x, { outputGradients: [1, 2, 3] }), tf.errors.InvalidArgumentError);
  });

  it('values that leave the engine through dataSync / numpy and come back break the path', () => {
    const x = tf.variable(3);
    const tape = new tf.GradientTape({ persistent: true });
    const [a, b] = tape.record(() => {
      const sq = tf.square(x);
      return [tf.multiply(tf.constant(sq.dataSync()[0]), 2), tf.multiply(tf.constant(sq.numpy() as number), 2)];
    });
    assert.equal(tape.gradient(a, x), null);
    assert.equal(tape.gradient(b, x), null);
  });

  it('jacobian: ∂y[i]/∂x[j] against the hand result for y = W·x, y = x ⊙ x; a list of sources', () => {
    const x = tf.variable([1, 2]);
    const w = tf.variable([[1, 2], [3, 4], [5, 6]]);
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.add(tf.reshape(tf.matmul(w, tf.reshape(x, [2, 1])), [3]), tf.reduceSum(tf.square(x))));
    const [jx, jw] = tape.jacobian(y, [x, w]);
    // y_i = Σ_j W_ij x_j + Σ_j x_j² → ∂y_i/∂x_j = W_ij + 2x_j; ∂y_i/∂W_kl = [i = k]·x_l
    assert.deepEqual(jx!.arraySync(), [[3, 6], [5, 8], [7, 10]]);
    assert.deepEqual(jw!.shape, [3, 3, 2]);
    assert.deepEqual(jw!.arraySync(), [
      [[1, 2], [0, 0], [0, 0]],
      [[0, 0], [1, 2], [0, 0]],
      [[0, 0], [0, 0], [1, 2]],
    ]);
  });

  it('batchJacobian against the hand result; null when unconnected, zeros with unconnectedGradients: "zero"', () => {
    const x = tf.variable([[1, 2], [3, 4]]);
    const u = tf.variable([[5], [6]]);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => tf.matmul(x, [[1, 2, 3], [4, 5, 6]])); // y[b, j] = Σ_i x[b, i]·M[i, j]
    assert.deepEqual(tape.batchJacobian(y, x).arraySync(), [
      [[1, 4], [2, 5], [3, 6]],
      [[1, 4], [2, 5], [3, 6]],
    ]);
    assert.equal(tape.batchJacobian(y, u), null);
    assert.deepEqual(tape.batchJacobian(y, u, { unconnectedGradients: 'zero' }).arraySync(), [[[0], [0], [0]], [[0], [0], [0]]]);
    assert.throws(() => tape.batchJacobian(y, tf.variable([1, 2, 3])), tf.errors.InvalidArgumentError);
  });

  it('nested tapes to the 3rd order on a non-polynomial: sin → cos, −sin, −cos', () => {
    const x = tf.variable(0.5);
    const t1 = new tf.GradientTape();
    const t2 = new tf.GradientTape();
    const t3 = new tf.GradientTape();
    let d1!: tf.Tensor;
    let d2!: tf.Tensor;
    t3.record(() => {
      d2 = t2.record(() => {
        const y = t1.record(() => tf.sin(x));
        d1 = t1.gradient(y, x)!;
        return d1;
      });
      d2 = t2.gradient(d2, x)!;
    });
    const d3 = t3.gradient(d2, x)!;
    close(values(d1), [Math.cos(0.5)]);
    close(values(d2), [-Math.sin(0.5)]);
    close(values(d3), [-Math.cos(0.5)]);
  });
});
