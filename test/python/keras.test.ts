// tf.keras from Python: Sequential of Dense layers with snake_case keywords, a loss object, an optimizer
// fed with zip(grads, model.trainable_variables), and a subclassed tf.keras.Model with `def call(self, x)`.
// Each runs beside the same program in TypeScript on the same engine (same initialisers, the same
// seeded random stream), and the printed losses must agree to the last digit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, WORKER } from '../runner/helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-pykeras-'));
let n = 0;
async function run(ext: 'py' | 'ts', source: string): Promise<{ out: string[]; trace: Trace }> {
  const file = path.join(dir, `k${++n}.grad.${ext}`);
  fs.writeFileSync(file, source);
  const trace = await runScratch({ file, workerFile: WORKER, warm: ext === 'py', timeoutMs: 120_000 });
  assert.equal(trace.error, undefined, `${ext}: ${JSON.stringify(trace.error)}`);
  return { out: trace.console.map((l) => l.text), trace };
}

/** Python's repr of a float32 loss read as a float (`float(loss)`), and JavaScript's of the same number. */
const numbers = (lines: string[]): number[] => lines.map(Number);

describe('python: tf.keras', function () {
  this.timeout(300_000);
  before(() => buildRunner());
  after(() => disposePython());

  it('Sequential + Dense(activation=...) + SparseCategoricalCrossentropy(from_logits=True) + SGD.apply_gradients(zip(...)) trains as in TypeScript', async () => {
    const py = await run('py', `import tensorflow as tf
tf.random.set_seed(1)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(4, activation='relu'),
    tf.keras.layers.Dense(3, use_bias=True),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
x = tf.constant([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]])
y = tf.constant([0, 2, 1])
for step in range(5):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print(float(loss))
print([v.name for v in model.trainable_variables])
`);
    const ts = await run('ts', `import * as tf from 'gradtape';
tf.random.setSeed(1);
const model = new tf.keras.Sequential([
  new tf.keras.layers.Dense(4, { activation: 'relu' }),
  new tf.keras.layers.Dense(3, { useBias: true }),
]);
const lossFn = new tf.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
const optimizer = new tf.keras.optimizers.SGD({ learningRate: 0.1 });
const x = tf.constant([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]]);
const y = tf.constant([0, 2, 1], 'int32');
for (let step = 0; step < 5; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => lossFn(y, model(x, { training: true })));
  const grads = tape.gradient(loss, model.trainableVariables);
  optimizer.applyGradients(grads.map((g, i) => [g, model.trainableVariables[i]]));
  console.log(loss.dataSync()[0]);
}
console.log(JSON.stringify(model.trainableVariables.map((v) => v.name)));
`);
    const losses = numbers(py.out.slice(0, 5));
    assert.deepEqual(losses, numbers(ts.out.slice(0, 5)));
    for (let i = 1; i < 5; i++) assert.ok(losses[i] < losses[i - 1], `the loss falls: ${losses.join(', ')}`);
    assert.equal(py.out[5].replace(/'/g, '"'), ts.out[5].replace(/,/g, ', '));
    // The Python tape shows the model's ops at the Python line that called the model.
    const tape = py.trace.tapes[0];
    assert.ok(tape.nodes.some((nd) => nd.op === 'MatMul' && nd.pos?.line === 13), JSON.stringify(tape.nodes.map((nd) => [nd.op, nd.pos?.line])));
  });

  it('a subclassed tf.keras.Model with def call(self, x): its layers are tracked, it trains as the TypeScript subclass', async () => {
    const py = await run('py', `import tensorflow as tf
tf.random.set_seed(1)
class MyModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense1 = tf.keras.layers.Dense(4, activation='relu')
        self.dense2 = tf.keras.layers.Dense(1)
        self.scale = 2.0
    def call(self, x, training=False):
        return self.dense2(self.dense1(x)) * self.scale
model = MyModel()
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
x = tf.constant([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]])
y = tf.constant([[1.0], [-1.0]])
for step in range(4):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x, training=True) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print(float(loss))
print(model.name, [layer.name for layer in model.layers], len(model.trainable_variables), isinstance(model, tf.keras.Model), isinstance(tf.keras.Sequential([]), tf.keras.Model))
`);
    const ts = await run('ts', `import * as tf from 'gradtape';
tf.random.setSeed(1);
class MyModel extends tf.keras.Model {
  dense1 = new tf.keras.layers.Dense(4, { activation: 'relu' });
  dense2 = new tf.keras.layers.Dense(1);
  scale = 2.0;
  call(x: tf.Tensor): tf.Tensor {
    return tf.multiply(this.dense2(this.dense1(x)), this.scale);
  }
}
const model = new MyModel({ name: 'my_model' });
const optimizer = new tf.keras.optimizers.SGD({ learningRate: 0.05 });
const x = tf.constant([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]]);
const y = tf.constant([[1.0], [-1.0]]);
for (let step = 0; step < 4; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => tf.reduceMean(tf.pow(tf.subtract(model(x, { training: true }), y), 2)));
  const grads = tape.gradient(loss, model.trainableVariables);
  optimizer.applyGradients(grads.map((g, i) => [g, model.trainableVariables[i]]));
  console.log(loss.dataSync()[0]);
}
`);
    const losses = numbers(py.out.slice(0, 4));
    assert.deepEqual(losses, numbers(ts.out.slice(0, 4)));
    assert.ok(losses[3] < losses[0], losses.join(', '));
    assert.equal(py.out[4], "my_model ['dense', 'dense_1'] 4 True True");
  });

  it('examples/13: a Layer with build() and add_weight(), a Model whose call takes training: trains as the TypeScript subclass, and the report reads ∂loss/∂linear/w', async () => {
    const file = path.join(__dirname, '..', '..', 'examples', '13-keras-custom-layer.grad.py');
    const py = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs: 120_000 });
    assert.equal(py.error, undefined, JSON.stringify(py.error));
    const ts = await run('ts', `import * as tf from 'gradtape';
class Linear extends tf.keras.layers.Layer {
  units: number;
  w: tf.Variable | null = null;
  b: tf.Variable | null = null;
  constructor(units = 32) {
    super();
    this.units = units;
  }
  override build(inputShape: number[]) {
    this.w = this.addWeight({ shape: [inputShape[inputShape.length - 1], this.units], initializer: 'randomNormal', trainable: true, name: 'w' });
    this.b = this.addWeight({ shape: [this.units], initializer: 'zeros', trainable: true, name: 'b' });
  }
  override call(x: tf.Tensor) {
    return tf.add(tf.matmul(x, this.w!), this.b!);
  }
}
class Regressor extends tf.keras.Model {
  hidden = new Linear(8);
  drop = new tf.keras.layers.Dropout(0.25, { seed: 3 });
  head = new Linear(1);
  override call(x: tf.Tensor, { training }: { training?: boolean } = {}) {
    return this.head(this.drop(tf.nn.relu(this.hidden(x)), { training }));
  }
}
tf.random.setSeed(0);
const x = tf.reshape(tf.linspace(-1.0, 1.0, 16), [16, 1]);
const y = tf.sin(tf.multiply(x, 3.0));
const model = new Regressor();
const lossFn = new tf.keras.losses.MeanSquaredError();
const optimizer = new tf.keras.optimizers.Adam({ learningRate: 0.05 });
let loss = tf.constant(0);
for (let step = 0; step < 60; step++) {
  const tape = new tf.GradientTape();
  loss = tape.record(() => lossFn(y, model(x, { training: true })));
  const grads = tape.gradient(loss, model.trainableVariables);
  optimizer.applyGradients(grads.map((g, i) => [g, model.trainableVariables[i]]));
}
console.log("[" + model.trainableVariables.map((v) => "'" + v.name + "'").join(", ") + "]");
console.log(\`training loss \${loss.dataSync()[0].toFixed(6)}, inference loss \${lossFn(y, model(x)).dataSync()[0].toFixed(6)}\`);
`);
    const out = py.console.map((l) => l.text);
    assert.deepEqual(out, ts.out);
    assert.equal(out[0], "['linear/w:0', 'linear/b:0', 'linear_1/w:0', 'linear_1/b:0']");
    // Dropout is on in training only: the two losses differ.
    const [train, infer] = out[1].match(/[\d.]+/g)!.map(Number);
    assert.notEqual(train, infer);
    // The report: each gradient's sources named as Keras names the weights, not after the line's target.
    const last = py.gradients[py.gradients.length - 1];
    assert.deepEqual(last.sources.map((s) => s.name), ['linear/w', 'linear/b', 'linear_1/w', 'linear_1/b']);
    assert.ok(last.sources.every((s) => s.gradient !== null));
  });

  it("a Python Layer's build: called by hand it builds once (Keras's wrapper), super().build() inside is fine, add_weight's variables are tracked", async () => {
    const { out } = await run('py', `import tensorflow as tf
class Scale(tf.keras.layers.Layer):
    def build(self, input_shape):
        print("build", input_shape)
        self.k = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="k")
        self.frozen = self.add_weight(shape=(), initializer="zeros", trainable=False, name="frozen")
        super().build(input_shape)
    def call(self, x, training=None):
        return x * self.k + (1.0 if training else 0.0)
layer = Scale()
print(layer.name, layer.built)
layer.build((None, 3))
print(layer.built, [v.name for v in layer.trainable_variables], [v.name for v in layer.non_trainable_variables])
print(layer(tf.ones((2, 3))).numpy().tolist(), layer(tf.ones((1, 3)), training=True).numpy().tolist())
print(isinstance(layer, tf.keras.layers.Layer), Scale(name="other").name)
`);
    assert.deepEqual(out, [
      'scale False',
      'build (None, 3)',
      "True ['scale/k:0'] ['scale/frozen:0']",
      '[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]] [[2.0, 2.0, 2.0]]',
      'True other',
    ]);
  });

  it('a second build() of a built Python layer is refused with Keras 3\'s ValueError, at its line', async () => {
    const file = path.join(dir, 'locked.grad.py');
    fs.writeFileSync(file, `import tensorflow as tf
class Scale(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.k = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="k")
layer = Scale()
layer.build((None, 3))
try:
    layer.build((None, 3))
except ValueError as e:
    print("ValueError", str(e))
print(len(layer.weights))
layer.build((None, 3))
`);
    const trace = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs: 120_000 });
    assert.deepEqual(trace.console.map((l) => l.text), [
      'ValueError You cannot add new elements of state (variables or sub-layers) to a layer that is already built. All state must be created in the `__init__()` method or in the `build()` method.',
      '1',
    ], 'nothing printed to stderr: the error is reported once, with user frames only');
    assert.equal(trace.error?.name, 'ValueError');
    assert.equal(trace.error?.pos?.line, 4, 'at the add_weight the locked layer refused');
    assert.match(trace.error?.stack ?? '', /line 12, in <module>/);
    assert.doesNotMatch(trace.error?.stack ?? '', /\/lib\/gradtape/, 'user frames only');
  });
});
