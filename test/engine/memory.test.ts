/**
 * Issue 3's memory clause: a non-persistent tape drops its nodes after gradient(), so what it
 * recorded becomes garbage, and a 1,000-step training loop runs in flat memory.
 *
 * `gc` comes from V8 itself (--expose-gc set at runtime, then read from a fresh context), so the
 * test needs no mocha flag.
 */
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '../../src/engine/index';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** WeakRefs keep their target until the current job ends: collect on a later turn. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** Records y = Σ tanh(x·w) on `tape`, takes ∂y/∂w, and returns weak references to the intermediates. */
function step(tape: tf.GradientTape, w: tf.Variable): WeakRef<tf.Tensor>[] {
  const refs: WeakRef<tf.Tensor>[] = [];
  const y = tape.record(() => {
    const h = tf.matmul(tf.ones([4, 8]), w);
    const a = tf.tanh(h);
    refs.push(new WeakRef(h), new WeakRef(a));
    return tf.reduceSum(a);
  });
  refs.push(new WeakRef(y));
  assert.ok(tape.gradient(y, w));
  return refs;
}

describe('memory', () => {
  it('a non-persistent tape drops its nodes after gradient(): what it recorded is collectable while the tape lives', async () => {
    const w = tf.variable(tf.ones([8, 3]));
    const tape = new tf.GradientTape();
    const refs = step(tape, w);
    assert.equal(tape.nodes.length, 0);
    await collect();
    assert.deepEqual(refs.map((r) => r.deref() === undefined), [true, true, true]);
    assert.ok(tape); // the tape itself is still referenced here
  });

  it('a persistent tape keeps them until it is dropped (so the check above can fail)', async () => {
    const w = tf.variable(tf.ones([8, 3]));
    let tape: tf.GradientTape | null = new tf.GradientTape({ persistent: true });
    const refs = step(tape, w);
    assert.ok(tape.nodes.length > 0);
    await collect();
    assert.deepEqual(refs.map((r) => r.deref() === undefined), [false, false, false]);
    tape = null;
    await collect();
    assert.deepEqual(refs.map((r) => r.deref() === undefined), [true, true, true]);
  });

  it('a training loop runs in flat memory: heap and array buffers after gc, sampled over 1,500 steps after a 1,000-step warm-up', async () => {
    const x = tf.random.normal([32, 16], { seed: 1 });
    const labels = tf.oneHot(tf.constant(Array.from({ length: 32 }, (_, i) => i % 4), 'int32'), 4);
    const w1 = tf.variable(tf.random.normal([16, 16], { stddev: 0.1, seed: 2 }));
    const w2 = tf.variable(tf.random.normal([16, 4], { stddev: 0.1, seed: 3 }));
    // GRADTAPE_MEMORY_TEST_LEAK=1 keeps each step's hidden layer (2 kB), to see the test fail.
    const leak = process.env.GRADTAPE_MEMORY_TEST_LEAK ? ([] as tf.Tensor[]) : null;
    const heap: number[] = [];
    for (let i = 1; i <= 2500; i++) {
      const tape = new tf.GradientTape();
      const loss = tape.record(() => {
        const hidden = tf.relu(tf.matmul(x, w1));
        leak?.push(hidden);
        return tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits: tf.matmul(hidden, w2) }));
      });
      const [g1, g2] = tape.gradient(loss, [w1, w2]);
      w1.assignSub(tf.multiply(0.1, g1));
      w2.assignSub(tf.multiply(0.1, g2));
      if (i >= 1000 && i % 250 === 0) {
        await collect();
        // Typed-array storage lives outside the JS heap: count both.
        const { heapUsed, arrayBuffers } = process.memoryUsage();
        heap.push(heapUsed + arrayBuffers);
      }
    }
    // Medians of the first and last three samples (1,000 steps apart) smooth out GC noise; the
    // warm-up lets V8 settle (the heap steps up by up to ~0.5 MB early on, then stays flat).
    const median3 = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[1];
    const growth = (median3(heap.slice(-3)) - median3(heap.slice(0, 3))) / 1e6;
    // Any per-step retention of a step's tensors (a node list, an adjoint, a cache) adds MBs: keeping
    // only the [32, 16] hidden layer (~2.3 kB) adds ~2.3 MB over those steps.
    assert.ok(growth < 1, `heap grew ${growth.toFixed(3)} MB over 1,000 steps: ${heap.map((h) => (h / 1e6).toFixed(2)).join(', ')} MB`);
  });
});
