// The host's memory watchdog, with the resident set supplied by the test.
import assert from 'node:assert/strict';
import { heapLimitMb, residentBudgetMb, watchResidentMemory } from '../../src/runner/host/memoryWatchdog';

const MB = 1048576;

/** A resident set the test sets, and a way to wait until the watchdog has read it `n` more times. */
function fakeRss(start: number) {
  const f = { value: start, reads: 0, waiters: [] as { at: number; resolve: () => void }[] };
  const read = (): number => {
    f.reads++;
    for (const w of f.waiters.filter((w) => f.reads >= w.at)) w.resolve();
    return f.value;
  };
  const samples = (n: number): Promise<void> => new Promise((resolve) => f.waiters.push({ at: f.reads + n, resolve }));
  return { f, read, samples };
}

describe('runner: the host memory watchdog', () => {
  it('the V8 heap limit sits above the run limit, and the resident budget above both', () => {
    for (const limit of [16, 256, 1024, 8192]) {
      assert.ok(heapLimitMb(limit) > limit, `${limit}`);
      assert.ok(residentBudgetMb(limit) > heapLimitMb(limit), `${limit}`);
      // Not so far above that a 256 MB run could take gigabytes.
      assert.ok(residentBudgetMb(limit) < limit * 2 + 256, `${limit}`);
    }
  });

  it('calls back once, with the growth, when the resident set grows past the budget', async () => {
    const { f, read, samples } = fakeRss(500 * MB);
    const calls: number[] = [];
    let stop = (): void => {};
    const fired = new Promise<void>((resolve) => {
      stop = watchResidentMemory(256, (grown) => {
        calls.push(grown);
        resolve();
      }, read);
    });
    f.value += (residentBudgetMb(256) - 1) * MB; // just under: nothing, however often it looks
    await samples(3);
    assert.deepEqual(calls, []);
    f.value += 50 * MB;
    await fired;
    const readsAtFire = f.reads;
    f.value += 500 * MB;
    assert.deepEqual(calls, [residentBudgetMb(256) + 49]);
    // Once fired it has stopped sampling: a later read would come from another watchdog.
    const other = watchResidentMemory(256, () => {}, read);
    await samples(2);
    other();
    stop();
    assert.ok(f.reads - readsAtFire <= 3, `${f.reads - readsAtFire} reads after firing`);
  });

  it('stops watching when told', async () => {
    const { f, read, samples } = fakeRss(0);
    let called = false;
    const stop = watchResidentMemory(64, () => (called = true), read);
    stop();
    f.value = 10_000 * MB;
    // Another watchdog on the same reading proves time has passed for sampling.
    const witness = watchResidentMemory(100_000, () => {}, read);
    await samples(3);
    witness();
    assert.equal(called, false);
  });
});
