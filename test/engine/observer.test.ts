/** The observer hook (src/engine/observer.ts): events, positions, adjoints and null reasons. */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';
import { setObserver, type EngineObserver } from '../../src/engine/observer';
import type { SourcePos } from '../../src/protocol/trace';

type Event = { type: string; e: Record<string, unknown> };

/** Records every event; `line` plays the user's current source line. */
class FakeObserver implements EngineObserver {
  line = 1;
  locateCalls = 0;
  events: Event[] = [];
  locate(): SourcePos {
    this.locateCalls++;
    return { line: this.line, column: 1 };
  }
  private push(type: string) {
    return (e: object): void => void this.events.push({ type, e: e as Record<string, unknown> });
  }
  tapeCreated = this.push('tapeCreated');
  recordEntered = this.push('recordEntered');
  recordExited = this.push('recordExited');
  watched = this.push('watched');
  opRan = this.push('opRan');
  tensorCreated = this.push('tensorCreated');
  variableAssigned = this.push('variableAssigned');
  valueRead = this.push('valueRead');
  gradientComputed = this.push('gradientComputed');
  summary = this.push('summary');
  warning = this.push('warning');
  tapeReset = this.push('tapeReset');
  callStarted = this.push('callStarted');
  callEnded = this.push('callEnded');
  of(type: string): Record<string, unknown>[] {
    return this.events.filter((ev) => ev.type === type).map((ev) => ev.e);
  }
}

type Gradient = Parameters<EngineObserver['gradientComputed']>[0];

