import assert from 'node:assert/strict';
import { Dataset } from '../../../src/engine/data/index';
import { Tensor, Variable } from '../../../src/engine/tensor';
import { constant, matmul, multiply, reshape, squaredDifference, variable, add } from '../../../src/engine/ops/index';
import { GradientTape } from '../../../src/engine/tape';
import { InvalidArgumentError } from '../../../src/engine/errors';
import { assertClose, values } from './helpers';

const range = (n: number) => Dataset.fromTensorSlices(Array.from({ length: n }, (_, i) => i));
const scalars = (ds: Iterable<unknown>) => [...ds].map((t) => values(t as Tensor)[0]);

describe('tf.data.Dataset', () => {
  describe('fromTensorSlices', () => {
    it('slices a tensor (or nested numbers) along its first axis into new tensors', () => {
      const x = constant([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const els = [...Dataset.fromTensorSlices(x)];
      assert.equal(els.length, 3);
      assert.deepEqual(els[1].shape, [2]);
      assert.deepEqual(values(els[2]), [5, 6]);
      assert.ok(els[0] !== x && !(els[0] instanceof Variable));
      const fromArrays = [...Dataset.fromTensorSlices([0.75, 0.5, 0.4])];
      assert.deepEqual(fromArrays.map((t) => t.shape), [[], [], []]);
      assert.deepEqual(fromArrays.map((t) => values(t)[0]), [0.75, 0.5, 0.4].map(Math.fround));
    });

    it('slices a tuple [x, y] and a dict { x, y } component by component', () => {
      const x = constant([
        [1, 2],
        [3, 4],
      ]);
      const y = constant([10, 20]);
      const tuples = [...Dataset.fromTensorSlices([x, y])];
      assert.equal(tuples.length, 2);
      assert.deepEqual(values(tuples[1][0]), [3, 4]);
      assert.deepEqual(values(tuples[1][1]), [20]);
      const dicts = [...Dataset.fromTensorSlices({ x, y })];
      assert.deepEqual(Object.keys(dicts[0]), ['x', 'y']);
      assert.deepEqual(values(dicts[0].x), [1, 2]);
      assert.deepEqual(dicts[0].y.shape, []);
      // A ragged pair of plain arrays cannot be one tensor, so it is a tuple too.
      const ragged = [...Dataset.fromTensorSlices([[[1, 2], [3, 4]], [5, 6]] as const)] as unknown as Tensor[][];
      assert.deepEqual(values(ragged[0][0]), [1, 2]);
      assert.deepEqual(values(ragged[0][1]), [5]);
    });

    it('keeps dtype and rejects scalars and mismatched first dimensions', () => {
      const ints = [...Dataset.fromTensorSlices(constant([1, 2], 'int32'))];
      assert.equal(ints[0].dtype, 'int32');
      assert.throws(() => Dataset.fromTensorSlices(constant(3)), InvalidArgumentError);
      assert.throws(() => Dataset.fromTensorSlices([constant([1, 2]), constant([1, 2, 3])]), /not compatible/);
    });

    it('elements are constants, not recorded ops: the gradient to the sliced tensor is null', () => {
      const x = constant([
        [1, 2],
        [3, 4],
      ]);
      const tape = new GradientTape();
      const loss = tape.record(() => {
        tape.watch(x);
        const [first] = Dataset.fromTensorSlices(x);
        return multiply(first, 2);
      });
      assert.equal(tape.gradient(loss, x), null);
    });

    it("takes the value at creation: assigning the sliced variable later changes nothing (TF converts it to a tensor)", () => {
      const v = variable([1, 2, 3]);
      const ds = Dataset.fromTensorSlices(v);
      v.assign(constant([7, 8, 9]));
      assert.deepEqual(scalars(ds), [1, 2, 3]);
    });

    it('is re-iterable: every pass yields the same elements', () => {
      const ds = range(4);
      assert.deepEqual(scalars(ds), [0, 1, 2, 3]);
      assert.deepEqual(scalars(ds), [0, 1, 2, 3]);
    });
  });

  it('zip pairs elements (array or object) and stops at the shortest', () => {
    const pairs = [...Dataset.zip([range(3), range(5).map((t: Tensor) => multiply(t, 10))])];
    assert.equal(pairs.length, 3);
    assert.deepEqual(pairs.map(([a, b]) => [values(a)[0], values(b)[0]]), [
      [0, 0],
      [1, 10],
      [2, 20],
    ]);
    const dicts = [...Dataset.zip({ a: range(2), b: range(2) })];
    assert.deepEqual(values(dicts[1].b), [1]);
    const spread = [...Dataset.zip(range(2), range(3))];
    assert.deepEqual(spread.map(([a, b]) => [values(a)[0], values(b)[0]]), [
      [0, 0],
      [1, 1],
    ]);
  });

  it('batch stacks along a new first axis, with a short last batch unless dropRemainder', () => {
    const shapes = [...range(5).batch(2)].map((t) => t.shape);
    assert.deepEqual(shapes, [[2], [2], [1]]);
    assert.deepEqual([...range(5).batch(2, { dropRemainder: true })].map((t) => values(t)), [
      [0, 1],
      [2, 3],
    ]);
    const x = constant([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const [[bx, by]] = Dataset.fromTensorSlices([x, constant([7, 8, 9])]).batch(3);
    assert.deepEqual(bx.shape, [3, 2]);
    assert.deepEqual(values(bx), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(by.shape, [3]);
    const ragged = range(3).map((t: Tensor) => (values(t)[0] === 1 ? constant([1, 2]) : constant([1])));
    assert.throws(() => [...ragged.batch(3)], /Cannot batch tensors with different shapes in component 0/);
    assert.throws(() => range(3).batch(0), InvalidArgumentError);
  });

  describe('shuffle', () => {
    it('with a seed, gives the same order every time the program runs, and a permutation', () => {
      const a = scalars(range(20).shuffle(20, { seed: 5 }));
      const b = scalars(range(20).shuffle(20, { seed: 5 }));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, [...Array(20).keys()]);
      assert.deepEqual([...a].sort((p, q) => p - q), [...Array(20).keys()]);
      assert.notDeepEqual(scalars(range(20).shuffle(20, { seed: 6 })), a);
    });

    it('reshuffles each pass (deterministically with a seed) unless told not to', () => {
      const ds = range(20).shuffle(20, { seed: 9 });
      const epoch1 = scalars(ds);
      const epoch2 = scalars(ds);
      assert.notDeepEqual(epoch1, epoch2);
      const again = range(20).shuffle(20, { seed: 9 });
      assert.deepEqual([scalars(again), scalars(again)], [epoch1, epoch2]);
      const fixed = range(20).shuffle(20, { seed: 9, reshuffleEachIteration: false });
      assert.deepEqual(scalars(fixed), scalars(fixed));
    });

    it('follows the buffer semantics: element k can only come out after k - bufferSize + 1 pulls', () => {
      assert.deepEqual(scalars(range(6).shuffle(1, { seed: 1 })), [0, 1, 2, 3, 4, 5]);
      for (let seed = 0; seed < 20; seed++) {
        const order = scalars(range(30).shuffle(3, { seed }));
        order.forEach((v, pos) => assert.ok(v <= pos + 2, `seed ${seed}: ${v} came out at position ${pos} with a buffer of 3`));
        assert.deepEqual([...order].sort((p, q) => p - q), [...Array(30).keys()]);
      }
    });
  });

  it('map spreads tuples as TF does, or passes the whole element to a one-parameter function', () => {
    const ds = Dataset.fromTensorSlices([constant([1, 2]), constant([10, 20])]);
    assert.deepEqual(scalars(ds.map((x: Tensor, y: Tensor) => add(x, y))), [11, 22]);
    // The one-parameter form is JavaScript-only (typed TF's way), hence the cast.
    assert.deepEqual(scalars(ds.map((([x, y]: Tensor[]) => multiply(x, y)) as never)), [10, 40]);
    assert.deepEqual(scalars(range(3).map((t: Tensor) => multiply(t, t))), [0, 1, 4]);
    // As TF converts map_func's outputs: numbers and arrays come out as tensors (so they batch).
    const [converted] = range(3)
      .map((t: Tensor) => ({ double: values(t)[0] * 2, pair: [1, 2] }))
      .batch(3);
    assert.deepEqual([converted.double.shape, converted.pair.shape], [[3], [3, 2]]);
    assert.deepEqual(values(converted.double), [0, 2, 4]);
  });

  it('take, skip and repeat', () => {
    assert.deepEqual(scalars(range(5).take(2)), [0, 1]);
    assert.deepEqual(scalars(range(5).take(-1)), [0, 1, 2, 3, 4]);
    assert.deepEqual(scalars(range(5).skip(3)), [3, 4]);
    assert.deepEqual(scalars(range(5).skip(-1)), []);
    assert.deepEqual(scalars(range(2).repeat(3)), [0, 1, 0, 1, 0, 1]);
    assert.deepEqual(scalars(range(2).repeat().take(5)), [0, 1, 0, 1, 0]);
    assert.deepEqual(scalars(range(0).repeat()), []);
    assert.deepEqual(scalars(range(6).skip(1).take(3).repeat(2)), [1, 2, 3, 1, 2, 3]);
  });

  it('drives the seed article training loop to its printed weights', () => {
    const data = Dataset.fromTensorSlices([
      [5.0, 2.0],
      [3.0, 3.0],
      [4.0, 1.5],
    ]);
    const weights = variable([[0.55], [0.75]]);
    const yTrue = Dataset.fromTensorSlices([0.75, 0.5, 0.4]);
    for (const [x, y] of Dataset.zip([data, yTrue])) {
      const tape = new GradientTape();
      const loss = tape.record(() => squaredDifference(y, matmul(reshape(x, [1, 2]), weights)));
      const gradients = tape.gradient(loss, weights) as Tensor;
      weights.assignSub(multiply(0.01, gradients));
    }
    assertClose(values(weights), [0.02995202, 0.47385702], 1e-8);
    assert.match(weights.toString(), /0\.02995202\][\s\S]*0\.47385702\]/);
  });
});
