// While an observer is attached every op output keeps its inputs as its origin (labels, null
// gradient explanations), so a chain computed outside any tape (`x = tf.add(x, 1)` for ever)
// kept every tensor it made alive: ~1 KB per op until the memory limit. The chain is cut every
// ORIGIN_DEPTH ops (src/engine/op.ts OpDebug).
import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '../../src/engine/index';
import { setObserver, type EngineObserver } from '../../src/engine/observer';
import { ORIGIN_DEPTH } from '../../src/engine/op';
import type { Tensor } from '../../src/engine/tensor';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An observer that keeps nothing. */
const quiet: EngineObserver = {
  locate: () => undefined,
  tapeCreated() {},
  recordEntered() {},
  recordExited() {},
  watched() {},
  opRan() {},
  tensorCreated() {},
  variableAssigned() {},
  valueRead() {},
  gradientComputed() {},
  callStarted() {},
  callEnded() {},
  summary() {},
  warning() {},
  tapeReset() {},
};

describe('engine: origins of a long chain outside any tape', () => {
  afterEach(() => setObserver(null));

  it(`keep at most ${ORIGIN_DEPTH} ops of the chain alive, and the nearest origins whole`, async () => {
    setObserver(quiet);
    let x: Tensor = tf.constant(1);
    const early: WeakRef<Tensor>[] = [];
    for (let i = 0; i < 3 * ORIGIN_DEPTH + 100; i++) {
      x = tf.add(x, 1);
      if (i < 10) early.push(new WeakRef(x));
    }
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    assert.equal(early.filter((r) => r.deref() !== undefined).length, 0, 'the first tensors of the chain are collected');
    // The latest origins (100 ops past the last cut) are whole: x ← Add ← x' ← Add ← …
    let t: Tensor = x;
    for (let d = 0; d < 10; d++) {
      const origin: { op: string; inputs: readonly Tensor[] } | undefined = t._debug?.origin;
      assert.equal(origin?.op, 'Add');
      assert.equal(origin.inputs.length, 2);
      t = origin.inputs[0];
    }
    assert.equal(x.dataSync()[0], 3 * ORIGIN_DEPTH + 101);
  });
});
