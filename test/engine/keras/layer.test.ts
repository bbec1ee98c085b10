/** The Keras layer base: naming, lazy build, weights API, tracking, call context, input checks. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';

const { Dense, Dropout, ReLU, Layer, BatchNormalization } = tf.keras.layers;

describe('keras/layer: names', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('auto-names per class in snake_case, numbered from the second, and clearSession restarts them', () => {
    const names = [new Dense(2), new Dense(2), new ReLU(), new BatchNormalization(), new Dense(1, { name: 'out' }), new Dense(2)].map((l) => l.name);
    assert.deepEqual(names, ['dense', 'dense_1', 're_lu', 'batch_normalization', 'out', 'dense_2']);
    tf.keras.backend.clearSession();
    assert.equal(new Dense(2).name, 'dense');
  });

  it('names weights <layer>/<weight>:0 with path <layer>/<weight>, also inside a Sequential', () => {
    const model = new tf.keras.Sequential([new Dense(3), new Dense(2)]);
    model(tf.ones([1, 4]));
    assert.deepEqual(
      model.variables.map((v) => [v.name, v.path]),
      [
        ['dense/kernel:0', 'dense/kernel'],
        ['dense/bias:0', 'dense/bias'],
        ['dense_1/kernel:0', 'dense_1/kernel'],
        ['dense_1/bias:0', 'dense_1/bias'],
      ],
    );
    assert.equal(model.name, 'sequential');
  });

  it('a layer built inside a custom layer\'s call is named under it', () => {
    class Block extends Layer {
      inner = new Dense(2);
      override call(x: tf.Tensor): tf.Tensor {
        return this.inner(x);
      }
    }
    const block = new Block();
    block(tf.ones([1, 3]));
    assert.equal(block.name, 'block');
    assert.deepEqual(block.variables.map((v) => v.name), ['block/dense/kernel:0', 'block/dense/bias:0']);
  });
});

describe('keras/layer: build and weights', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('builds on the first call from the input shape, once', () => {
    const d = new Dense(3);
    assert.equal(d.built, false);
    assert.equal(d.kernel, null);
    assert.deepEqual(d.variables, []);
    d(tf.ones([2, 5]));
    assert.equal(d.built, true);
    assert.deepEqual((d.kernel as tf.Variable | null)?.shape, [5, 3]);
    assert.deepEqual(d.bias?.shape, [3]);
    const k = d.kernel;
    d(tf.ones([7, 5]));
    assert.equal(d.kernel, k);
    assert.equal(d.countParams(), 18);
  });

  it('takes arrays as inputs, as Keras takes NumPy arrays', () => {
    const d = new Dense(1, { kernelInitializer: 'ones' });
    assert.deepEqual(d([[1, 2, 3]]).arraySync(), [[6]]);
  });

  it('getWeights copies, setWeights assigns in weights order and checks count and shapes with Keras\'s texts', () => {
    const d = new Dense(2);
    d.build([3]);
    d.setWeights([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      tf.constant([0.5, -0.5]),
    ]);
    const [k, b] = d.getWeights();
    assert.deepEqual(k.arraySync(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(b.arraySync(), [0.5, -0.5]);
    assert.ok(!(k instanceof tf.Variable));
    d.kernel?.assign(tf.zeros([3, 2]));
    assert.deepEqual((k.arraySync() as number[][])[0], [1, 2], 'getWeights is a copy');
    assert.throws(() => d.setWeights([tf.zeros([3, 2])]), /You called `set_weights\(weights\)` on layer 'dense' with a weight list of length 1, but the layer was expecting 2 weights\./);
    assert.throws(() => d.setWeights([tf.zeros([2, 3]), tf.zeros([2])]), /Layer dense weight shape \(3, 2\) is not compatible with provided weight shape \(2, 3\)\./);
  });

  it('a built layer\'s state is locked, as Keras 3 locks it: a second build() cannot add weights', () => {
    const d = new Dense(2);
    d.build([3]);
    assert.equal(d.weights.length, 2);
    assert.throws(() => d.build([3]), /You cannot add new elements of state \(variables or sub-layers\) to a layer that is already built\./);
    assert.equal(d.weights.length, 2, 'no weight added by the refused build');
    class Late extends Layer {
      override call(x: tf.Tensor): tf.Tensor {
        this.addWeight({ name: 'late', shape: [], initializer: 'ones' });
        return x;
      }
    }
    assert.throws(() => new Late()(tf.ones([1])), /layer that is already built/);
  });

  it('addWeight in a custom layer: trainable and non-trainable lists, frozen layers', () => {
    class Scale extends Layer {
      w: tf.Variable | null = null;
      count: tf.Variable | null = null;
      override build(shape: number[]): void {
        this.w = this.addWeight({ name: 'w', shape: [shape[shape.length - 1]], initializer: 'ones' });
        this.count = this.addWeight({ name: 'count', shape: [], initializer: 'zeros', trainable: false });
      }
      override call(x: tf.Tensor): tf.Tensor {
        return tf.multiply(x, this.w as tf.Variable);
      }
    }
    const s = new Scale();
    s(tf.ones([2, 3]));
    assert.deepEqual(s.trainableVariables.map((v) => v.name), ['scale/w:0']);
    assert.deepEqual(s.trainableWeights.map((v) => v.name), ['scale/w:0']);
    assert.deepEqual(s.nonTrainableVariables.map((v) => v.name), ['scale/count:0']);
    s.trainable = false;
    assert.deepEqual(s.trainableVariables, []);
    assert.deepEqual(s.nonTrainableVariables.map((v) => v.name), ['scale/w:0', 'scale/count:0']);
  });

  it('count_params on an unbuilt layer is Keras\'s error', () => {
    assert.throws(() => new Dense(2).countParams(), /You tried to call `count_params` on layer 'dense', but the layer isn't built/);
  });
});

describe('keras/layer: calls', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('a Dense fed the wrong inner dimension after it was built fails with Keras\'s message', () => {
    const d = new Dense(2);
    d(tf.ones([1, 4]));
    assert.throws(() => d(tf.ones([1, 3])), {
      message: "Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape (1, 3)",
    });
    assert.throws(() => new Dense(2)(tf.ones([4])), /expected min_ndim=2, found ndim=1\. Full shape received: \(4,\)/);
  });

  it('training of the wrong type is an error naming the layer; options must be an object', () => {
    const d = new Dropout(0.5);
    assert.throws(() => d(tf.ones([2, 2]), { training: 1 as unknown as boolean }), /Layer 'dropout': `training` must be a boolean \(true or false\) or undefined\. Received: training=1/);
    assert.throws(() => d(tf.ones([2, 2]), true as unknown as { training: boolean }), /takes its options as an object/);
  });

  it('an inner layer called without training inherits the outer call\'s (Keras\'s call context)', () => {
    class Net extends tf.keras.Model {
      drop = new Dropout(0.5, { seed: 1 });
      override call(x: tf.Tensor): tf.Tensor {
        return this.drop(x);
      }
    }
    const net = new Net();
    const x = tf.ones([20, 20]);
    assert.deepEqual(net(x).arraySync(), x.arraySync());
    const dropped = (net(x, { training: true }).dataSync() as Float32Array).filter((v) => v === 0).length;
    assert.ok(dropped > 100 && dropped < 300, `dropped ${dropped} of 400`);
    assert.deepEqual(net(x).arraySync(), x.arraySync(), 'the context ends with the call');
  });

  it('a layer is callable, an instance of its class, and prints as Keras\'s repr', () => {
    const d = new Dense(2);
    assert.equal(typeof d, 'function');
    assert.ok(d instanceof Dense && d instanceof Layer);
    assert.equal(String(d), '<Dense name=dense, built=False>');
  });
});

describe('keras/models: tracking', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('a subclassed Model collects layers from fields, arrays and objects, in assignment order, once each', () => {
    class Net extends tf.keras.Model {
      first = new Dense(4);
      blocks = [new Dense(3), { act: new ReLU(), again: null as unknown }];
      last = new Dense(2);
      constructor() {
        super();
        this.blocks[1] = { act: new ReLU(), again: this.first };
      }
      override call(x: tf.Tensor): tf.Tensor {
        return this.last((this.blocks[0] as InstanceType<typeof Dense>)(this.first(x)));
      }
    }
    const net = new Net();
    const y = net(tf.ones([2, 5]), { training: false });
    assert.deepEqual(y.shape, [2, 2]);
    assert.equal(net.name, 'net');
    assert.deepEqual(net.layers.map((l) => l.name), ['dense', 'dense_1', 're_lu_1', 'dense_2']);
    assert.deepEqual(net.trainableVariables.map((v) => v.name), ['dense/kernel:0', 'dense/bias:0', 'dense_1/kernel:0', 'dense_1/bias:0', 'dense_2/kernel:0', 'dense_2/bias:0']);
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.reduceSum(net(tf.ones([2, 5]))));
    assert.ok(tape.gradient(loss, net.trainableVariables).every((g) => g !== null));
  });

  it('tf.Module collects variables by field name, then its submodules\', and is not callable', () => {
    class Inner extends tf.Module {
      v = tf.variable(1, { name: 'v' });
    }
    class Outer extends tf.Module {
      w = tf.variable(2, { name: 'w' });
      sub = new Inner();
      b = tf.variable(3, { name: 'b' });
      frozen = tf.variable(4, { name: 'f', trainable: false });
      list = [tf.variable(5, { name: 'a' })];
    }
    const m = new Outer();
    assert.equal(m.name, 'outer');
    assert.equal(typeof m, 'object');
    assert.deepEqual(m.variables.map((v) => v.name), ['b:0', 'f:0', 'a:0', 'w:0', 'v:0']);
    assert.deepEqual(m.trainableVariables.map((v) => v.name), ['b:0', 'a:0', 'w:0', 'v:0']);
    assert.deepEqual(m.nonTrainableVariables.map((v) => v.name), ['f:0']);
  });

  it('Sequential: add, pop, layers, unique names, only layers', () => {
    const model = new tf.keras.Sequential();
    model.add(new Dense(3));
    model.add(new ReLU());
    assert.deepEqual(model.layers.map((l) => l.name), ['dense', 're_lu']);
    assert.throws(() => model.add(new Dense(1, { name: 'dense' })), /All layers added to a Sequential model should have unique names\. Name 'dense' is already the name of a layer in this model/);
    assert.throws(() => model.add({} as never), /Only instances of `keras.Layer` can be added to a Sequential model/);
    assert.equal(model.pop().name, 're_lu');
    assert.deepEqual(model(tf.ones([2, 2])).shape, [2, 3]);
  });

  it('Sequential.build(inputShape) builds every layer from the previous output shape, before any call', () => {
    const model = new tf.keras.Sequential([new tf.keras.layers.Conv2D(2, 3), new tf.keras.layers.MaxPooling2D(), new tf.keras.layers.Flatten(), new Dense(4)]);
    model.build([5, 8, 8, 1]);
    assert.ok(model.built && model.layers.every((l) => l.built));
    assert.deepEqual(model.getWeights().map((w) => w.shape), [[3, 3, 1, 2], [2], [18, 4], [4]]);
    assert.deepEqual(model.trainableVariables.map((v) => v.name), ['conv2d/kernel:0', 'conv2d/bias:0', 'dense/kernel:0', 'dense/bias:0']);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(model(tf.ones([5, 8, 8, 1])).shape, [5, 4]);
    assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before, 'the call does not build again');
  });
});

describe('keras/models: inputs', () => {
  beforeEach(() => tf.keras.backend.clearSession());

  it('a subclassed model may take a list of tensors; a layer may not', () => {
    class Pair extends tf.keras.Model {
      d = new Dense(1, { kernelInitializer: 'ones' });
      override call(xs: tf.Tensor): tf.Tensor {
        const [a, b] = xs as unknown as tf.Tensor[];
        return this.d(tf.concat([a, b], 1));
      }
    }
    const y = new Pair()([tf.ones([2, 1]), tf.ones([2, 2])] as never);
    assert.deepEqual(y.arraySync(), [[3], [3]]);
    assert.throws(() => new Dense(1)([tf.ones([2, 1]), tf.ones([2, 2])] as never), /Attempt to convert a value/);
  });
});
