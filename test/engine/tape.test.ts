/** GradientTape semantics (API.md "GradientTape"), one test per rule. */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';
import { defineOp } from '../../src/engine/op';
import { resetWarningCounts } from '../../src/engine/tape';
import { Tensor } from '../../src/engine/tensor';

const values = (t: tf.Tensor | null): number[] => {
  assert.ok(t, 'expected a gradient, got null');
  return Array.from(t.dataSync());
};
const close = (a: number[], b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length, `lengths ${a.length} vs ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `element ${i}: ${v} vs ${b[i]}`));
};

describe('GradientTape', () => {
  describe('recording rule', () => {
    it('records an op only when one of its inputs is watched', () => {
      const c = tf.constant(2);
      const x = tf.constant(3);
      const tape = new tf.GradientTape();
      tape.record(() => {
        tf.multiply(c, c); // nothing watched: not recorded
        tape.watch(x);
        const y = tf.multiply(x, c); // recorded
        tf.add(y, 1); // input is a recorded output: recorded
      });
      assert.deepEqual(tape.nodes.map((n) => n.op.name), ['Mul', 'Add']);
    });

    it('watches trainable variables read inside record automatically', () => {
      const v = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.multiply(v, v));
      assert.deepEqual(tape.watchedVariables(), [v]);
      close(values(tape.gradient(y, v)), [6]);
    });

    it('does not watch constants: their gradient is null', () => {
      const c = tf.constant(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.multiply(c, c));
      assert.equal(tape.gradient(y, c), null);
    });

    it('tape.watch makes a constant (or a list of them) a source', () => {
      const a = tf.constant(3);
      const b = tf.constant(4);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch([a, b]);
        return tf.multiply(a, b);
      });
      const [da, db] = tape.gradient(y, [a, b]);
      close(values(da), [4]);
      close(values(db), [3]);
    });

    it('watchAccessedVariables: false watches only what tape.watch names', () => {
      const v = tf.variable(3);
      const w = tf.variable(5);
      const tape = new tf.GradientTape({ watchAccessedVariables: false });
      const y = tape.record(() => {
        tape.watch(w);
        return tf.multiply(v, w);
      });
      assert.deepEqual(tape.watchedVariables(), [w]);
      const [dv, dw] = tape.gradient(y, [v, w]);
      assert.equal(dv, null);
      close(values(dw), [3]);
    });

    it('trainable: false variables are not watched automatically', () => {
      const v = tf.variable(3, { trainable: false });
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(v));
      assert.equal(tape.gradient(y, v), null);
      assert.equal(v.trainable, false);
    });

    it('a trainable: false variable can still be watched explicitly', () => {
      const v = tf.variable(3, { trainable: false });
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(v);
        return tf.square(v);
      });
      assert.deepEqual(tape.watchedVariables(), [v]);
      close(values(tape.gradient(y, v)), [6]);
    });

    it('stopRecording: ops inside it are not recorded', () => {
      const v = tf.variable(2);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tape.stopRecording(() => tf.square(v)));
      assert.equal(tape.gradient(y, v), null);
      assert.throws(() => tape.stopRecording(() => 0), tf.errors.RuntimeError);
    });

    it('stopRecording stops every tape on the thread, as TF: an outer tape records nothing inside either', () => {
      const x = tf.constant(3);
      const outer = new tf.GradientTape({ persistent: true });
      const inner = new tf.GradientTape({ persistent: true });
      let paused!: tf.Tensor;
      let after!: tf.Tensor;
      outer.record(() => {
        outer.watch(x);
        inner.record(() => {
          inner.watch(x);
          paused = inner.stopRecording(() => tf.square(x));
          after = tf.multiply(x, 5); // both tapes record again afterwards
        });
      });
      assert.equal(outer.gradient(paused, x), null);
      assert.equal(inner.gradient(paused, x), null);
      close(values(outer.gradient(after, x)), [5]);
      close(values(inner.gradient(after, x)), [5]);
    });

    it('a tape or accumulator entered inside stopRecording records nothing there, as TF\'s thread-wide stop; one still open when it ends records from then on', () => {
      const x = tf.constant(3);
      const v = tf.variable(2);
      const outer = new tf.GradientTape();
      const late = new tf.GradientTape({ persistent: true });
      let inside!: tf.Tensor;
      let after!: tf.Tensor;
      let jvpInside: tf.Tensor | null = null;
      outer.record(() => {
        outer.stopRecording(() => {
          const t = new tf.GradientTape();
          const y = t.record(() => {
            t.watch(x);
            return tf.square(x);
          });
          assert.equal(t.gradient(y, x), null, 'a tape entered inside a stop records nothing');
          const acc = new tf.autodiff.ForwardAccumulator(x, tf.constant(1));
          jvpInside = acc.record(() => acc.jvp(tf.square(x)));
          late.enter();
          late.watch(x);
          inside = tf.multiply(x, v);
        });
        after = tf.multiply(x, x); // late is still open: it records now
        late.exit();
      });
      assert.equal(jvpInside, null, 'an accumulator entered inside a stop computes no JVP');
      assert.equal(late.gradient(inside, x), null);
      close(values(late.gradient(after, x)), [6]);
      // The stop ended cleanly: a new tape records as usual.
      const t2 = new tf.GradientTape();
      close(values(t2.gradient(t2.record(() => tf.square(v)), v)), [4]);
    });

    it('customGradient runs f under the thread-wide stop: a tape entered inside f records nothing', () => {
      const x = tf.constant(2);
      let innerGrad: tf.Tensor | null | undefined;
      const f = tf.customGradient((a: tf.Tensor) => {
        const t = new tf.GradientTape();
        const y = t.record(() => {
          t.watch(a);
          return tf.square(a);
        });
        innerGrad = t.gradient(y, a);
        return [y, (dy: tf.Tensor) => tf.multiply(dy, 10)];
      });
      const tape = new tf.GradientTape();
      const out = tape.record(() => {
        tape.watch(x);
        return f(x);
      });
      assert.equal(innerGrad, null);
      close(values(tape.gradient(out, x)), [10]);
    });

    it('reset drops what was recorded; recording continues afterwards', () => {
      const v = tf.variable(2);
      const tape = new tf.GradientTape({ persistent: true });
      let before!: tf.Tensor;
      const after = tape.record(() => {
        before = tf.square(v);
        tape.reset();
        return tf.multiply(v, 5);
      });
      assert.equal(tape.gradient(before, v), null);
      close(values(tape.gradient(after, v)), [5]);
    });

    it('after reset, an op on an output recorded before it is not recorded (the outputs are forgotten too)', () => {
      const x = tf.constant(2);
      const tape = new tf.GradientTape({ persistent: true });
      tape.record(() => {
        tape.watch(x);
        const y = tf.square(x);
        tape.reset();
        tf.multiply(y, 3);
      });
      assert.equal(tape.nodes.length, 0);
    });

    it('a non-persistent tape used once and entered again does not watch its first recording\'s outputs', () => {
      const x = tf.constant(2);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        return tf.square(x);
      });
      close(values(tape.gradient(y, x)), [4]);
      const z = tape.record(() => tf.multiply(y, 3));
      assert.equal(tape.nodes.length, 0);
      assert.equal(tape.gradient(z, y), null);
    });

    it('nested tapes both record an op on what both watch, and each follows its outputs', () => {
      const x = tf.constant(3);
      const outer = new tf.GradientTape();
      const inner = new tf.GradientTape({ persistent: true });
      const [y, z] = outer.record(() => {
        outer.watch(x);
        return inner.record(() => {
          inner.watch(x);
          const y = tf.multiply(x, x);
          return [y, tf.multiply(y, 3)];
        });
      });
      assert.deepEqual(inner.nodes.map((n) => n.output), [y, z]);
      assert.deepEqual(outer.nodes.map((n) => n.output), [y, z]);
      close(values(inner.gradient(z, x)), [18]);
      close(values(outer.gradient(z, x)), [18]);
    });

    it('record may be entered again to record more, but not while already recording', () => {
      const v = tf.variable(2);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(v));
      const z = tape.record(() => tf.multiply(y, 3));
      close(values(tape.gradient(z, v)), [12]);
      const t2 = new tf.GradientTape();
      assert.throws(() => t2.record(() => t2.record(() => 0)), tf.errors.RuntimeError);
    });
  });

  describe('gradient()', () => {
    it('returns the structure of sources: tensor, array, object, nested', () => {
      const a = tf.variable(1);
      const b = tf.variable(2);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => tf.multiply(a, b));
      close(values(tape.gradient(y, a)), [2]);
      const arr = tape.gradient(y, [a, b]);
      assert.ok(Array.isArray(arr) && arr.length === 2);
      const obj = tape.gradient(y, { first: a, rest: [b] });
      close(values(obj.first), [2]);
      close(values(obj.rest[0]), [1]);
    });

    it('a non-scalar target gives the gradient of its sum', () => {
      const x = tf.variable([1, 2, 3]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      close(values(tape.gradient(y, x)), [2, 4, 6]);
    });

    it('a list of targets gives the gradient of their sum', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const [y1, y2] = tape.record(() => [tf.square(x), tf.multiply(x, 4)]);
      close(values(tape.gradient([y1, y2], x)), [10]);
    });

    it('accumulates where a tensor fans out', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.add(tf.multiply(x, x), x));
      close(values(tape.gradient(y, x)), [7]);
    });

    it('sums broadcast gradients back to each input shape', () => {
      const a = tf.variable([[1], [2], [3]]);
      const b = tf.variable([[10, 20, 30, 40]]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.reduceSum(tf.add(a, b)));
      const [da, db] = tape.gradient(y, [a, b]);
      assert.deepEqual(da!.arraySync(), [[4], [4], [4]]);
      assert.deepEqual(db!.arraySync(), [[3, 3, 3, 3]]);
    });

    it('unconnected sources are null, or zeros with unconnectedGradients: "zero"', () => {
      const x = tf.variable(3);
      const u = tf.variable([1, 2]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => {
        tf.square(u);
        return tf.square(x);
      });
      assert.equal(tape.gradient(y, u), null);
      assert.deepEqual(tape.gradient(y, u, { unconnectedGradients: 'zero' })!.arraySync(), [0, 0]);
    });

    it('integer and bool sources get null, with TensorFlow\'s warnings (watched, target, source dtype)', () => {
      const i = tf.constant([1, 2], 'int32');
      const b = tf.constant([true, false]);
      const warnings: string[] = [];
      const original = console.warn;
      console.warn = (m: string) => warnings.push(m);
      resetWarningCounts();
      try {
        const tape = new tf.GradientTape({ persistent: true });
        const [y, z] = tape.record(() => {
          tape.watch([i, b]);
          return [tf.add(tf.cast(i, 'float32'), tf.cast(b, 'float32')), tf.multiply(i, i)];
        });
        assert.deepEqual(tape.gradient(y, [i, b], { unconnectedGradients: 'none' }), [null, null]);
        assert.equal(tape.gradient(z, i), null);
      } finally {
        console.warn = original;
      }
      assert.deepEqual(warnings, [
        'WARNING:gradtape:The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32',
        'WARNING:gradtape:The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.bool',
        'WARNING:gradtape:The dtype of the source tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.int32',
        'WARNING:gradtape:The dtype of the source tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.bool',
        'WARNING:gradtape:The dtype of the target tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.int32',
        'WARNING:gradtape:The dtype of the source tensor must be floating (e.g. tf.float32) when calling GradientTape.gradient, got tf.int32',
      ]);
    });

    it('each dtype warning text is printed at most 5 times (TensorFlow\'s log_first_n), so loops do not flood', () => {
      const warnings: string[] = [];
      const original = console.warn;
      console.warn = (m: string) => warnings.push(m);
      resetWarningCounts();
      try {
        for (let k = 0; k < 10; k++) {
          const tape = new tf.GradientTape();
          tape.record(() => tape.watch(tf.constant([1], 'int32')));
        }
      } finally {
        console.warn = original;
      }
      assert.deepEqual(warnings, Array(5).fill('WARNING:gradtape:The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32'));
    });

    it('stopGradient blocks the path (null, not zeros); identity passes it', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape({ persistent: true });
      const [blocked, passed] = tape.record(() => [tf.square(tf.stopGradient(x)), tf.square(tf.identity(x))]);
      assert.equal(tape.gradient(blocked, x), null);
      close(values(tape.gradient(passed, x)), [6]);
    });

    it('a value that leaves the engine and comes back as a constant breaks the path', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        const sq = tf.square(x);
        const back = tf.constant(sq.arraySync() as number);
        return tf.multiply(back, 2);
      });
      assert.equal(tape.gradient(y, x), null);
    });

    it('outputGradients seeds the backward pass', () => {
      const x = tf.variable([1, 2]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      close(values(tape.gradient(y, x, { outputGradients: tf.constant([10, 100]) })), [20, 400]);
    });

    it('a non-persistent tape answers once, then throws TensorFlow\'s RuntimeError, and drops its nodes', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      assert.ok(tape.nodes.length > 0);
      tape.gradient(y, x);
      assert.equal(tape.nodes.length, 0);
      assert.throws(
        () => tape.gradient(y, x),
        (e: unknown) =>
          e instanceof tf.errors.RuntimeError &&
          e.message === 'A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)',
      );
    });

    it('a persistent tape answers any number of times', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => tf.square(x));
      for (let i = 0; i < 3; i++) close(values(tape.gradient(y, x)), [6]);
    });

    it('gradient of an intermediate tensor', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape({ persistent: true });
      let h!: tf.Tensor;
      const y = tape.record(() => {
        h = tf.square(x);
        return tf.multiply(h, 5);
      });
      close(values(tape.gradient(y, h)), [5]);
    });
  });

  describe('higher order', () => {
    it('nested tapes give 2nd and 3rd derivatives (x³ → 3x², 6x, 6)', () => {
      const x = tf.variable(2);
      const t3 = new tf.GradientTape();
      const t2 = new tf.GradientTape();
      const t1 = new tf.GradientTape();
      const d2 = t3.record(() =>
        t2.record(() => {
          const y = t1.record(() => tf.multiply(tf.multiply(x, x), x));
          const d1 = t1.gradient(y, x)!;
          close(values(d1), [12]);
          return t2.gradient(d1, x)!;
        }),
      );
      close(values(d2), [12]);
      close(values(t3.gradient(d2, x)), [6]);
    });

    it('a persistent tape differentiates its own gradient when asked inside record', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape({ persistent: true });
      const dy = tape.record(() => {
        const y = tf.pow(x, 3);
        return tape.gradient(y, x)!;
      });
      close(values(tape.gradient(dy, x)), [18]);
    });

    it('a non-persistent tape stops recording when gradient() is called inside record', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      tape.record(() => {
        const y = tf.square(x);
        tape.gradient(y, x);
        tf.square(x);
      });
      assert.equal(tape.nodes.length, 0);
    });
  });

  describe('jacobian and batchJacobian', () => {
    it('jacobian has shape target.shape + source.shape', () => {
      const x = tf.variable([1, 2, 3]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      const j = tape.jacobian(y, x)!;
      assert.deepEqual(j.shape, [3, 3]);
      assert.deepEqual(j.arraySync(), [[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
    });

    it('jacobian of an unconnected source is null, zeros with "zero"', () => {
      const x = tf.variable([1, 2]);
      const u = tf.variable([5]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => {
        tf.square(u);
        return tf.square(x);
      });
      assert.equal(tape.jacobian(y, u), null);
      assert.deepEqual(tape.jacobian(y, u, { unconnectedGradients: 'zero' })!.arraySync(), [[0], [0]]);
    });

    it('batchJacobian keeps the per-example blocks', () => {
      const x = tf.variable([[1, 2], [3, 4]]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.multiply(x, tf.constant([[1, 10], [100, 1000]])));
      const j = tape.batchJacobian(y, x)!;
      assert.deepEqual(j.shape, [2, 2, 2]);
      assert.deepEqual(j.arraySync(), [[[1, 0], [0, 10]], [[100, 0], [0, 1000]]]);
    });

    it('a jacobian can be differentiated by an outer tape (Hessian of Σx³)', () => {
      const x = tf.variable([1, 2]);
      const outer = new tf.GradientTape();
      const inner = new tf.GradientTape();
      const g = outer.record(() => {
        const y = inner.record(() => tf.reduceSum(tf.pow(x, 3)));
        return inner.gradient(y, x)!;
      });
      assert.deepEqual(outer.jacobian(g, x)!.arraySync(), [[6, 0], [0, 12]]);
    });
  });

  describe('customGradient', () => {
    it('uses the supplied gradient function', () => {
      const clipGrad = tf.customGradient((x: Tensor) => [tf.identity(x), (dy: Tensor) => tf.clipByValue(dy, -0.5, 0.5)]);
      const x = tf.variable([1, 2]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.multiply(clipGrad(x), tf.constant([3, 0.1])));
      // f ran with recording stopped: one CustomGradient node, not the Identity inside it.
      assert.deepEqual(tape.nodes.map((n) => n.op.name), ['CustomGradient', 'Mul']);
      close(values(tape.gradient(y, x)), [0.5, 0.1]);
    });

    it('numerically stable log(1 + eˣ) from TensorFlow\'s docs, differentiated twice', () => {
      const log1pexp = tf.customGradient((x: Tensor) => {
        const e = tf.exp(x);
        return [tf.log(tf.add(1, e)), (dy: Tensor) => tf.multiply(dy, tf.subtract(1, tf.divide(1, tf.add(1, e))))];
      });
      const x = tf.variable(100);
      const tape = new tf.GradientTape();
      const y = tape.record(() => log1pexp(x));
      close(values(tape.gradient(y, x)), [1]);
    });
  });

  describe('customGradient: TensorFlow\'s signature', () => {
    it('f returns [y, gradFn]; gradFn(dy) returns one gradient per input', () => {
      // y = a·b with the gradients swapped on purpose, so the custom rule is visibly the one used.
      const swapped = tf.customGradient((a: Tensor, b: Tensor) => [tf.multiply(a, b), (dy: Tensor) => [tf.multiply(dy, a), tf.multiply(dy, b)]]);
      const a = tf.variable(2);
      const b = tf.variable(7);
      const tape = new tf.GradientTape();
      const y = tape.record(() => swapped(a, b));
      close(values(y), [14]);
      const [da, db] = tape.gradient(y, [a, b]);
      close(values(da), [2]);
      close(values(db), [7]);
    });

    it('a null entry gives that input no gradient', () => {
      const f = tf.customGradient((a: Tensor, b: Tensor) => [tf.add(a, b), (dy: Tensor) => [dy, null]]);
      const a = tf.variable(1);
      const b = tf.variable(1);
      const tape = new tf.GradientTape();
      const y = tape.record(() => f(a, b));
      const [da, db] = tape.gradient(y, [a, b]);
      close(values(da), [1]);
      assert.equal(db, null);
    });

    it('variables read inside f reach gradFn as { variables }; it returns [inputGrads, variableGrads]', () => {
      const w = tf.variable(3, { name: 'w' });
      let seen: tf.Variable[] = [];
      const scaled = tf.customGradient((x: Tensor) => [
        tf.multiply(x, w),
        (dy: Tensor, { variables }: { variables: tf.Variable[] }) => {
          seen = variables;
          return [tf.multiply(dy, w), [tf.multiply(dy, tf.multiply(x, 100))]]; // ∂/∂w scaled by 100: visibly custom
        },
      ]);
      const x = tf.variable(5);
      const tape = new tf.GradientTape();
      const y = tape.record(() => scaled(x));
      assert.deepEqual(tape.watchedVariables(), [x, w]);
      const [dx, dw] = tape.gradient(y, [x, w]);
      assert.deepEqual(seen, [w]);
      close(values(dx), [3]);
      close(values(dw), [500]);
    });

    it('a gradFn that does not take variables, when f uses one, is TensorFlow\'s TypeError', () => {
      const w = tf.variable(3, { name: 'kernel' });
      const f = tf.customGradient((x: Tensor) => [tf.multiply(x, w), (dy: Tensor) => dy]);
      assert.throws(
        () => f(tf.constant(1)),
        (e: unknown) => e instanceof TypeError && e.message === "@tf.custom_gradient grad_fn must accept keyword argument 'variables', since function uses variables: [kernel:0]",
      );
    });

    it('one gradient per variable, or TensorFlow\'s TypeError', () => {
      const w = tf.variable(3);
      const f = tf.customGradient((x: Tensor) => [tf.multiply(x, w), (dy: Tensor, _o: { variables: tf.Variable[] }) => [dy, []]]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => f(tf.constant(1)));
      assert.throws(() => tape.gradient(y, w), /Must return gradient for each variable from @custom_gradient grad_fn\./);
    });

    it('arguments that are variables are inputs, not captured variables; non-trainable ones are not captured', () => {
      const frozen = tf.variable(2, { trainable: false });
      const f = tf.customGradient((x: Tensor) => [tf.multiply(x, frozen), (dy: Tensor) => tf.multiply(dy, frozen)]);
      const x = tf.variable(4);
      const tape = new tf.GradientTape();
      const y = tape.record(() => f(x));
      close(values(tape.gradient(y, x)), [2]);
    });
  });

  describe('re-entrant backward passes', () => {
    it('a custom gradient that runs its own tape leaves the outer pass intact (d/dx x³ + x = 28 at 3)', () => {
      const sq = tf.customGradient((x: Tensor) => [
        tf.square(x),
        (dy: Tensor) => {
          const t = new tf.GradientTape();
          const y = t.record(() => {
            t.watch(x);
            return tf.square(x);
          });
          return tf.multiply(dy, t.gradient(y, x));
        },
      ]);
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.add(tf.multiply(sq(x), x), x));
      close(values(tape.gradient(y, x)), [28]);
      assert.equal(x._mark, 0);
      assert.equal(x._adj, null);
    });
  });

  describe('adjoints summed in place (a sum of the pass\'s own)', () => {
    it('a sum handed on by Add\'s rule is not added into again: da = 9, db = 5', () => {
      // y's adjoint is a sum the pass made (2 + 3); y = a + b hands it to a and b; a then gets
      // w's 4: summed in place, that would change b's gradient too.
      const a = tf.variable(1);
      const b = tf.variable(2);
      const tape = new tf.GradientTape();
      const t = tape.record(() => {
        const w = tf.multiply(a, 4);
        const y = tf.add(a, b);
        return tf.add(tf.add(tf.multiply(y, 2), tf.multiply(y, 3)), w);
      });
      const [da, db] = tape.gradient(t, [a, b]);
      assert.deepEqual(values(da), [9]);
      assert.deepEqual(values(db), [5]);
    });

    it('a parameter used at every step gets the sum of its uses, to the bit, and a later pass leaves the first\'s result alone', () => {
      // float32 sums in use order, as Add's kernel would: Math.fround per addition.
      const p = tf.variable(0.1);
      const xs = [0.3, -1.7, 2.9, 0.01, 5.5, -0.25];
      const tape = new tf.GradientTape({ persistent: true });
      const s = tape.record(() => xs.reduce<Tensor>((acc, x) => tf.add(acc, tf.multiply(p, x)), tf.constant(0)));
      // The walk goes backwards: the last use's contribution comes first.
      let want = Math.fround(xs[xs.length - 1]);
      for (let i = xs.length - 2; i >= 0; i--) want = Math.fround(want + Math.fround(xs[i]));
      const g1 = tape.gradient(s, p);
      assert.deepEqual(values(g1), [want]);
      const g2 = tape.gradient(s, p);
      assert.notEqual(g1, g2);
      assert.deepEqual(values(g1), [want]);
      assert.deepEqual(values(g2), [want]);
    });

    it('a sum recorded by an outer tape stays an op: second derivatives through repeated uses', () => {
      // f = x·x·x as three uses of x: df/dx = 3x² (sums of x's uses), d²f/dx² = 6x.
      const x = tf.variable(1.5);
      const outer = new tf.GradientTape();
      const d2 = outer.record(() => {
        const inner = new tf.GradientTape();
        const f = inner.record(() => tf.multiply(tf.multiply(x, x), x));
        return inner.gradient(f, x);
      });
      close(values(d2), [6.75]);
      close(values(outer.gradient(d2, x)), [9]);
    });

    it('a tensor whose gradient is asked for keeps its own sum (an intermediate with several uses)', () => {
      const x = tf.variable(2);
      const tape = new tf.GradientTape();
      let h: Tensor = x;
      const s = tape.record(() => {
        h = tf.multiply(x, 3);
        return tf.add(tf.add(tf.multiply(h, h), h), tf.multiply(x, h));
      });
      // s = h² + h + x·h with h = 3x: ∂s/∂h = 2h + 1 + x = 15, ∂s/∂x = 3·15 + h = 51.
      const [dh, dx] = tape.gradient(s, [h, x]);
      assert.deepEqual(values(dh), [15]);
      assert.deepEqual(values(dx), [51]);
    });
  });

  describe('variables assigned between record and gradient', () => {
    it('the gradient uses the value each op read, as TensorFlow (x² at 3 → 6, not 10 after assign(5))', () => {
      const v = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.multiply(v, v));
      v.assign(5);
      close(values(tape.gradient(y, v)), [6]);
      assert.deepEqual(v.arraySync(), 5, 'the variable keeps its new value');
    });

    it('matmul: ∂/∂x uses the weights the forward read, after assignSub', () => {
      const x = tf.variable([[1, 2]]);
      const w = tf.variable([[0.25], [0.15]]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => tf.matmul(x, w));
      w.assignSub([[10], [20]]);
      close(values(tape.gradient(y, x)), [0.25, 0.15]);
      w.assign([[7], [8]]);
      close(values(tape.gradient(y, x)), [0.25, 0.15]);
      close(values(w), [7, 8]);
    });

    it('each op keeps its own read: assign inside record between two reads', () => {
      const v = tf.variable(2);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        const a = tf.square(v); // reads 2
        v.assign(10);
        return tf.add(a, tf.square(v)); // reads 10
      });
      v.assign(-1);
      // d/dv (v₁² + v₂²) with each square's own value: 2·2 + 2·10.
      close(values(tape.gradient(y, v)), [24]);
    });

    it('one variable input among others (its storage kept alone) and two (one entry each): each rule sees the values read', () => {
      const c = tf.constant(4);
      const a = tf.variable(3);
      const b = tf.variable(5);
      const tape = new tf.GradientTape({ persistent: true });
      tape.watch(c);
      const [y, z] = tape.record(() => [tf.multiply(c, b), tf.multiply(a, b)]);
      a.assign(-7);
      b.assign(11);
      close(values(tape.gradient(y, c)), [5]);
      const [da, db] = tape.gradient(z, [a, b]);
      close(values(da), [5]);
      close(values(db), [3]);
      close(values(b), [11]);
      close(values(a), [-7]);
    });

    it('a nested tape differentiates the gradient rule with the old value (d²/dv² v³ at 2 = 12)', () => {
      const v = tf.variable(2);
      const outer = new tf.GradientTape();
      const inner = new tf.GradientTape();
      const g = outer.record(() => {
        const y = inner.record(() => tf.pow(v, 3));
        v.assign(100);
        return inner.gradient(y, v)!;
      });
      close(values(g), [12]);
      close(values(outer.gradient(g, v)), [12]);
    });
  });

  describe('TensorFlow (not tfjs) gradients at kinks and ties', () => {
    it('reduceMax splits the gradient equally among ties', () => {
      const x = tf.variable([1, 3, 3, 2]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.reduceMax(x));
      close(values(tape.gradient(y, x)), [0, 0.5, 0.5, 0]);
    });

    it('reduceMin splits the gradient equally among ties', () => {
      const x = tf.variable([[0, 0, 5]]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.reduceMin(x, 1));
      close(values(tape.gradient(y, x)), [0.5, 0.5, 0]);
    });

    it("relu'(0) = 0 and abs'(0) = 0", () => {
      const x = tf.variable([0, -1, 2]);
      const tape = new tf.GradientTape({ persistent: true });
      const [r, a] = tape.record(() => [tf.reduceSum(tf.relu(x)), tf.reduceSum(tf.abs(x))]);
      close(values(tape.gradient(r, x)), [0, 0, 1]);
      close(values(tape.gradient(a, x)), [0, -1, 1]);
    });

    it('maximum gives a tie to its first argument', () => {
      const a = tf.variable(1);
      const b = tf.variable(1);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.maximum(a, b));
      const [da, db] = tape.gradient(y, [a, b]);
      close(values(da), [1]);
      close(values(db), [0]);
    });
  });

  describe('errors', () => {
    it('a missing gradient rule raises a LookupError naming the op', () => {
      const NoGrad = defineOp({ name: 'TestNoGradient', inputs: ['x'], derivative: '∂out/∂x: no rule', forward: ([x]) => new Tensor(x.data, x.shape, x.dtype) });
      const x = tf.variable(1);
      const tape = new tf.GradientTape();
      const y = tape.record(() => NoGrad.apply([x]));
      assert.throws(
        () => tape.gradient(y, x),
        (e: unknown) => e instanceof tf.errors.LookupError && e.message === "No gradient defined for operation 'TestNoGradient' (op type: TestNoGradient)",
      );
    });

    it('an op without a gradient that only made a source is not differentiated (no LookupError): dz/dy = 2', () => {
      const NoGrad = defineOp({ name: 'TestNoGradientOffPath', inputs: ['x'], derivative: '∂out/∂x: no rule', forward: ([x]) => new Tensor(x.data.slice(), x.shape, x.dtype) });
      const x = tf.variable(1);
      const tape = new tf.GradientTape();
      let y!: Tensor;
      const z = tape.record(() => {
        y = NoGrad.apply([x]);
        return tf.multiply(y, 2);
      });
      assert.deepEqual(values(tape.gradient(z, y)), [2]);
    });
  });
});
