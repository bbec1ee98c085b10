// The engine on both kernel paths. The registry-wide finite-difference check (test/engine/
// allOps.test.ts) runs in float64, which the WebAssembly kernels leave to TypeScript; so here
// every op of the registry runs forward and backward in float32 on the TypeScript path and on the
// WebAssembly path with every threshold at 0, and the two must agree. The seed programs must
// print their exact numbers on both paths, and the engine must fall back cleanly where
// WebAssembly SIMD is missing.
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { jsKernels, kernels } from '../../../src/engine/kernels';
import type { OpDef } from '../../../src/engine/op';
import { ALL_OPS } from '../../../src/engine/ops/index';
import type { Tensor } from '../../../src/engine/tensor';
import { installDefaultKernels, thresholds } from '../../../src/engine/wasm/index';
import { forgetKernelModule, loadKernelModule } from '../../../src/engine/wasm/loader';
import { lcg } from '../gradcheck';
import { casesOf, draw, type Case } from '../opSamples';


/** The op's output and the gradient of Σ y·cot w.r.t. each float input, as plain arrays. */
function forwardBackward(op: OpDef<never>, c: Case, seed: number): Float64Array[] {
  const rand = lcg(seed);
  const s = op.sample!;
  const kinks = 'kinks' in s && s.kinks ? s.kinks : [];
  const minGap = 'minGap' in s && s.minGap ? s.minGap : 0;
  // Float32 inputs (the dtype the WebAssembly kernels take), a little further from the kinks.
  const xs = c.inputs.map((spec) => draw(spec, rand, kinks, Math.max(minGap, 1e-3), 'float32'));
  const tape = new tf.GradientTape({ persistent: true });
  let y!: Tensor;
  const loss = tape.record(() => {
    xs.forEach((x) => x.dtype === 'float32' && tape.watch(x));
    y = op.apply(xs, c.attrs as never);
    const cot = tf.constant(Float32Array.from({ length: y.size }, () => rand() * 2 - 1), 'float32', y.shape);
    return tf.reduceSum(tf.multiply(tf.cast(y, 'float32'), cot));
  });
  const out = [Float64Array.from(y.dataSync() as ArrayLike<number>)];
  for (const x of xs) {
    if (x.dtype !== 'float32') continue;
    const g = tape.gradient(loss, x);
    out.push(g ? Float64Array.from(g.dataSync() as ArrayLike<number>) : new Float64Array(0));
  }
  return out;
}

