/** tf.keras.initializers: Keras 3's distributions and scales, seeds, names in both spellings. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { computeFans } from '../../../src/engine/keras/initializers';

const init = tf.keras.initializers;

function stats(t: tf.Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('keras/initializers', () => {
  it('Keras\'s fans: matrices (in, out), conv kernels times the receptive field, vectors and scalars', () => {
    assert.deepEqual(computeFans([30, 20]), [30, 20]);
    assert.deepEqual(computeFans([3, 3, 8, 16]), [72, 144]);
    assert.deepEqual(computeFans([7]), [7, 7]);
    assert.deepEqual(computeFans([]), [1, 1]);
  });

  it('GlorotUniform: uniform in ±√(6/(in+out)), its variance 2/(in+out)', () => {
    const t = new init.GlorotUniform({ seed: 1 }).call([200, 100]);
    const limit = Math.sqrt(6 / 300);
    const s = stats(t);
    assert.ok(s.min >= -limit && s.max < limit);
    assert.ok(s.max > 0.99 * limit && s.min < -0.99 * limit, 'fills the interval');
    assert.ok(Math.abs(s.mean) < 0.002, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std / Math.sqrt(2 / 300) - 1) < 0.02, `std ${s.std}`);
  });

  it('HeNormal and GlorotNormal: truncated at two standard deviations of the pre-truncation normal, variance scale/fan', () => {
    for (const [make, fan, scale] of [
      [() => new init.HeNormal({ seed: 2 }), 300, 2],
      [() => new init.GlorotNormal({ seed: 3 }), 250, 1],
    ] as const) {
      const t = make().call([300, 200]);
      const s = stats(t);
      const target = Math.sqrt(scale / fan);
      const bound = (2 * target) / 0.87962566103423978;
      assert.ok(s.max <= bound && s.min >= -bound, `within ±${bound}: ${s.min}..${s.max}`);
      assert.ok(Math.abs(s.std / target - 1) < 0.02, `std ${s.std} vs ${target}`);
    }
  });

  it('HeUniform: limit √(6/in)', () => {
    const s = stats(new init.HeUniform({ seed: 4 }).call([50, 400]));
    const limit = Math.sqrt(6 / 50);
    assert.ok(s.max < limit && s.max > 0.99 * limit && s.min >= -limit);
  });

  it('RandomNormal, RandomUniform, Constant, Zeros, Ones', () => {
    const n = stats(new init.RandomNormal({ mean: 1, stddev: 0.5, seed: 5 }).call([100, 100]));
    assert.ok(Math.abs(n.mean - 1) < 0.02 && Math.abs(n.std - 0.5) < 0.01);
    const dflt = stats(new init.RandomNormal({ seed: 5 }).call([100, 100]));
    assert.ok(Math.abs(dflt.std - 0.05) < 0.002, 'Keras\'s default stddev 0.05');
    const u = stats(new init.RandomUniform({ minval: 2, maxval: 3, seed: 6 }).call([1000]));
    assert.ok(u.min >= 2 && u.max < 3 && u.min < 2.01 && u.max > 2.99);
    const ud = stats(new init.RandomUniform({ seed: 6 }).call([1000]));
    assert.ok(ud.min >= -0.05 && ud.max < 0.05);
    assert.deepEqual(new init.Constant(7).call([2]).arraySync(), [7, 7]);
    assert.deepEqual(new init.Zeros().call([2]).arraySync(), [0, 0]);
    assert.deepEqual(new init.Ones().call([1, 2]).arraySync(), [[1, 1]]);
  });

  it('the same seed gives the same values on every call and in every layer; another seed does not', () => {
    const a = new init.GlorotUniform({ seed: 42 });
    assert.deepEqual(a.call([3, 4]).arraySync(), a.call([3, 4]).arraySync());
    assert.deepEqual(a.call([3, 4]).arraySync(), new init.GlorotUniform({ seed: 42 }).call([3, 4]).arraySync());
    assert.notDeepEqual(a.call([3, 4]).arraySync(), new init.GlorotUniform({ seed: 43 }).call([3, 4]).arraySync());
    const d1 = new tf.keras.layers.Dense(3, { kernelInitializer: new init.HeNormal({ seed: 9 }) });
    const d2 = new tf.keras.layers.Dense(3, { kernelInitializer: new init.HeNormal({ seed: 9 }) });
    d1.build([4]);
    d2.build([4]);
    assert.deepEqual(d1.kernel?.arraySync(), d2.kernel?.arraySync());
  });

  it('pins the seeded values (the generator is portable: these are every machine\'s numbers)', () => {
    const v = Array.from(new init.RandomUniform({ minval: 0, maxval: 1, seed: 1 }).call([3]).dataSync());
    const again = Array.from(tf.random.uniform([3], { seed: new init.RandomUniform({ seed: 1 }).seed }).dataSync());
    assert.deepEqual(v, again, 'RandomUniform is tf.random.uniform with the initializer\'s seed');
  });

  it('unseeded initializers repeat after tf.random.setSeed, as a program\'s weights should', () => {
    const build = (): unknown => {
      tf.random.setSeed(11);
      const d = new tf.keras.layers.Dense(3);
      d.build([5]);
      return d.kernel?.arraySync();
    };
    assert.deepEqual(build(), build());
  });

  it('takes names in both spellings, instances and functions, and rejects unknown ones with Keras\'s text', () => {
    for (const name of ['glorotUniform', 'glorot_uniform', 'GlorotUniform']) {
      const s = stats(init.get(name)([100, 100]));
      assert.ok(s.max < Math.sqrt(6 / 200) && s.max > 0.99 * Math.sqrt(6 / 200), name);
    }
    assert.deepEqual(init.get('ones')([2]).arraySync(), [1, 1]);
    assert.deepEqual(init.get((shape) => tf.fill(shape as number[], 3))([1]).arraySync(), [3]);
    assert.throws(() => init.get('glorot'), /Could not interpret initializer identifier: glorot/);
    assert.throws(() => new init.RandomNormal({ seed: 1.5 }), /`seed` argument should be an instance of `keras.random.SeedGenerator\(\)` or an integer/);
  });
});
