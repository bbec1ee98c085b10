// The bundler thread instruments the bundle (a run's fresh thread would parse it again, ~7 ms):
// the run gives the same trace with that work done ahead as when it instruments for itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import type { BundleOutput, RunWorkerMessage } from '../../src/protocol/worker';
import { TraceAssembler } from '../../src/runner/host/assemble';
import { bundleScratch } from '../../src/runner/bundler/bundleScratch';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runInThisThread } from '../../src/runner/run/runThread';
import { fixture, ROOT } from './helpers';

/** Ids come from counters of the process, which go on from run to run: compared without them. */
const IDS = new Set(['id', 'tensorId', 'outputId', 'tapeId', 'tapeIds', 'parentId']);
const withoutIds = (t: Trace): unknown => JSON.parse(JSON.stringify(t, (k, v: unknown) => (IDS.has(k) ? 0 : v)));

/** Runs `out` in this thread and assembles the trace as the host would (times zeroed). */
function trace(file: string, text: string, out: BundleOutput): Trace {
  const asm = new TraceAssembler(file, new Date(0));
  let error: Parameters<TraceAssembler['finish']>[0];
  const restore = runInThisThread({ role: 'run', file, text, bundle: out, memoryMb: 4096, startedAtMs: 0 }, (m: RunWorkerMessage) => {
    if (m.type === 'didRecord') for (const e of m.events) asm.apply(e);
    if (m.type === 'didLog') asm.log({ ...m.line, timeMs: 0 });
    if (m.type === 'didFinish') error = m.error;
  }, { endOnReturn: true });
  restore();
  return asm.finish(error, 0);
}

describe('runner: instrumented by the bundler', function () {
  this.timeout(30_000);
  after(() => disposeBundlers());

  for (const file of [path.join(ROOT, 'examples', '03-training-loop.grad.ts'), fixture('runner-throw-after-tape.grad.ts'), fixture('runner-params.grad.ts')]) {
    it(`${path.basename(file)}: the same trace as instrumenting in the run thread`, async () => {
      const text = fs.readFileSync(file, 'utf8');
      const out = await bundleScratch('native', file, text);
      assert.ok('code' in out && out.instrumented, 'the bundle step instruments');
      const inst = out.instrumented;
      assert.equal(inst.heads.length, inst.positions.length);
      assert.match(inst.code, /__gtP\(/);
      // A structured clone is what reaches the run thread (workerData).
      const ahead = trace(file, text, structuredClone(out));
      const { instrumented: _dropped, ...plain } = out;
      const here = trace(file, text, plain);
      assert.deepEqual(withoutIds(ahead), withoutIds(here));
      assert.ok(ahead.tapes.length > 0);
      assert.ok(ahead.tapes.every((t) => t.nodes.every((n) => n.pos !== undefined)), 'every node has its position');
    });
  }
});
