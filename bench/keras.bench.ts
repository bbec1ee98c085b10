// A Keras training step: ours (tf.keras.Sequential of Dense layers, SparseCategoricalCrossentropy from
// logits, Adam) on its TypeScript and WebAssembly kernels, beside the same MLP in TensorFlow.js 4.22 on
// its cpu and wasm backends, in one process. `npm run bench -- keras`.
//
// The tfjs peer is built by hand from tfjs-core ops (variables, matMul, relu, softmaxCrossEntropy on
// one-hot labels, tf.train.adam): @tensorflow/tfjs-layers is not installed, and a layers model trains
// through the same core ops and optimizer.
import os from 'node:os';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { bundledEngine, cpuModel, seeded, useTfjsBackend, type Engine } from './workloads';

const tf = bundledEngine();
const B = 64;
const D_IN = 784;
const D_H = 128;
const D_OUT = 10;
const LR = 1e-3;

/** The same inputs, labels and initial weights for both. */
const data = {
  x: seeded(B * D_IN, 11),
  labels: Int32Array.from({ length: B }, (_, i) => (i * 7) % D_OUT),
  w1: seeded(D_IN * D_H, 12, 0.08),
  w2: seeded(D_H * D_OUT, 13, 0.2),
};

type Step = () => number;

/** Ours as a Keras user writes it; the step returns the loss. */
function oursKeras(engine: Engine): Step {
  const x = engine.constant(data.x, 'float32', [B, D_IN]);
  const y = engine.constant(data.labels, 'int32', [B]);
  const model = new engine.keras.Sequential([new engine.keras.layers.Dense(D_H, { activation: 'relu' }), new engine.keras.layers.Dense(D_OUT)]);
  model(x); // builds the weights
  model.setWeights([engine.constant(data.w1, 'float32', [D_IN, D_H]), engine.zeros([D_H]), engine.constant(data.w2, 'float32', [D_H, D_OUT]), engine.zeros([D_OUT])]);
  const lossFn = new engine.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
  const opt = new engine.keras.optimizers.Adam({ learningRate: LR });
  return () => {
    const tape = new engine.GradientTape();
    const loss = tape.record(() => lossFn(y, model(x, { training: true })));
    const vars = model.trainableVariables;
    const grads = tape.gradient(loss, vars);
    opt.applyGradients(grads.map((g, i) => [g, vars[i]] as const));
    return Number(engine.peekValues(loss)[0]);
  };
}

/** The same model and step in tfjs-core. */
function tfjsMlp(): Step {
  const x = tfjs.tensor2d(data.x, [B, D_IN]);
  const oneHot = tfjs.oneHot(tfjs.tensor1d(data.labels, 'int32'), D_OUT);
  const w1 = tfjs.variable(tfjs.tensor2d(data.w1, [D_IN, D_H]));
  const b1 = tfjs.variable(tfjs.zeros([D_H]));
  const w2 = tfjs.variable(tfjs.tensor2d(data.w2, [D_H, D_OUT]));
  const b2 = tfjs.variable(tfjs.zeros([D_OUT]));
  const opt = tfjs.train.adam(LR, 0.9, 0.999, 1e-7);
  return () => {
    const { value, grads } = tfjs.variableGrads(() => {
      const logits = tfjs.add(tfjs.matMul(tfjs.relu(tfjs.add(tfjs.matMul(x, w1), b1)), w2), b2);
      return tfjs.losses.softmaxCrossEntropy(oneHot, logits) as tfjs.Scalar;
    }, [w1, b1, w2, b2]);
    opt.applyGradients(grads);
    const loss = value.dataSync()[0]; // waits for the backend, as our step returns with values computed
    tfjs.dispose([value, ...Object.values(grads)]);
    return loss;
  };
}

/** Median CPU time (user + system) and wall time in ms of `step`, after `warmup` untimed runs. */
function time(step: Step, warmup: number, reps: number): { cpu: number; wall: number } {
  for (let i = 0; i < warmup; i++) step();
  const runs = Array.from({ length: reps }, () => {
    const [c0, t0] = [process.cpuUsage(), performance.now()];
    step();
    const c = process.cpuUsage(c0);
    return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
  });
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { cpu: mid(runs.map((r) => r.cpu)), wall: mid(runs.map((r) => r.wall)) };
}

/** The losses of the first `n` steps from the initial weights: the contenders must train the same model. */
function losses(make: () => Step, n = 5): number[] {
  const step = make();
  return Array.from({ length: n }, () => step());
}

async function main(): Promise<void> {
  tfjs.enableProdMode();
  console.log(`date ${new Date().toISOString()}, nproc ${os.availableParallelism?.() ?? os.cpus().length}, CPU ${cpuModel()}, Node ${process.version}`);
  console.log(`load average at the start: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
  const rows: { name: string; cpu: number; wall: number; first: number[] }[] = [];
  for (const backend of ['ts', 'wasm'] as const) {
    if (!tf.setKernelBackend(backend)) {
      console.log(`ours on ${backend} kernels: unavailable; skipped`);
      continue;
    }
    rows.push({ name: `ours-${backend}`, ...time(oursKeras(tf), 5, 21), first: losses(() => oursKeras(tf)) });
  }
  tf.setKernelBackend('ts');
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!(await useTfjsBackend(backend))) continue;
    rows.push({ name: `tfjs-${backend} (core ops)`, ...time(tfjsMlp(), 3, backend === 'cpu' ? 9 : 21), first: losses(tfjsMlp) });
  }
  const wasmPeer = rows.find((r) => r.name.startsWith('tfjs-wasm'));
  console.log(`\nKeras MLP training step, batch ${B}, ${D_IN}-${D_H}-${D_OUT}, ReLU, sparse softmax cross-entropy from logits, Adam (lr ${LR})`);
  console.log('| contender | CPU ms (median) | wall ms (median) | vs tfjs-wasm (CPU) | loss at steps 1-5 |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const vs = wasmPeer ? `${(wasmPeer.cpu / r.cpu).toFixed(2)}x` : '-';
    console.log(`| ${r.name} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} | ${vs} | ${r.first.map((l) => l.toFixed(5)).join(', ')} |`);
  }
  const spread = Math.max(...rows.map((r) => Math.max(...r.first.map((l, i) => Math.abs(l - rows[0].first[i])))));
  console.log(`check: the five losses agree across contenders to ${spread.toExponential(2)}`);
  console.log(`load average at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
