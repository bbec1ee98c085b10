// Cells of TensorFlow's guides (tensorflow/docs site/en/guide/autodiff.ipynb and
// advanced_autodiff.ipynb), typed as the guides print them, run unchanged in a .grad.py and print
// the values TensorFlow prints. Cells whose ops the engine lacks (tf.image, Keras) are left out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, WORKER } from '../runner/helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-guide-'));
let n = 0;
/** The guide's setup cell, then the cells; returns what the program printed. */
async function cells(...sources: string[]): Promise<string[]> {
  const file = path.join(dir, `guide${++n}.grad.py`);
  fs.writeFileSync(file, ['import numpy as np\nimport matplotlib.pyplot as plt\n\nimport tensorflow as tf', ...sources].join('\n\n') + '\n');
  const trace = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs: 60_000 });
  assert.equal(trace.error, undefined, JSON.stringify(trace.error));
  return trace.console.map((l) => l.text);
}

describe('python: cells of the autodiff guides', function () {
  this.timeout(240_000);
  before(() => buildRunner());
  after(() => disposePython());

  it('autodiff: gradient tapes, shapes, structures', async () => {
    const out = await cells(
      'x = tf.Variable(3.0)\n\nwith tf.GradientTape() as tape:\n  y = x**2',
      '# dy = 2x * dx\ndy_dx = tape.gradient(y, x)\ndy_dx.numpy()',
      "w = tf.Variable(tf.random.normal((3, 2)), name='w')\nb = tf.Variable(tf.zeros(2, dtype=tf.float32), name='b')\nx = [[1., 2., 3.]]\n\nwith tf.GradientTape(persistent=True) as tape:\n  y = x @ w + b\n  loss = tf.reduce_mean(y**2)",
      '[dl_dw, dl_db] = tape.gradient(loss, [w, b])',
      'print(w.shape)\nprint(dl_dw.shape)',
      "my_vars = {\n    'w': w,\n    'b': b\n}\n\ngrad = tape.gradient(loss, my_vars)\ngrad['b']",
    );
    assert.equal(out[0], '6.0');
    assert.deepEqual(out.slice(1, 3), ['(3, 2)', '(3, 2)']);
    assert.match(out[3], /^<tf\.Tensor: shape=\(2,\), dtype=float32, numpy=array\(\[ *-?[\d.]+ *, +-?[\d.]+ *\], dtype=float32\)>$/);
  });

  it('autodiff: controlling what the tape watches', async () => {
    const out = await cells(
      "# A trainable variable\nx0 = tf.Variable(3.0, name='x0')\n# Not trainable\nx1 = tf.Variable(3.0, name='x1', trainable=False)\n# Not a Variable: A variable + tensor returns a tensor.\nx2 = tf.Variable(2.0, name='x2') + 1.0\n# Not a variable\nx3 = tf.constant(3.0, name='x3')\n\nwith tf.GradientTape() as tape:\n  y = (x0**2) + (x1**2) + (x2**2)\n\ngrad = tape.gradient(y, [x0, x1, x2, x3])\n\nfor g in grad:\n  print(g)",
      '[var.name for var in tape.watched_variables()]',
      'x = tf.constant(3.0)\nwith tf.GradientTape() as tape:\n  tape.watch(x)\n  y = x**2\n\n# dy = 2x * dx\ndy_dx = tape.gradient(y, x)\nprint(dy_dx.numpy())',
      'x0 = tf.Variable(0.0)\nx1 = tf.Variable(10.0)\n\nwith tf.GradientTape(watch_accessed_variables=False) as tape:\n  tape.watch(x1)\n  y0 = tf.math.sin(x0)\n  y1 = tf.nn.softplus(x1)\n  y = y0 + y1\n  ys = tf.reduce_sum(y)',
      "# dys/dx1 = exp(x1) / (1 + exp(x1)) = sigmoid(x1)\ngrad = tape.gradient(ys, {'x0': x0, 'x1': x1})\n\nprint('dy/dx0:', grad['x0'])\nprint('dy/dx1:', grad['x1'].numpy())",
    );
    assert.deepEqual(out, ['tf.Tensor(6.0, shape=(), dtype=float32)', 'None', 'None', 'None', "['x0:0']", '6.0', 'dy/dx0: None', 'dy/dx1: 0.9999546']);
  });

  it('autodiff: intermediate results, persistent tapes, non-scalar targets', async () => {
    const out = await cells(
      'x = tf.constant(3.0)\n\nwith tf.GradientTape() as tape:\n  tape.watch(x)\n  y = x * x\n  z = y * y\n\n# Use the tape to compute the gradient of z with respect to the\n# intermediate value y.\n# dz_dy = 2 * y and y = x ** 2 = 9\nprint(tape.gradient(z, y).numpy())',
      'x = tf.constant([1, 3.0])\nwith tf.GradientTape(persistent=True) as tape:\n  tape.watch(x)\n  y = x * x\n  z = y * y\n\nprint(tape.gradient(z, x).numpy())  # [4.0, 108.0] (4 * x**3 at x = [1.0, 3.0])\nprint(tape.gradient(y, x).numpy())  # [2.0, 6.0] (2 * x at x = [1.0, 3.0])',
      'del tape   # Drop the reference to the tape',
      'x = tf.Variable(2.0)\nwith tf.GradientTape(persistent=True) as tape:\n  y0 = x**2\n  y1 = 1 / x\n\nprint(tape.gradient(y0, x).numpy())\nprint(tape.gradient(y1, x).numpy())',
      'x = tf.Variable(2.)\n\nwith tf.GradientTape() as tape:\n  y = x * [3., 4.]\n\nprint(tape.gradient(y, x).numpy())',
      'x = tf.linspace(-10.0, 10.0, 200+1)\n\nwith tf.GradientTape() as tape:\n  tape.watch(x)\n  y = tf.nn.sigmoid(x)\n\ndy_dx = tape.gradient(y, x)',
      "plt.plot(x, y, label='y')\nplt.plot(x, dy_dx, label='dy/dx')\nplt.legend()\n_ = plt.xlabel('x')",
    );
    assert.deepEqual(out, ['18.0', '[  4. 108.]', '[2. 6.]', '4.0', '-0.25', '7.0']);
  });

  it('autodiff: control flow and the cases where gradient returns None', async () => {
    const out = await cells(
      'x = tf.constant(1.0)\n\nv0 = tf.Variable(2.0)\nv1 = tf.Variable(2.0)\n\nwith tf.GradientTape(persistent=True) as tape:\n  tape.watch(x)\n  if x > 0.0:\n    result = v0\n  else:\n    result = v1**2 \n\ndv0, dv1 = tape.gradient(result, [v0, v1])\n\nprint(dv0)\nprint(dv1)',
      'dx = tape.gradient(result, x)\n\nprint(dx)',
      'x = tf.Variable(2.)\ny = tf.Variable(3.)\n\nwith tf.GradientTape() as tape:\n  z = y * y\nprint(tape.gradient(z, x))',
      'x = tf.Variable(2.0)\n\nfor epoch in range(2):\n  with tf.GradientTape() as tape:\n    y = x+1\n\n  print(type(x).__name__, ":", tape.gradient(y, x))\n  x = x + 1   # This should be `x.assign_add(1)`',
      'x = tf.Variable([[1.0, 2.0],\n                 [3.0, 4.0]], dtype=tf.float32)\n\nwith tf.GradientTape() as tape:\n  x2 = x**2\n\n  # This step is calculated with NumPy\n  y = np.mean(x2, axis=0)\n\n  # Like most ops, reduce_mean will cast the NumPy array to a constant tensor\n  # using `tf.convert_to_tensor`.\n  y = tf.reduce_mean(y, axis=0)\n\nprint(tape.gradient(y, x))',
      'x = tf.constant(10)\n\nwith tf.GradientTape() as g:\n  g.watch(x)\n  y = x * x\n\nprint(g.gradient(y, x))',
      'x0 = tf.Variable(3.0)\nx1 = tf.Variable(0.0)\n\nwith tf.GradientTape() as tape:\n  # Update x1 = x1 + x0.\n  x1.assign_add(x0)\n  # The tape starts recording from x1.\n  y = x1**2   # y = (x1 + x0)**2\n\n# This doesn\'t work.\nprint(tape.gradient(y, x0))   #dy/dx0 = 2*(x1 + x0)',
      'x = tf.Variable([2., 2.])\ny = tf.Variable(3.)\n\nwith tf.GradientTape() as tape:\n  z = y**2\nprint(tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO))',
    );
    assert.deepEqual(out, [
      'tf.Tensor(1.0, shape=(), dtype=float32)',
      'None',
      'None',
      'None',
      'ResourceVariable : tf.Tensor(1.0, shape=(), dtype=float32)',
      'EagerTensor : None',
      'None',
      'None',
      'None',
      'tf.Tensor([0. 0.], shape=(2,), dtype=float32)',
    ]);
  });

  it('advanced_autodiff: stop_recording, reset, stop_gradient, custom gradients, multiple tapes, higher order, a jacobian', async () => {
    const out = await cells(
      "x = tf.Variable(2.0)\ny = tf.Variable(3.0)\n\nwith tf.GradientTape() as t:\n  x_sq = x * x\n  with t.stop_recording():\n    y_sq = y * y\n  z = x_sq + y_sq\n\ngrad = t.gradient(z, {'x': x, 'y': y})\n\nprint('dz/dx:', grad['x'])  # 2*x => 4\nprint('dz/dy:', grad['y'])",
      "x = tf.Variable(2.0)\ny = tf.Variable(3.0)\nreset = True\n\nwith tf.GradientTape() as t:\n  y_sq = y * y\n  if reset:\n    # Throw out all the tape recorded so far.\n    t.reset()\n  z = x * x + y_sq\n\ngrad = t.gradient(z, {'x': x, 'y': y})\n\nprint('dz/dx:', grad['x'])  # 2*x => 4\nprint('dz/dy:', grad['y'])",
      "x = tf.Variable(2.0)\ny = tf.Variable(3.0)\n\nwith tf.GradientTape() as t:\n  y_sq = y**2\n  z = x**2 + tf.stop_gradient(y_sq)\n\ngrad = t.gradient(z, {'x': x, 'y': y})\n\nprint('dz/dx:', grad['x'])  # 2*x => 4\nprint('dz/dy:', grad['y'])",
      '# Establish an identity operation, but clip during the gradient pass.\n@tf.custom_gradient\ndef clip_gradients(y):\n  def backward(dy):\n    return tf.clip_by_norm(dy, 0.5)\n  return y, backward\n\nv = tf.Variable(2.0)\nwith tf.GradientTape() as t:\n  output = clip_gradients(v * v)\nprint(t.gradient(output, v))  # calls "backward", which clips 4 to 2',
      'x0 = tf.constant(0.0)\nx1 = tf.constant(0.0)\n\nwith tf.GradientTape() as tape0, tf.GradientTape() as tape1:\n  tape0.watch(x0)\n  tape1.watch(x1)\n\n  y0 = tf.math.sin(x0)\n  y1 = tf.nn.sigmoid(x1)\n\n  y = y0 + y1\n\n  ys = tf.reduce_sum(y)',
      'tape0.gradient(ys, x0).numpy()   # cos(x) => 1.0',
      'tape1.gradient(ys, x1).numpy()   # sigmoid(x1)*(1-sigmoid(x1)) => 0.25',
      "x = tf.Variable(1.0)  # Create a Tensorflow variable initialized to 1.0\n\nwith tf.GradientTape() as t2:\n  with tf.GradientTape() as t1:\n    y = x * x * x\n\n  # Compute the gradient inside the outer `t2` context manager\n  # which means the gradient computation is differentiable as well.\n  dy_dx = t1.gradient(y, x)\nd2y_dx2 = t2.gradient(dy_dx, x)\n\nprint('dy_dx:', dy_dx.numpy())  # 3 * x**2 => 3.0\nprint('d2y_dx2:', d2y_dx2.numpy())  # 6 * x => 6.0",
      'x = tf.linspace(-10.0, 10.0, 200+1)\ndelta = tf.Variable(0.0)\n\nwith tf.GradientTape() as tape:\n  y = tf.nn.sigmoid(x+delta)\n\ndy_dx = tape.jacobian(y, delta)',
      'print(y.shape)\nprint(dy_dx.shape)',
    );
    const dz = ['dz/dx: tf.Tensor(4.0, shape=(), dtype=float32)', 'dz/dy: None'];
    assert.deepEqual(out, [...dz, ...dz, ...dz, 'tf.Tensor(2.0, shape=(), dtype=float32)', '1.0', '0.25', 'dy_dx: 3.0', 'd2y_dx2: 6.0', '(201,)', '(201,)']);
  });
});
