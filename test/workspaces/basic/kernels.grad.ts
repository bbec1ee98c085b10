// Fixture for the .vsix test: the WebAssembly SIMD kernels load and run inside the installed extension.
// The run fails (and the test with it) unless they are active and agree with the TypeScript kernels.
import * as tf from "gradtape";

const a = tf.random.uniform([96, 128], { seed: 1 });
const b = tf.variable(tf.random.uniform([128, 64], { seed: 2 }));
function lossAndGradient(): [number, number[]] {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => tf.reduceSum(tf.square(tf.matmul(a, b))));
  return [loss.arraySync() as number, Array.from(tape.gradient(loss, b).dataSync())];
}

const backend = tf.getKernelBackend();
if (backend.backend !== "wasm") throw new Error(`WebAssembly kernels are not active: ${JSON.stringify(backend)}`);
const [wasmLoss, wasmGrad] = lossAndGradient();
tf.setKernelBackend("ts");
const [tsLoss, tsGrad] = lossAndGradient();
const worst = Math.max(Math.abs(wasmLoss - tsLoss) / Math.abs(tsLoss), ...wasmGrad.map((g, i) => Math.abs(g - tsGrad[i]) / (Math.abs(tsGrad[i]) + 1e-3)));
if (!(worst < 1e-4)) throw new Error(`WebAssembly and TypeScript kernels disagree: relative difference ${worst}`);
console.log(`kernels: ${backend.backend} (${backend.flavor}), relative difference to TypeScript ${worst.toExponential(2)}`);