describe('observer hook', () => {
  let obs: FakeObserver;
  beforeEach(() => {
    obs = new FakeObserver();
    setObserver(obs);
  });
  afterEach(() => setObserver(null));

  it('asks for positions only while attached, and tensors keep no debug data otherwise', () => {
    setObserver(null);
    const v = tf.variable(2);
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.square(v));
    tape.gradient(y, v);
    assert.equal(obs.locateCalls, 0);
    assert.equal(y._debug, undefined);
    setObserver(obs);
    tf.square(v);
    assert.ok(obs.locateCalls > 0);
  });

  it('reports the seed program: tape, watch, ops with named inputs and tape ids, positions', () => {
    obs.line = 3;
    const input = tf.constant([[1.0, 2.0]]);
    obs.line = 4;
    const weights = tf.variable([[0.25], [0.15]]);
    const yTrue = tf.constant(0.75);
    obs.line = 7;
    const tape = new tf.GradientTape();
    let output!: tf.Tensor;
    const loss = tape.record(() => {
      obs.line = 9;
      output = tf.linalg.matmul(input, weights);
      obs.line = 10;
      return tf.math.squaredDifference(yTrue, output);
    });
    obs.line = 13;
    tape.gradient(loss, weights);

    const [created] = obs.of('tapeCreated');
    assert.equal(created.tapeId, tape.id);
    assert.deepEqual(created.pos, { line: 7, column: 1 });
    assert.deepEqual(obs.of('tensorCreated').map((e) => [(e.tensor as tf.Tensor).id, e.kind]).slice(0, 3), [
      [input.id, 'constant'],
      [weights.id, 'variable'],
      [yTrue.id, 'constant'],
    ]);
    const [watched] = obs.of('watched');
    assert.equal((watched.tensor as tf.Tensor).id, weights.id);
    assert.equal(watched.automatic, true);
    const ran = obs.of('opRan').slice(0, 2);
    assert.deepEqual(ran.map((e) => e.op), ['MatMul', 'SquaredDifference']);
    assert.deepEqual((ran[0].inputs as { name: string; tensor: tf.Tensor }[]).map((i) => [i.name, i.tensor.id]), [
      ['a', input.id],
      ['b', weights.id],
    ]);
    assert.deepEqual(ran[0].tapeIds, [tape.id]);
    assert.deepEqual(ran[0].pos, { line: 9, column: 1 });
    assert.deepEqual(ran[1].pos, { line: 10, column: 1 });
    assert.notEqual(ran[0].nodeId, ran[1].nodeId);
    assert.equal(obs.of('recordEntered').length, 1);
    assert.equal(obs.of('recordExited').length, 1);
  });

  it('passes the adjoint of every tensor on the path', () => {
    const input = tf.constant([[1.0, 2.0]]);
    const weights = tf.variable([[0.25], [0.15]]);
    const tape = new tf.GradientTape();
    let output!: tf.Tensor;
    const loss = tape.record(() => {
      output = tf.matmul(input, weights);
      return tf.squaredDifference(0.75, output);
    });
    tape.gradient(loss, weights);
    const [g] = obs.of('gradientComputed') as unknown as Gradient[];
    assert.equal(g.kind, 'gradient');
    assert.deepEqual([...g.adjoints.keys()].sort((a, b) => a - b), [weights.id, output.id, loss.id].sort((a, b) => a - b));
    assert.deepEqual(Array.from(tf.peekValues(g.adjoints.get(output.id)!)), [Math.fround(-0.39999998)]);
    assert.equal(g.sources[0].result, g.adjoints.get(weights.id));
    assert.equal(g.sources[0].nullReason, undefined);
  });

  it('operations are counted as unrecorded (empty tapeIds) outside record', () => {
    tf.add(1, 2);
    const [e] = obs.of('opRan');
    assert.deepEqual(e.tapeIds, []);
  });

  describe('null reasons', () => {
    const reasonOf = (o: FakeObserver, index = 0): { kind: string; message: string; pos?: SourcePos } => {
      const g = o.of('gradientComputed').at(-1) as unknown as Gradient;
      const r = g.sources[index].nullReason;
      assert.ok(r, 'expected a null reason');
      return r;
    };

    it('notWatched: a constant no tape watched, at its creation line (and an unwatchedSource warning)', () => {
      obs.line = 20;
      const c = tf.constant(3);
      obs.line = 21;
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(c));
      assert.equal(tape.gradient(y, c), null);
      const r = reasonOf(obs);
      assert.equal(r.kind, 'notWatched');
      assert.equal(r.pos?.line, 20);
      assert.ok(obs.of('warning').some((w) => w.code === 'unwatchedSource'));
    });

    it('notTrainable: a trainable: false variable', () => {
      const v = tf.variable(3, { trainable: false });
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(v));
      tape.gradient(y, v);
      assert.equal(reasonOf(obs).kind, 'notTrainable');
    });

    it('integerDtype: int32 sources (with TensorFlow\'s watch warning)', () => {
      const i = tf.constant([1, 2], 'int32');
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(i);
        return tf.cast(i, 'float32');
      });
      tape.gradient(y, i);
      assert.equal(reasonOf(obs).kind, 'integerDtype');
      assert.ok(obs.of('warning').some((w) => w.code === 'integerDtype'));
    });

    it('stopGradient: at the line of the stopGradient call', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        obs.line = 30;
        const s = tf.stopGradient(x);
        obs.line = 31;
        return tf.square(s);
      });
      tape.gradient(y, x);
      const r = reasonOf(obs);
      assert.equal(r.kind, 'stopGradient');
      assert.equal(r.pos?.line, 30);
    });

    it('stopRecording: at the line of the unrecorded op', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() =>
        tape.stopRecording(() => {
          obs.line = 40;
          return tf.square(x);
        }),
      );
      tape.gradient(y, x);
      const r = reasonOf(obs);
      assert.equal(r.kind, 'stopRecording');
      assert.equal(r.pos?.line, 40);
    });

    it('reset: at the line of tape.reset()', () => {
      const x = tf.constant(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tape.watch(x);
        const y = tf.square(x);
        obs.line = 50;
        tape.reset();
        return y;
      });
      tape.gradient(y, x);
      const r = reasonOf(obs);
      assert.equal(r.kind, 'reset');
      assert.equal(r.pos?.line, 50);
      assert.equal(obs.of('tapeReset').length, 1);
    });

    it('leftEngine: names the line where the value was read out (and warns)', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        const sq = tf.square(x);
        obs.line = 60;
        const plain = sq.arraySync() as number;
        obs.line = 61;
        return tf.multiply(tf.constant(plain), 2);
      });
      assert.equal(tape.gradient(y, x), null);
      const r = reasonOf(obs);
      assert.equal(r.kind, 'leftEngine');
      assert.equal(r.pos?.line, 60);
      assert.ok(obs.of('warning').some((w) => w.code === 'leftEngine'));
      assert.deepEqual(obs.of('valueRead').map((e) => e.how), ['arraySync']);
    });

    it('noPath: the target does not depend on the source', () => {
      const x = tf.variable(3);
      const z = tf.variable(4);
      const tape = new tf.GradientTape();
      const y = tape.record(() => {
        tf.square(z);
        return tf.square(x);
      });
      tape.gradient(y, z);
      assert.equal(reasonOf(obs).kind, 'noPath');
    });

    it('constant: a source re-created from a read-out value', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const sq = tape.record(() => tf.square(x));
      const plain = sq.arraySync() as number;
      const c = tf.constant(plain);
      const y = tape.record(() => tf.multiply(c, x));
      tape.gradient(y, c);
      assert.equal(reasonOf(obs).kind, 'constant');
    });
  });

  describe('warnings', () => {
    it('nonPersistentReuse is emitted before the RuntimeError', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      tape.gradient(y, x);
      assert.throws(() => tape.gradient(y, x), tf.errors.RuntimeError);
      assert.equal(obs.of('warning').filter((w) => w.code === 'nonPersistentReuse').length, 1);
    });

    it('nonScalarTarget', () => {
      const x = tf.variable([1, 2]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      tape.gradient(y, x);
      assert.ok(obs.of('warning').some((w) => w.code === 'nonScalarTarget'));
    });

    it('gradientInRecord: gradient inside record of a persistent tape (TensorFlow\'s warning text)', () => {
      const x = tf.variable(3);
      const tape = new tf.GradientTape({ persistent: true });
      tape.record(() => tape.gradient(tf.square(x), x));
      const w = obs.of('warning').find((e) => e.code === 'gradientInRecord');
      assert.ok(w);
      assert.match(w.message as string, /^Calling GradientTape.gradient on a persistent tape inside its context is significantly less efficient/);
    });
  });

  it('valueRead for arraySync / dataSync / numpy, never for peekValues; variableAssigned on assign', () => {
    const v = tf.variable([1, 2]);
    v.arraySync();
    v.dataSync();
    v.numpy();
    tf.peekValues(v);
    assert.deepEqual(obs.of('valueRead').map((e) => e.how), ['arraySync', 'dataSync', 'numpy']);
    v.assignSub([1, 1]);
    assert.deepEqual(obs.of('variableAssigned').map((e) => e.how), ['assignSub']);
  });

  describe('calls: started and ended by the engine itself', () => {
    /** The call events and gradient reports, in order, as `started:kind`, `ended:kind`, `computed:kind`. */
    const calls = (): string[] =>
      obs.events.flatMap((ev) => (ev.type === 'callStarted' ? [`started:${ev.e.kind}`] : ev.type === 'callEnded' ? [`ended:${ev.e.kind}`] : ev.type === 'gradientComputed' ? [`computed:${ev.e.kind}`] : []));

    it('tape.gradient: started before any of its work (first locate), ended with the result after its report', () => {
      const x = tf.variable([1, 2]);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.reduceSum(tf.square(x)));
      obs.events = [];
      const g = tape.gradient(y, x);
      assert.deepEqual(calls(), ['started:gradient', 'computed:gradient', 'ended:gradient']);
      assert.equal(obs.events[0].type, 'callStarted');
      assert.equal(obs.of('callStarted')[0].tapeId, tape.id);
      assert.equal(obs.of('callEnded')[0].result, g);
    });

    it('jacobian, and batchJacobian around the jacobian it runs', () => {
      const x = tf.variable([[1, 2], [3, 4]]);
      const tape = new tf.GradientTape({ persistent: true });
      const y = tape.record(() => tf.square(x));
      obs.events = [];
      tape.jacobian(y, x);
      assert.deepEqual(calls(), ['started:jacobian', 'computed:jacobian', 'ended:jacobian']);
      obs.events = [];
      const b = tape.batchJacobian(y, x);
      assert.deepEqual(calls(), ['started:batchJacobian', 'started:jacobian', 'computed:jacobian', 'ended:jacobian', 'ended:batchJacobian']);
      assert.equal(obs.of('callEnded')[1].result, b);
      assert.deepEqual(obs.of('callStarted').map((e) => e.tapeId), [tape.id, tape.id]);
    });

    it('acc.jvp', () => {
      const x = tf.constant([1, 2]);
      const acc = new tf.autodiff.ForwardAccumulator(x, tf.constant([1, 0]));
      const y = acc.record(() => tf.square(x));
      obs.events = [];
      const j = acc.jvp(y);
      assert.deepEqual(calls(), ['started:jvp', 'computed:jvp', 'ended:jvp']);
      assert.equal(obs.of('callEnded')[0].result, j);
    });

    it('assign, assignAdd, assignSub: around the tensors they make and variableAssigned', () => {
      const v = tf.variable([1, 2]);
      for (const how of ['assign', 'assignAdd', 'assignSub'] as const) {
        obs.events = [];
        v[how]([1, 1]);
        assert.deepEqual(
          obs.events.map((ev) => ev.type),
          ['callStarted', 'tensorCreated', 'variableAssigned', 'callEnded'],
        );
        assert.equal(obs.events[0].e.kind, how);
        assert.equal(obs.events[3].e.result, v);
      }
    });

    it('a call that throws still ends (result undefined)', () => {
      const x = tf.variable(2);
      const tape = new tf.GradientTape();
      const y = tape.record(() => tf.square(x));
      tape.gradient(y, x);
      obs.events = [];
      assert.throws(() => tape.gradient(y, x), /non-persistent/);
      assert.deepEqual(calls(), ['started:gradient', 'ended:gradient']);
      assert.equal(obs.of('callEnded')[0].result, undefined);
    });

    it('no observer: nothing is told, and the calls return the same', () => {
      setObserver(null);
      const v = tf.variable(1);
      v.assignAdd(1);
      assert.deepEqual(v.arraySync(), 2);
      assert.equal(obs.events.length, 0);
    });
  });

  it('nested tapes: opRan lists every tape that recorded the node, tapeCreated names the parent', () => {
    const x = tf.variable(2);
    const outer = new tf.GradientTape();
    outer.record(() => {
      const inner = new tf.GradientTape();
      inner.record(() => tf.square(x));
      const created = obs.of('tapeCreated');
      assert.equal(created[1].parentTapeId, outer.id);
      assert.deepEqual(obs.of('opRan').at(-1)!.tapeIds, [outer.id, inner.id]);
    });
  });
});
