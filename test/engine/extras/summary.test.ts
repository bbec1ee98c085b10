import assert from 'node:assert/strict';
import { scalar, setStep, getStep, resetSummaries } from '../../../src/engine/summary';
import { constant } from '../../../src/engine/ops/index';
import { recordEvents } from './helpers';

type SummaryEvent = { name: string; value: number; step: number; pos?: unknown };

describe('tf.summary.scalar', () => {
  beforeEach(() => resetSummaries());

  function summaries(run: () => void): SummaryEvent[] {
    const rec = recordEvents();
    try {
      run();
    } finally {
      rec.detach();
    }
    return rec.events.filter((e) => e.type === 'summary').map((e) => e.e as SummaryEvent);
  }

  it('emits the observer summary event with name, value and explicit step, and returns true', () => {
    let returned: boolean | undefined;
    const got = summaries(() => {
      returned = scalar('loss', 0.25, { step: 7 });
    });
    assert.equal(returned, true);
    assert.equal(got.length, 1);
    assert.equal(got[0].name, 'loss');
    assert.equal(got[0].value, 0.25);
    assert.equal(got[0].step, 7);
    assert.deepEqual(got[0].pos, { line: 1, column: 1 });
  });

  it('reads scalar tensors (also shape [1]) without the value leaving the engine', () => {
    const rec = recordEvents();
    try {
      scalar('a', constant(1.5), { step: 0 });
      scalar('b', constant([2.5]), { step: 0 });
    } finally {
      rec.detach();
    }
    assert.deepEqual(rec.events.filter((e) => e.type === 'summary').map((e) => (e.e as SummaryEvent).value), [1.5, 2.5]);
    assert.equal(rec.events.filter((e) => e.type === 'valueRead').length, 0);
  });

  it('without a step, counts per name: 0, 1, 2, ...', () => {
    const got = summaries(() => {
      scalar('loss', 3);
      scalar('acc', 0.1);
      scalar('loss', 2);
      scalar('loss', 1);
    });
    assert.deepEqual(
      got.map((e) => [e.name, e.step]),
      [
        ['loss', 0],
        ['acc', 0],
        ['loss', 1],
        ['loss', 2],
      ],
    );
  });

  it('uses the default step of summary.experimental.setStep when set', () => {
    setStep(40);
    assert.equal(getStep(), 40);
    const got = summaries(() => {
      scalar('loss', 1);
      scalar('loss', 2, { step: 3 });
    });
    assert.deepEqual(got.map((e) => e.step), [40, 3]);
    setStep(null);
  });

  it('rejects non-scalar data, and works (returns true) with no observer attached', () => {
    assert.throws(() => scalar('x', constant([1, 2])), /scalar/);
    assert.equal(scalar('x', 1), true);
  });
});
