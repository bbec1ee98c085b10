// Keras training steps: ours (tf.keras.Sequential, SparseCategoricalCrossentropy from logits, Adam,
// a new GradientTape per step) on its TypeScript and WebAssembly kernels, beside the same model as a
// TensorFlow.js 4.22 tfjs-layers model (tf.sequential, the same custom loop: variableGrads over the
// model's trainable weights, softmax cross-entropy on one-hot labels, train.adam) on its cpu and wasm
// backends, in one process, from the same initial weights. Two models: an MLP and a small conv net.
// `npm run bench -- keras`.
import os from 'node:os';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { bundledEngine, cpuModel, registerTfjsWasmFilterGradient, seeded, useTfjsBackend, type Engine } from './workloads';

const tf = bundledEngine();
const LR = 1e-3;
const CLASSES = 10;

/** A model both sides build: our layers and tfjs-layers', the input's shape, and a title. */
interface Workload {
  title: string;
  inputShape: number[];
  ours: (engine: Engine) => InstanceType<Engine['keras']['layers']['Layer']>[];
  theirs: () => tfl.layers.Layer[];
}

const B = 64;
const MLP: Workload = {
  title: `Keras MLP, batch ${B}, 784-128-10, ReLU`,
  inputShape: [B, 784],
  ours: (e) => [new e.keras.layers.Dense(128, { activation: 'relu' }), new e.keras.layers.Dense(CLASSES)],
  theirs: () => [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: CLASSES })],
};

const CB = 32;
const CONV: Workload = {
  title: `Keras conv net, batch ${CB} of 28×28×1 images: Conv2D(8, 3, relu) 26×26×8, MaxPooling2D 13×13×8, Flatten 1352, Dense(10)`,
  inputShape: [CB, 28, 28, 1],
  ours: (e) => [new e.keras.layers.Conv2D(8, 3, { activation: 'relu' }), new e.keras.layers.MaxPooling2D(), new e.keras.layers.Flatten(), new e.keras.layers.Dense(CLASSES)],
  theirs: () => [
    tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: CLASSES }),
  ],
};

/** The inputs, labels and initial weights, the same for every contender. */
function dataOf(w: Workload, weightShapes: number[][]) {
  const n = w.inputShape.reduce((p, d) => p * d, 1);
  const b = w.inputShape[0];
  return {
    x: seeded(n, 11),
    labels: Int32Array.from({ length: b }, (_, i) => (i * 7) % CLASSES),
    weights: weightShapes.map((s, i) => (s.length === 1 ? new Float32Array(s[0]) : seeded(s.reduce((p, d) => p * d, 1), 12 + i, 1 / Math.sqrt(s.slice(0, -1).reduce((p, d) => p * d, 1))))),
  };
}

type Step = () => number;

/** Ours as a Keras user writes it; the step returns the loss. */
function oursKeras(engine: Engine, w: Workload): Step {
  const model = new engine.keras.Sequential(w.ours(engine));
  model.build(w.inputShape);
  const d = dataOf(w, model.getWeights().map((t) => t.shape));
  const x = engine.constant(d.x, 'float32', w.inputShape);
  const y = engine.constant(d.labels, 'int32', [w.inputShape[0]]);
  model.setWeights(d.weights.map((v, i) => engine.constant(v, 'float32', model.getWeights()[i].shape)));
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

/** The same model as a tfjs-layers Sequential, trained by the same custom loop. */
function tfjsLayers(w: Workload): Step {
  // tfjs-backend-wasm has no filter gradient: the one the engine bench adds, from its own kernels.
  if (tfjs.getBackend() === 'wasm') registerTfjsWasmFilterGradient();
  const model = tfl.sequential({ layers: w.theirs() });
  const d = dataOf(w, model.getWeights().map((t) => t.shape));
  model.setWeights(d.weights.map((v, i) => tfjs.tensor(v, model.getWeights()[i].shape)));
  const x = tfjs.tensor(d.x, w.inputShape);
  const oneHot = tfjs.oneHot(tfjs.tensor1d(d.labels, 'int32'), CLASSES);
  const vars = model.trainableWeights.map((v) => v.read() as tfjs.Variable);
  const opt = tfjs.train.adam(LR, 0.9, 0.999, 1e-7);
  return () => {
    const { value, grads } = tfjs.variableGrads(() => tfjs.losses.softmaxCrossEntropy(oneHot, model.apply(x, { training: true }) as tfjs.Tensor) as tfjs.Scalar, vars);
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

type Row = { name: string; cpu: number; wall: number; first: number[] } | { name: string; error: string };

async function bench(w: Workload): Promise<void> {
  const rows: Row[] = [];
  for (const backend of ['ts', 'wasm'] as const) {
    if (!tf.setKernelBackend(backend)) {
      console.log(`ours on ${backend} kernels: unavailable; skipped`);
      continue;
    }
    rows.push({ name: `ours-${backend}`, ...time(oursKeras(tf, w), 5, 21), first: losses(() => oursKeras(tf, w)) });
  }
  tf.setKernelBackend('ts');
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!(await useTfjsBackend(backend))) continue;
    try {
      rows.push({ name: `tfjs-layers on ${backend}`, ...time(tfjsLayers(w), 3, backend === 'cpu' ? 9 : 21), first: losses(() => tfjsLayers(w)) });
    } catch (e) {
      rows.push({ name: `tfjs-layers on ${backend}`, error: (e as Error).message.split('\n')[0] });
    }
  }
  const ok = rows.filter((r): r is Extract<Row, { cpu: number }> => 'cpu' in r);
  const peers = ['cpu', 'wasm'].map((b) => ok.find((r) => r.name === `tfjs-layers on ${b}`));
  console.log(`\n${w.title}; sparse softmax cross-entropy from logits, Adam (lr ${LR})`);
  console.log('| contender | CPU ms (median) | wall ms (median) | tfjs-cpu ÷ contender (CPU) | tfjs-wasm ÷ contender (CPU) | loss at steps 1-5 |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    if (!('cpu' in r)) {
      console.log(`| ${r.name} | – | – | – | – | cannot train: ${r.error} |`);
      continue;
    }
    const vs = peers.map((p) => (p ? `${(p.cpu / r.cpu).toFixed(2)}x` : '–')).join(' | ');
    console.log(`| ${r.name} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} | ${vs} | ${r.first.map((l) => l.toFixed(5)).join(', ')} |`);
  }
  const spread = Math.max(...ok.map((r) => Math.max(...r.first.map((l, i) => Math.abs(l - ok[0].first[i])))));
  console.log(`check: the five losses agree across contenders to ${spread.toExponential(2)}`);
}

async function main(): Promise<void> {
  tfjs.enableProdMode();
  console.log(`date ${new Date().toISOString()}, nproc ${os.availableParallelism?.() ?? os.cpus().length}, CPU ${cpuModel()}, Node ${process.version}`);
  console.log(`load average at the start: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
  await bench(MLP);
  await bench(CONV);
  console.log(`load average at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
