// A small MLP's losses and gradients against TensorFlow.js 4.22 (cpu backend), to 1e-5, over a
// few SGD steps from the same initial weights.
import assert from 'node:assert/strict';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node entry does not register its gradient functions; the full tfjs package does this.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Tensor } from '../../../src/engine/tensor';
import { add, constant, matmul, reduceMean, relu, softmaxCrossEntropyWithLogits, variable } from '../../../src/engine/ops/index';
import { GradientTape } from '../../../src/engine/tape';
import { SGD } from '../../../src/engine/optimizers/index';
import { normal, uniform } from '../../../src/engine/random';
import { assertClose, values } from './helpers';

const B = 8;
const D_IN = 5;
const D_H = 7;
const D_OUT = 3;
const LR = 0.1;
const STEPS = 4;

describe('parity with @tensorflow/tfjs-core 4.22 (cpu)', () => {
  let prevProd = false;
  before(async () => {
    prevProd = tfjs.env().getBool('PROD');
    tfjs.env().set('PROD', true); // tfjs's prod mode: no "install tfjs-node" banner in the test output
    await tfjs.setBackend('cpu');
  });
  after(() => tfjs.env().set('PROD', prevProd));

  it('an MLP (ReLU, softmax cross-entropy, SGD) has the same losses and gradients to 1e-5', () => {
    // Shared initial values, made by our seeded generator and copied into both engines.
    const init = {
      x: Float32Array.from(values(normal([B, D_IN], { seed: 11 }))),
      w1: Float32Array.from(values(normal([D_IN, D_H], { stddev: 0.5, seed: 12 }))),
      b1: Float32Array.from(values(uniform([D_H], { minval: -0.1, maxval: 0.1, seed: 13 }))),
      w2: Float32Array.from(values(normal([D_H, D_OUT], { stddev: 0.5, seed: 14 }))),
      b2: Float32Array.from(values(uniform([D_OUT], { minval: -0.1, maxval: 0.1, seed: 15 }))),
    };
    const labels = new Float32Array(B * D_OUT);
    for (let i = 0; i < B; i++) labels[i * D_OUT + ((i * 2) % D_OUT)] = 1;

    // Ours.
    const x = constant(init.x, 'float32', [B, D_IN]);
    const y = constant(labels, 'float32', [B, D_OUT]);
    const params = [
      variable(constant(init.w1, 'float32', [D_IN, D_H])),
      variable(constant(init.b1, 'float32', [D_H])),
      variable(constant(init.w2, 'float32', [D_H, D_OUT])),
      variable(constant(init.b2, 'float32', [D_OUT])),
    ];
    const opt = new SGD({ learningRate: LR });

    // TensorFlow.js: plain tensors differentiated with tf.grads, updated by w - lr·g.
    const tx = tfjs.tensor2d(init.x, [B, D_IN]);
    const ty = tfjs.tensor2d(labels, [B, D_OUT]);
    let tparams: tfjs.Tensor[] = [
      tfjs.tensor2d(init.w1, [D_IN, D_H]),
      tfjs.tensor1d(init.b1),
      tfjs.tensor2d(init.w2, [D_H, D_OUT]),
      tfjs.tensor1d(init.b2),
    ];
    const tfjsLoss = (w1: tfjs.Tensor, b1: tfjs.Tensor, w2: tfjs.Tensor, b2: tfjs.Tensor) => {
      const h = tfjs.relu(tfjs.add(tfjs.matMul(tx, w1 as tfjs.Tensor2D), b1));
      const logits = tfjs.add(tfjs.matMul(h as tfjs.Tensor2D, w2 as tfjs.Tensor2D), b2);
      return tfjs.losses.softmaxCrossEntropy(ty, logits);
    };

    const losses: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      const tape = new GradientTape();
      const loss = tape.record(() => {
        const h = relu(add(matmul(x, params[0]), params[1]));
        const logits = add(matmul(h, params[2]), params[3]);
        return reduceMean(softmaxCrossEntropyWithLogits({ labels: y, logits }));
      });
      const grads = tape.gradient(loss, params) as Tensor[];

      const { value, grads: tgrads } = tfjs.valueAndGrads((...ps: tfjs.Tensor[]) => tfjsLoss(ps[0], ps[1], ps[2], ps[3]))(tparams);
      const theirLoss = value.dataSync()[0];
      assertClose(values(loss), [theirLoss], 1e-5, `loss at step ${step}`);
      grads.forEach((g, i) => {
        assert.deepEqual(g.shape, tparams[i].shape);
        assertClose(values(g), tgrads[i].dataSync(), 1e-5, `gradient ${i} at step ${step}`);
      });
      losses.push(values(loss)[0]);

      opt.applyGradients(grads.map((g, i) => [g, params[i]] as const));
      tparams = tparams.map((p, i) => tfjs.sub(p, tfjs.mul(LR, tgrads[i])));
      params.forEach((p, i) => assertClose(values(p), tparams[i].dataSync(), 1e-5, `weights ${i} after step ${step}`));
    }
    // The comparison means something only if training moved: the loss went down.
    assert.ok(losses[STEPS - 1] < losses[0], `losses ${losses.join(', ')}`);
  });
});