describe('engine on both kernel paths', () => {
  const saved = { ...thresholds };
  let wasmCalls = 0;

  /** Runs fn with the WebAssembly kernels installed and every threshold 0, counting calls that reached WebAssembly. */
  function onWasm<T>(fn: () => T): T {
    const mod = loadKernelModule('auto');
    assert.ok(mod, 'WebAssembly SIMD must be available in Node 20+');
    const reserve = mod.reserve;
    mod.reserve = (bytes: number) => {
      wasmCalls++;
      return reserve(bytes);
    };
    assert.ok(tf.setKernelBackend('wasm'));
    Object.assign(thresholds, { matmul: 0, elementwise: 0, reduce: 0, window: 0 });
    try {
      return fn();
    } finally {
      mod.reserve = reserve;
      Object.assign(thresholds, saved);
    }
  }

  function onTs<T>(fn: () => T): T {
    tf.setKernelBackend('ts');
    return fn();
  }

  after(() => {
    Object.assign(thresholds, saved);
    installDefaultKernels();
  });

  describe('every differentiable op of the registry: forward and gradient agree (float32)', () => {
    for (const op of ALL_OPS) {
      if (!op.gradient || !op.sample) continue;
      it(op.name, () => {
        const cases = casesOf(op);
        cases.forEach((c, ci) => {
          const ts = onTs(() => forwardBackward(op, c, 1000 + ci));
          const wa = onWasm(() => forwardBackward(op, c, 1000 + ci));
          assert.equal(wa.length, ts.length);
          ts.forEach((t, i) => {
            const w = wa[i];
            assert.equal(w.length, t.length, `${op.name} case ${ci} output ${i}: length`);
            const scale = Math.max(1, ...Array.from(t, Math.abs));
            for (let k = 0; k < t.length; k++) {
              if (Number.isNaN(t[k])) assert.ok(Number.isNaN(w[k]), `${op.name} case ${ci} [${i}][${k}]: NaN expected`);
              else assert.ok(Math.abs(w[k] - t[k]) <= 1e-5 * scale, `${op.name} case ${ci} ${JSON.stringify(c.inputs.map((x) => x.shape))} ` +
                `${i === 0 ? 'value' : `gradient ${i}`}[${k}]: wasm ${w[k]} vs ts ${t[k]}`);
            }
          });
        });
      });
    }
    it('sent work to WebAssembly (the comparison above is not TypeScript against itself)', () => {
      assert.ok(wasmCalls > 100, `only ${wasmCalls} kernel calls reached WebAssembly`);
    });
  });

  describe('seed programs print their exact numbers on both paths (default thresholds)', () => {
    for (const backend of ['ts', 'wasm'] as const) {
      it(`01 and 03 on ${backend}`, () => {
        assert.ok(tf.setKernelBackend(backend));
        assert.equal(tf.getKernelBackend().backend, backend);
        const input = tf.constant([[1.0, 2.0]]);
        const weights = tf.variable([[0.25], [0.15]]);
        const tape = new tf.GradientTape();
        const loss = tape.record(() => tf.math.squaredDifference(tf.constant(0.75), tf.linalg.matmul(input, weights)));
        assert.deepEqual(tape.gradient(loss, weights)!.arraySync(), [[Math.fround(-0.39999998)], [Math.fround(-0.79999995)]]);

        const xs = [[5.0, 2.0], [3.0, 3.0], [4.0, 1.5]];
        const ys = [0.75, 0.5, 0.4];
        const w = tf.variable([[0.55], [0.75]]);
        for (let i = 0; i < 3; i++) {
          const t = new tf.GradientTape();
          const l = t.record(() => tf.math.squaredDifference(tf.constant(ys[i]), tf.linalg.matmul(tf.reshape(tf.constant(xs[i]), [1, 2]), w)));
          w.assignSub(tf.multiply(0.01, t.gradient(l, w)!));
        }
        assert.match(w.toString(), /\[\[0\.02995202\],\n {7}\[0\.47385702\]\]/);
      });
    }
  });

  describe('an MLP step (64×784-256-10) on both paths', () => {
    function step(): number[][] {
      const r = lcg(5);
      const rnd = (n: number, s: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * s);
      const x = tf.constant(rnd(64 * 784, 1), 'float32', [64, 784]);
      const labels = tf.oneHot(tf.constant(Int32Array.from({ length: 64 }, (_, i) => i % 10), 'int32', [64]), 10);
      const w1 = tf.variable(tf.constant(rnd(784 * 256, 0.05), 'float32', [784, 256]));
      const b1 = tf.variable(tf.constant(rnd(256, 0.1), 'float32', [256]));
      const w2 = tf.variable(tf.constant(rnd(256 * 10, 0.1), 'float32', [256, 10]));
      const tape = new tf.GradientTape();
      const loss = tape.record(() => {
        const h = tf.relu(tf.add(tf.matmul(x, w1), b1));
        return tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits: tf.matmul(h, w2) }));
      });
      const grads = tape.gradient(loss, [w1, b1, w2]) as Tensor[];
      return [loss, ...grads].map((t) => Array.from(t.dataSync() as ArrayLike<number>));
    }
    it('gives the same loss and gradients to 1e-5 with the default thresholds', () => {
      let calls = 0;
      const ts = onTs(step);
      tf.setKernelBackend('wasm');
      const mod = loadKernelModule('auto')!;
      const reserve = mod.reserve;
      mod.reserve = (b: number) => (calls++, reserve(b));
      const wa = step();
      mod.reserve = reserve;
      assert.ok(calls >= 3, 'the 64×784×256 products go to WebAssembly');
      ts.forEach((t, i) => {
        const scale = t.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        t.forEach((v, k) => assert.ok(Math.abs(wa[i][k] - v) <= 1e-5 * scale, `tensor ${i}[${k}]: ${wa[i][k]} vs ${v}`));
      });
    });
  });

  describe('GRADTAPE_KERNELS', () => {
    const envBefore = process.env.GRADTAPE_KERNELS;
    afterEach(() => {
      if (envBefore === undefined) delete process.env.GRADTAPE_KERNELS;
      else process.env.GRADTAPE_KERNELS = envBefore;
      Object.assign(thresholds, saved);
      forgetKernelModule();
      installDefaultKernels();
    });
    it('ts keeps every kernel on TypeScript', () => {
      process.env.GRADTAPE_KERNELS = 'ts';
      installDefaultKernels();
      assert.deepEqual(tf.getKernelBackend(), { backend: 'ts' });
      for (const k of Object.keys(jsKernels) as (keyof typeof jsKernels)[]) assert.equal(kernels[k], jsKernels[k], k);
    });
    it('wasm-simd never takes the relaxed-SIMD variant', () => {
      process.env.GRADTAPE_KERNELS = 'wasm-simd';
      forgetKernelModule();
      installDefaultKernels();
      assert.deepEqual(tf.getKernelBackend(), { backend: 'wasm', flavor: 'simd' });
    });
    it('wasm-all sends small elementwise work to WebAssembly but keeps matmul\'s numerics threshold', () => {
      process.env.GRADTAPE_KERNELS = 'wasm-all';
      installDefaultKernels();
      assert.equal(thresholds.elementwise, 0);
      assert.equal(thresholds.reduce, 0);
      assert.equal(thresholds.matmul, saved.matmul);
      assert.equal(tf.getKernelBackend().backend, 'wasm');
    });
    it('the default compiles the module only when work crosses a threshold', () => {
      delete process.env.GRADTAPE_KERNELS;
      forgetKernelModule();
      const Module = WebAssembly.Module;
      let compiled = 0;
      WebAssembly.Module = new Proxy(Module, { construct: (target, args) => (compiled++, new target(...(args as [BufferSource]))) });
      try {
        installDefaultKernels();
        tf.add(tf.constant([1, 2, 3]), tf.constant([4, 5, 6]));
        tf.matmul(tf.ones([8, 8]), tf.ones([8, 8]));
        assert.equal(compiled, 0, 'small work compiles nothing');
        tf.add(tf.ones([1024]), tf.ones([1024]));
        assert.equal(compiled, 1, 'the first large call compiles the module once');
      } finally {
        WebAssembly.Module = Module;
      }
    });
  });

  describe('without WebAssembly SIMD', () => {
    const validate = WebAssembly.validate;
    beforeEach(() => {
      forgetKernelModule();
      WebAssembly.validate = () => false;
    });
    afterEach(() => {
      WebAssembly.validate = validate;
      forgetKernelModule();
      installDefaultKernels();
    });

    it('setKernelBackend("wasm") reports false and keeps the TypeScript kernels', () => {
      assert.equal(tf.setKernelBackend('wasm'), false);
      assert.equal(tf.getKernelBackend().backend, 'ts');
      for (const k of Object.keys(jsKernels) as (keyof typeof jsKernels)[]) assert.equal(kernels[k], jsKernels[k], k);
    });

    it('the default (lazy) install runs large work on the TypeScript kernels, with correct results', () => {
      installDefaultKernels();
      const a = tf.constant(Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 7) - 3), 'float32', [64, 64]);
      const b = tf.constant(Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 5) - 2), 'float32', [64, 64]);
      const c = tf.matmul(a, b).dataSync();
      // Small integers: every path gives the exact product.
      const av = a.dataSync();
      const bv = b.dataSync();
      for (const [i, j] of [[0, 0], [17, 40], [63, 63]]) {
        let s = 0;
        for (let p = 0; p < 64; p++) s += av[i * 64 + p] * bv[p * 64 + j];
        assert.equal(c[i * 64 + j], s);
      }
      assert.equal(tf.getKernelBackend().backend, 'ts');
      assert.equal(tf.add(a, b).dataSync()[5], av[5] + bv[5]);
    });
  });
});
