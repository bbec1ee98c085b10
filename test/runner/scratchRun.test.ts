// runScratch end to end: fixtures bundled and run in a real worker (dist/worker.js, built first).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ConsoleLine, Trace, TraceNode } from '../../src/protocol/trace';
import { runScratch, type RunOptions } from '../../src/runner/host/scratchRun';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { DETAIL_STEPS } from '../../src/runner/run/recorder';
import { formatValue } from '../../src/cli/report';
import { buildRunner, example, fixture, WARNING_CASES, WORKER } from './helpers';

/** A fixture by name, or any file by its absolute path (the examples). */
const run = (name: string, opts: Partial<RunOptions> = {}): Promise<Trace> => runScratch({ file: path.isAbsolute(name) ? name : fixture(name), workerFile: WORKER, timeoutMs: 5000, ...opts });
const nodes = (t: Trace): TraceNode[] => t.tapes.flatMap((tape) => tape.nodes);

describe('runner/scratchRun: fixtures in a real worker', function () {
  this.timeout(30_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  describe('the seed programs', () => {
    it('01: the gradient of a squared difference, with names, positions and the printed value', async () => {
      const t = await run(example('01-squared-difference.grad.ts'));
      assert.equal(t.ok, true, JSON.stringify(t.error));
      assert.equal(t.tapes.length, 1);
      const tape = t.tapes[0];
      assert.equal(tape.name, 'tape');
      assert.equal(tape.pos?.line, 9);
      assert.deepEqual(
        tape.nodes.map((n) => [n.op, n.name, n.pos?.line]),
        [
          ['MatMul', 'output', 11],
          ['SquaredDifference', 'loss', 13],
        ],
      );
      const weights = tape.leaves.find((l) => l.name === 'weights');
      assert.equal(weights?.kind, 'variable');
      assert.equal(weights?.watched, true);
      assert.deepEqual(new Set(tape.leaves.map((l) => l.name)), new Set(['input', 'weights', 'yTrue']));
      const g = t.gradients[0];
      assert.equal(g.pos?.line, 16);
      assert.equal(g.resultName, 'gradients');
      assert.equal(g.targets[0].name, 'loss');
      assert.equal(g.sources[0].name, 'weights');
      assert.equal(formatValue(g.sources[0].gradient!), '[[-0.39999998], [-0.79999995]]');
      // Adjoints cover the path: the MatMul output's adjoint is -2·(0.75 - 0.55) = -0.4.
      const out = tape.nodes[0];
      const adj = g.adjoints.find((a) => a.tensorId === out.outputId);
      assert.equal(adj && formatValue(adj.value), '[[-0.39999998]]');
      assert.equal(t.console.length, 1);
      assert.equal(t.console[0].pos?.line, 17);
      assert.match(t.console[0].text, /-0\.39999998\],\s*\[-0\.79999995/);
      assert.deepEqual(t.curves.map((c) => [c.name, c.kind, c.points.length]), [['loss', 'target', 1]]);
    });

    it('02: a watched constant on a persistent tape answers twice', async () => {
      const t = await run(example('02-watch-persistent.grad.ts'));
      assert.equal(t.ok, true);
      assert.equal(t.tapes[0].persistent, true);
      const w = t.tapes[0].leaves.find((l) => l.name === 'weights');
      assert.deepEqual([w?.kind, w?.watched], ['constant', true]);
      assert.deepEqual(t.gradients.map((g) => g.resultName), ['gradients', 'gradientsCopy']);
      for (const g of t.gradients) assert.equal(formatValue(g.sources[0].gradient!), '[[-0.39999998], [-0.79999995]]');
      assert.equal(t.console.length, 2);
    });

    it('03: for-of destructuring names y, and the unrecorded reshape is labelled by its expression', async () => {
      const t = await run(example('03-training-loop.grad.ts'));
      assert.equal(t.tapes.length, 3);
      for (const tape of t.tapes) {
        const leaves = tape.leaves.map((l) => [l.kind, l.name, l.pos?.line]);
        assert.deepEqual(leaves, [
          ['variable', 'weights', 5],
          ['tensor', 'reshape(x)', 13],
          ['constant', 'y', 10],
        ]);
      }
    });

    it('03: the training loop groups its three steps and reproduces the final weights', async () => {
      const t = await run(example('03-training-loop.grad.ts'));
      assert.equal(t.ok, true);
      assert.deepEqual(t.tapes.map((x) => [x.step, x.pos?.line, x.detailed]), [
        [0, 11, true],
        [1, 11, true],
        [2, 11, true],
      ]);
      assert.match(t.console[0].text, /\[\[0\.02995202\],\s*\[0\.47385702\]\]/);
      const loss = t.curves.find((c) => c.name === 'loss');
      assert.equal(loss?.points.length, 3);
      assert.deepEqual(loss?.points.map((p) => p.step), [0, 1, 2]);
      assert.equal(t.stats.gradientCalls, 3);
      assert.equal(t.stats.tapes, 3);
      // The weight update's multiply runs outside any tape: its line is marked unrecorded.
      assert.ok(t.unrecordedLines.includes(17), `unrecorded: ${t.unrecordedLines}`);
    });
  });

  describe('bad input gets a clear answer, and nothing recorded is lost', () => {
    it('a syntax error: its line and column, no tape', async () => {
      const text = fs.readFileSync(fixture('runner-syntax-error.grad.txt'), 'utf8');
      const t = await runScratch({ file: fixture('runner-syntax-error.grad.ts'), text, workerFile: WORKER });
      assert.equal(t.ok, false);
      assert.equal(t.error?.kind, 'syntax');
      assert.equal(t.error?.pos?.line, 5);
      assert.equal(t.error?.pos?.column, 23);
      assert.equal(t.tapes.length, 0);
      assert.equal(t.diagnostics[0].code, 'error');
      assert.equal(t.diagnostics[0].pos.line, 5);
    });

    it('a throw: the error at its line, the tape recorded before it kept', async () => {
      const t = await run('runner-throw-after-tape.grad.ts');
      assert.equal(t.ok, false);
      assert.deepEqual([t.error?.kind, t.error?.name, t.error?.message], ['exception', 'Error', 'deliberate failure after the tape']);
      assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [13, 7]);
      assert.match(t.error?.stack ?? '', /runner-throw-after-tape\.grad\.ts:13:7/);
      assert.equal(t.tapes.length, 1);
      assert.deepEqual(t.tapes[0].nodes.map((n) => n.name), ['squared', 'y']);
      assert.equal(t.gradients.length, 1);
      assert.equal(t.console[0].text, 'before the throw');
    });

    it('an infinite loop: stopped at the limit, at the line it was on', async () => {
      const t = await run('runner-infinite-loop.grad.ts', { timeoutMs: 1000 });
      assert.equal(t.error?.kind, 'timeout');
      assert.match(t.error?.message ?? '', /^stopped after 1 s/);
      assert.equal(t.error?.pos?.line, 6);
      assert.ok(t.stats.ops > 0);
    });

    it('a trace is never half-written: stopped mid-loop, every tape, node, gradient and curve point is whole', async () => {
      const t = await run('runner-timeout-training.grad.ts', { timeoutMs: 1500 });
      assert.equal(t.error?.kind, 'timeout');
      assert.ok(t.tapes.length > 20, `${t.tapes.length} steps`);
      const tapes = new Map(t.tapes.map((x) => [x.id, x]));
      // Every step once, in order; a fast machine's run may pass the row budget, which thins the
      // older steps (src/runner/host/rowBudget.ts) and says how many went.
      const steps = t.tapes.map((x) => x.step);
      const dropped = t.thinned?.find((th) => th.what === 'steps')?.dropped ?? 0;
      assert.equal(t.tapes.length + dropped, t.stats.tapes);
      if (dropped === 0) assert.deepEqual(steps, [...Array(t.tapes.length).keys()]);
      else for (let i = 1; i < steps.length; i++) assert.ok(steps[i] > steps[i - 1] && steps[0] === 0, `steps ${steps[i - 1]}, ${steps[i]}`);
      for (const tape of t.tapes) {
        assert.ok(tape.nodeCount >= tape.nodes.length);
        if (!tape.detailed) continue;
        // Every input of a detailed node is a leaf of its tape or the output of an earlier node.
        const known = new Set(tape.leaves.map((l) => l.tensorId));
        for (const n of tape.nodes) {
          for (const i of n.inputs) assert.ok(known.has(i.tensorId), `tape ${tape.id}: input ${i.tensorId} of ${n.op}`);
          known.add(n.outputId);
          assert.ok(Number.isFinite(n.output.norm as number));
        }
      }
      for (const g of t.gradients) {
        assert.ok(tapes.has(g.tapeId), `gradient ${g.id} of an unknown tape`);
        assert.equal(g.step, tapes.get(g.tapeId)!.step);
        assert.ok(g.sources[0].gradient && g.targets[0].value.size === 1);
      }
      // At most the step in flight has no gradient yet.
      assert.ok(t.gradients.length >= t.tapes.length - 1 && t.gradients.length <= t.tapes.length);
      const loss = t.curves.find((c) => c.name === 'loss')!;
      const droppedPoints = t.thinned?.find((th) => th.what === 'points' && th.name === 'loss')?.dropped ?? 0;
      // One curve point per step (the step in flight may have its point or its gradient only).
      assert.ok(Math.abs(loss.points.length + droppedPoints - t.stats.gradientCalls) <= 1, `${loss.points.length} + ${droppedPoints} points, ${t.stats.gradientCalls} gradients`);
      const byStep = new Map(t.tapes.map((x) => [x.step, x]));
      for (const p of loss.points) if (dropped === 0) assert.equal(byStep.get(p.step)?.step, p.step);
      assert.deepEqual(JSON.parse(JSON.stringify(t)), t);
    });

    it('the adjoint of every node on the path, and of the watched leaves', async () => {
      const t = await run(example('01-squared-difference.grad.ts'));
      const tape = t.tapes[0];
      const g = t.gradients[0];
      const onPath = [...tape.nodes.map((n) => n.outputId), tape.leaves.find((l) => l.name === 'weights')!.tensorId];
      assert.deepEqual(new Set(g.adjoints.map((a) => a.tensorId)), new Set(onPath));
      const adj = (id: number): unknown => g.adjoints.find((a) => a.tensorId === id)?.value.values;
      assert.deepEqual(adj(tape.nodes[1].outputId), [1]);
      assert.deepEqual(adj(onPath[2]), g.sources[0].gradient?.values);
    });

    it('the calling thread stays responsive while a run is in flight', async () => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 50);
      await run('runner-infinite-loop.grad.ts', { timeoutMs: 1000 });
      clearInterval(timer);
      assert.ok(ticks >= 10, `only ${ticks} timer ticks in one second`);
    });

    it('a huge allocation on the JS heap: stopped with the memory limit in the message', async function () {
      // A long time limit: under load, filling 64 MB took longer than the default 5 s (a Timeout instead).
      this.timeout(150_000);
      const t = await run('runner-huge-allocation.grad.ts', { memoryMb: 64, timeoutMs: 120_000 });
      assert.equal(t.error?.kind, 'memory');
      assert.match(t.error?.message ?? '', /64 MB memory limit/);
    });

    it('a huge tensor (typed array, outside the V8 heap): stopped at its line', async () => {
      const t = await run('runner-huge-tensor.grad.ts', { memoryMb: 128 });
      assert.equal(t.error?.kind, 'memory');
      assert.equal(t.error?.pos?.line, 4);
    });

    it('deep recursion: the RangeError at the recursive call', async () => {
      const t = await run('runner-deep-recursion.grad.ts');
      assert.equal(t.error?.name, 'RangeError');
      assert.match(t.error?.message ?? '', /call stack/);
      assert.equal(t.error?.pos?.line, 6);
    });

    it('NaN and Inf: flagged on the nodes that hold them, with a diagnostic', async () => {
      const t = await run('runner-nan.grad.ts');
      assert.equal(t.ok, true);
      const flagged = nodes(t).filter((n) => n.nonFinite);
      assert.ok(flagged.some((n) => n.name === 'logged' && n.output.nanCount === 1));
      assert.ok(flagged.some((n) => n.name === 'inverse' && n.output.infCount === 1));
      assert.ok(!nodes(t).find((n) => n.op === 'Sub')?.nonFinite);
      const diags = t.diagnostics.filter((d) => d.code === 'nonFinite');
      assert.ok(diags.some((d) => d.pos.line === 7));
      // The number 1 in tf.divide(1, …) becomes a constant, and does not take the name 'inverse'.
      assert.ok(!t.tapes[0].leaves.some((l) => l.kind === 'constant' && l.name === 'inverse'));
    });

    it('an unwatched constant: the gradient is null with the reason and its line', async () => {
      const t = await run('runner-unwatched-constant.grad.ts');
      const s = t.gradients[0].sources[0];
      assert.equal(s.gradient, null);
      assert.equal(s.name, 'weights');
      assert.equal(s.nullReason?.kind, 'notWatched');
      assert.equal(s.nullReason?.pos?.line, 5);
      assert.ok(t.diagnostics.some((d) => d.code === 'unwatchedSource' && d.pos.line === 5));
      assert.equal(t.console[0].text, 'null');
    });

    it('a second gradient on a non-persistent tape: RuntimeError at its line, the tape kept', async () => {
      const t = await run('runner-non-persistent-reuse.grad.ts');
      assert.equal(t.error?.name, 'RuntimeError');
      assert.equal(t.error?.pos?.line, 12);
      assert.equal(t.tapes[0].nodes.length, 3);
      assert.equal(t.gradients.length, 1);
      assert.ok(t.diagnostics.some((d) => d.code === 'nonPersistentReuse'));
    });

    it('a value that left the engine: null with the reason leftEngine', async () => {
      const t = await run('runner-left-engine.grad.ts');
      const s = t.gradients[0].sources[0];
      assert.equal(s.gradient, null);
      assert.equal(s.nullReason?.kind, 'leftEngine');
      assert.ok(t.diagnostics.some((d) => d.code === 'leftEngine' && d.pos.line === 8));
    });

    // Every tape misuse the issue lists, each as a fixture: the diagnostic's code and line.
    for (const [file, code, line] of WARNING_CASES) {
      it(`warning ${code}: ${file} line ${line}`, async () => {
        const t = await run(file);
        const d = t.diagnostics.find((x) => x.code === code);
        assert.ok(d, `no ${code} in ${JSON.stringify(t.diagnostics.map((x) => x.code))}`);
        assert.equal(d.severity, 'warning');
        assert.equal(d.pos.line, line);
        assert.ok(d.message.length > 20);
      });
    }

    it('a jacobian and a jvp call: each with its line, names and result', async () => {
      const t = await run('runner-jacobian-jvp.grad.ts');
      assert.equal(t.ok, true, JSON.stringify(t.error));
      const [jac, jvp] = t.gradients;
      assert.deepEqual([jac.kind, jac.pos?.line, jac.resultName, jac.targets[0].name, jac.sources[0].name], ['jacobian', 7, 'jac', 'y', 'x']);
      assert.deepEqual(jac.sources[0].gradient?.shape, [2, 2]);
      assert.deepEqual(jac.sources[0].gradient?.values, [2, 0, 0, 4]);
      assert.deepEqual([jvp.kind, jvp.pos?.line, jvp.resultName, jvp.targets[0].name], ['jvp', 10, 'tangent', 'z']);
      // The JVP of z = x·x along [1, 0] at x = [1, 2] is [2, 0]; the source carries the tangent given.
      assert.deepEqual(jvp.adjoints.find((a) => a.tensorId === jvp.targets[0].tensorId)?.value.values, [2, 0]);
      assert.deepEqual(jvp.sources[0].gradient?.values, [1, 0]);
    });

    it('process.exit ends only the worker; what was recorded is kept', async () => {
      const t = await run('runner-process-exit.grad.ts');
      assert.equal(t.error?.name, 'ProcessExit');
      assert.match(t.error?.message ?? '', /process\.exit\(3\)/);
      assert.equal(t.error?.pos?.line, 8);
      assert.equal(t.tapes.length, 1);
      assert.equal(t.console[0].text, 'exiting');
    });

    it('cancellation stops the run', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const t = await run('runner-infinite-loop.grad.ts', { timeoutMs: 10_000, signal: controller.signal });
      assert.equal(t.error?.kind, 'cancelled');
      assert.ok(t.durationMs < 5000);
    });
  });

  describe('files, console and curves', () => {
    it('runs the editor text rather than the file on disk', async () => {
      const file = example('01-squared-difference.grad.ts');
      const text = fs.readFileSync(file, 'utf8').replace('tf.constant(0.75)', 'tf.constant(1.75)');
      const t = await runScratch({ file, text, workerFile: WORKER });
      // d/dw (y - x·w)² = -2(y - x·w)·x with y = 1.75: [[-2.4], [-4.8]].
      assert.equal(formatValue(t.gradients[0].sources[0].gradient!), '[[-2.4], [-4.8]]');
    });

    it('bundles a relative import and keeps that file in the positions', async () => {
      const t = await run('runner-relative-import.grad.ts');
      assert.equal(t.ok, true, JSON.stringify(t.error));
      const lib = path.join(path.dirname(fixture('x')), 'runner-lib', 'layers.ts');
      const z = nodes(t).find((n) => n.name === 'z');
      assert.equal(z?.pos?.file, lib);
      assert.equal(z?.pos?.line, 5);
      assert.ok(t.gradients[0].sources.every((s) => s.gradient !== null));
      assert.equal(t.console.length, 1);
    });

    it('streams console lines with their level and line; bare imports resolve as in Node', async () => {
      const seen: ConsoleLine[] = [];
      const t = await run('runner-console.grad.ts', { onConsole: (l) => seen.push(l) });
      assert.equal(t.ok, true, JSON.stringify(t.error));
      assert.deepEqual(
        t.console.map((l) => [l.level, l.pos?.line, l.text.split('\n')[0]]),
        [
          ['log', 5, 'hello from line 5'],
          ['warn', 6, 'a warning on line 6 42'],
          ['log', 8, 'c.txt'],
          ['log', 9, t.console[3]?.text.split('\n')[0]],
        ],
      );
      assert.match(t.console[3].text, /1\.5/);
      assert.deepEqual(seen.map((l) => l.text), t.console.map((l) => l.text));
    });

    it('waits for timers and promises; named imports are recorded and named too', async () => {
      const t = await run('runner-async.grad.ts');
      assert.equal(t.ok, true, JSON.stringify(t.error));
      assert.deepEqual(t.console.map((l) => [l.pos?.line, l.text.split(' ')[0]]), [
        [10, 'async'],
        [15, 'timer'],
      ]);
      assert.deepEqual(t.tapes[0].nodes.map((n) => [n.op, n.name, n.pos?.line]), [['Square', 'y', 8]]);
      assert.equal(t.gradients[0].resultName, 'dy');
    });

    it('an unhandled rejection fails the run at the line that threw', async () => {
      const t = await run('runner-async-rejection.grad.ts');
      assert.equal(t.error?.name, 'InvalidArgumentError');
      assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [6, 13]);
      assert.match(t.error?.stack ?? '', /at fail \(.*runner-async-rejection\.grad\.ts:6:13\)/);
    });

    it('collects tf.summary.scalar curves and the scalar gradient target per step', async () => {
      const t = await run('runner-summary-curves.grad.ts');
      const w = t.curves.find((c) => c.name === 'w' && c.kind === 'summary');
      const loss = t.curves.find((c) => c.name === 'loss' && c.kind === 'target');
      assert.deepEqual(w?.points.map((p) => p.step), [0, 1, 2, 3, 4]);
      assert.equal(loss?.points.length, 5);
      const values = loss!.points.map((p) => p.value as number);
      assert.ok(values.every((v, i) => i === 0 || v < values[i - 1]), `loss should fall: ${values}`);
      assert.equal(values[0], 9);
    });

    it('a loop longer than the budget: every step counted, a bounded set detailed, the last one complete', async () => {
      const t = await run('runner-long-training.grad.ts');
      assert.equal(t.ok, true, JSON.stringify(t.error));
      assert.equal(t.tapes.length, 100);
      const detailed = t.tapes.filter((x) => x.detailed);
      assert.ok(detailed.length <= DETAIL_STEPS && detailed.length >= 3, `${detailed.length} detailed`);
      assert.equal(t.tapes[0].detailed, true);
      const last = t.tapes[99];
      assert.equal(last.detailed, true);
      assert.equal(last.step, 99);
      // The last step was held lazily: positions and names come from the first step.
      assert.deepEqual(last.nodes.map((n) => [n.op, n.name, n.pos?.line]), t.tapes[0].nodes.map((n) => [n.op, n.name, n.pos?.line]));
      assert.ok(last.nodes.some((n) => n.name === 'pred' && n.pos?.line === 10));
      assert.equal(t.stats.droppedSteps, 100 - detailed.length);
      for (const x of t.tapes) assert.ok(x.nodeCount > 0 && (x.detailed || x.nodes.length === 0));
      assert.equal(t.curves.find((c) => c.name === 'loss')?.points.length, 100);
      assert.equal(t.gradients.length, 100);
      assert.ok(t.gradients.filter((g) => g.adjoints.length > 0).length <= DETAIL_STEPS);
      // Undetailed steps travel as columns (tapeRows/gradientRows): they come back as whole objects.
      const loss = t.curves.find((c) => c.name === 'loss')!.points;
      for (const g of t.gradients) {
        const tape = t.tapes.find((x) => x.id === g.tapeId)!;
        assert.equal(g.step, tape.step);
        assert.equal(g.pos?.line, 13);
        assert.equal(g.resultName, 'grad');
        assert.equal(g.targets[0].name, 'loss');
        assert.equal(g.targets[0].value.first[0], loss[g.step].value, `step ${g.step}: the target is the curve's point`);
        const src = g.sources[0];
        assert.equal(src.name, 'w');
        const grad = src.gradient!;
        assert.deepEqual([grad.shape, grad.dtype, grad.size, grad.first.length], [[2, 1], 'float32', 2, 2]);
        const [a, b] = grad.first as number[];
        assert.equal(grad.min, Math.min(a, b));
        assert.equal(grad.max, Math.max(a, b));
        assert.ok(Math.abs((grad.norm as number) - Math.hypot(a, b)) < 1e-6);
      }
      assert.deepEqual(t.tapes.map((x) => x.step), [...Array(100).keys()]);
      for (const x of t.tapes) assert.deepEqual([x.name, x.pos?.line, x.persistent], ["tape", 8, false], `step ${x.step}`);
    });
  });

  describe('the bundle step', () => {
    it('esbuild-wasm (what the .vsix ships) gives the same trace as the native binary', async function () {
      // The first WebAssembly start compiles 14 MB of wasm: generous limits on a loaded machine.
      this.timeout(120_000);
      const wasm = await run('runner-relative-import.grad.ts', { bundler: 'wasm', timeoutMs: 60_000 });
      const native = await run('runner-relative-import.grad.ts', { bundler: 'native' });
      assert.equal(wasm.ok, true, JSON.stringify(wasm.error));
      const shape = (t: Trace): unknown => t.tapes.map((x) => x.nodes.map((n) => [n.op, n.name, n.pos]));
      assert.deepEqual(shape(wasm), shape(native));
      assert.deepEqual(wasm.gradients[0].sources.map((s) => s.gradient?.values), native.gradients[0].sources.map((s) => s.gradient?.values));
    });

    it('a missing relative import is reported like a syntax error, at the import', async () => {
      const text = 'import * as tf from "gradtape";\nimport { nothing } from "./runner-lib/missing";\nconsole.log(tf, nothing);\n';
      const t = await runScratch({ file: fixture('runner-missing-import.grad.ts'), text, workerFile: WORKER });
      assert.equal(t.error?.kind, 'syntax');
      assert.equal(t.error?.pos?.line, 2);
      assert.match(t.error?.message ?? '', /Cannot find module '\.\/runner-lib\/missing'/);
    });
  });

  describe('protocol: a trace is plain data', () => {
    it('survives structuredClone and a JSON round trip unchanged', async () => {
      for (const name of [example('03-training-loop.grad.ts'), 'runner-nan.grad.ts', 'runner-throw-after-tape.grad.ts']) {
        const t = await run(name);
        assert.deepStrictEqual(structuredClone(t), t);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(t)), t);
      }
    });
  });
});
