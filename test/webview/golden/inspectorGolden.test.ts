// The inspector's numbers, now computed by the engine (src/engine/inspect.ts replaying each node
// through its real op), against what the panel's own re-implementation showed before it was
// deleted (inspector-golden.json, written from webview/model/ops.ts + miniEval.ts by capture.ts,
// see commit 50c5463):
// the derivative text, the chain-rule products, the finite-difference check and forward mode, for
// every node of every fixture and example. Where the old panel could not answer (it guessed
// attributes the trace lacked, or had no model of an op), the engine must now answer: better.
import assert from 'node:assert/strict';
import path from 'node:path';
import { inspect, type FdAnswer, type Num } from '../../../src/engine/inspect';
import type { Trace } from '../../../src/protocol/trace';
import { inspectJob } from '../../../src/runner/host/inspectJob';
import { runScratch } from '../../../src/runner/host/scratchRun';
import { WORKER } from '../../runner/helpers';
import golden from './inspector-golden.json';
import { goldenPrograms } from './programs';

type Arr = number[] | null;
// JSON wrote the old NaN and ±Infinity as null: x and numeric are never null otherwise.
interface OldFd { rows?: [number | null, number | null, number | null, boolean][]; agrees?: boolean; reason?: string }
interface OldNode { op: string; local: string[] | null; reason: string | null; step: { upstream: Arr; contributions: (Arr | 'skipped')[] } | null; fd: OldFd }
interface OldGradient { tapeIndex: number; nodes: OldNode[]; leaves: { tensorId: number; fd: OldFd }[]; walk: { node: number; contributions: (Arr | 'skipped')[] }[] | null; jvp: ({ tangents: Arr[]; targetTangent: number | null } | { reason: string })[] }
const GOLDEN = golden as unknown as Record<string, { gradients: (OldGradient | null)[] }>;

const root = path.resolve(__dirname, '..', '..', '..');
const n = (v: Num | number | null | undefined): number => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN);
const near = (a: number, b: number, tol: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
/** An old number JSON wrote as null was NaN or ±Infinity. */
const nearOld = (now: Num, old: number | null, tol: number): boolean => (old === null ? !Number.isFinite(n(now)) : near(n(now), old, tol));
/** Same numbers; "no contribution" (null) and all zeros say the same thing. */
function sameArr(old: Arr, now: Num[] | null | undefined, tol = 1e-6): boolean {
  if (!old) return !now || now.every((v) => n(v) === 0);
  if (!now) return old.every((v) => v === 0);
  return old.length === now.length && old.every((v, i) => nearOld(now[i], v, tol));
}

/** Ops whose derivative text their own file changed after the golden was captured (their numbers are still compared). */
const TEXT_CHANGED: Record<string, string> = {
  SoftmaxCrossEntropyWithLogits: '8cb43e9: TensorFlow’s gradient softmax − labels, also for labels not summing to 1',
};

/** Counts of what the engine answered where the old panel could not (reported, and must be > 0 where expected). */
const better = { fd: 0, chain: 0, offPath: 0 };

function compareFd(where: string, old: OldFd, now: FdAnswer, dtype?: string): void {
  if (dtype === 'int32' || dtype === 'bool') {
    // The old panel perturbed integer indices as floats; the engine says an integer tensor has no gradient to check.
    assert.ok(!now.ok && /not differentiable/.test(now.reason), `${where}: ${JSON.stringify(now)}`);
    return;
  }
  if (old.reason !== undefined) {
    if (now.ok) better.fd++;
    else assert.equal(now.reason, old.reason, `${where}: the same reason`);
    return;
  }
  assert.ok(now.ok, `${where}: the old panel checked this, the engine says ${!now.ok && now.reason}`);
  if (!now.ok) return;
  if (now.offPath) {
    // The old panel showed "autodiff 0" for a tensor the gradient call never differentiated (a constant
    // input off every path from a source): the engine says so instead, with the same central differences.
    assert.ok(old.rows!.every(([, auto]) => auto === 0), `${where}: off the path, the old panel showed zeros`);
    now.rows.forEach((r, i) => assert.ok(r.autodiff === null && nearOld(r.numeric, old.rows![i][2], 1e-5), `${where} row ${i}`));
    better.offPath++;
    return;
  }
  assert.equal(now.rows.length, old.rows!.length, `${where}: rows`);
  now.rows.forEach((r, i) => {
    const [x, auto, numeric, kink] = old.rows![i];
    assert.ok(nearOld(r.x, x, 1e-12), `${where} row ${i}: x ${r.x} vs ${x}`);
    if (auto === null) assert.ok(r.autodiff === null || typeof r.autodiff === 'string', `${where} row ${i}: null (or non-finite) autodiff`);
    if (auto !== null) assert.ok(near(n(r.autodiff), auto, 1e-12), `${where} row ${i}: autodiff`);
    // Central differences of the same float64 function, through different code: equal to ~1e-6.
    if (!kink && !r.kink) assert.ok(nearOld(r.numeric, numeric, 1e-5), `${where} row ${i}: numeric ${r.numeric} vs ${numeric}`);
  });
  assert.equal(now.agrees, old.agrees, `${where}: verdict`);
}

describe('inspector golden: the engine answers as the panel did', function () {
  this.timeout(120_000);
  // The golden is a frozen capture of the old panel math (deleted since): it covers the programs it
  // recorded, each of which must still exist; programs added later are the engine's own tests' (the
  // inspector answers for every op through the registry: test/runner/inspector.test.ts).
  const programs = goldenPrograms().filter((p) => path.relative(root, p) in GOLDEN);
  it('every fixture and example the golden recorded still exists', () => {
    assert.deepEqual(programs.map((p) => path.relative(root, p)).sort(), Object.keys(GOLDEN).sort());
  });
  let nodes = 0;
  for (const file of programs) {
    const rel = path.relative(root, file);
    it(rel, async () => {
      const trace: Trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 8000 });
      const old = GOLDEN[rel];
      assert.equal(trace.gradients.length, old.gradients.length, 'gradient calls');
      trace.gradients.forEach((g, gi) => {
        const og = old.gradients[gi];
        if (!og) return;
        const tape = trace.tapes[og.tapeIndex];
        const job = inspectJob(trace, g.id)!;
        assert.equal(tape.nodes.length, og.nodes.length, 'nodes');
        tape.nodes.forEach((node, k) => {
          const o = og.nodes[k];
          const where = `${rel} gradient ${gi} node ${k} (${node.op})`;
          assert.equal(node.op, o.op, where);
          nodes++;
          const a = inspect(job, { kind: 'node', tensorId: node.outputId, nodeId: node.id });
          assert.equal(a.kind, 'node');
          if (a.kind !== 'node') return;
          // The derivative text: the op's own, as the panel's table had it (a variadic op's first input).
          assert.ok(a.derivative, where);
          if (!(node.op in TEXT_CHANGED)) assert.deepEqual(a.derivative.local.slice(0, o.local!.length), o.local, `${where}: derivative text`);
          if (o.step) {
            assert.ok(a.chain, `${where}: on the path`);
            assert.ok(sameArr(o.step.upstream, a.chain.upstream), `${where}: upstream`);
            o.step.contributions.forEach((c, i) => {
              const t = a.chain!.terms[i];
              if (c === 'skipped') return assert.ok(t.skipped, `${where} input ${i}: skipped`);
              if (o.reason && !c) {
                if (!a.chain!.reason) better.chain++;
                return;
              }
              assert.ok(sameArr(c, t.contribution), `${where} input ${i}: ${JSON.stringify(c)} vs ${JSON.stringify(t.contribution)}`);
            });
            // Where the old panel could not re-compute the op, the engine replays it (better), or says the same.
            if (o.reason && a.chain.reason) assert.equal(a.chain.reason, o.reason, `${where}: the same reason (nothing to replay)`);
          } else assert.equal(a.chain, undefined, `${where}: off the path`);
          compareFd(where, o.fd, a.fd, node.output.dtype);
        });
        og.leaves.forEach((l, k) => {
          const a = inspect(job, { kind: 'node', tensorId: tape.leaves[k].tensorId });
          assert.equal(tape.leaves[k].tensorId, l.tensorId);
          if (a.kind === 'node') compareFd(`${rel} gradient ${gi} leaf ${k}`, l.fd, a.fd, tape.leaves[k].value.dtype);
        });
        g.sources.forEach((s, si) => {
          const oj = og.jvp[si];
          const w = inspect(job, { kind: 'walk', seed: s.tensorId, element: 0 });
          assert.equal(w.kind, 'walk');
          if (w.kind !== 'walk') return;
          if (og.walk) {
            assert.equal(w.steps.length, og.walk.length, `${rel}: walk steps`);
            w.steps.forEach((st, i) => {
              const os = og.walk![i];
              assert.equal(st.nodeId, tape.nodes[os.node].id);
              os.contributions.forEach((c, j) => (c === 'skipped' ? assert.ok(st.terms[j].skipped) : og.nodes[os.node].reason || assert.ok(sameArr(c, st.terms[j].contribution), `${rel} walk ${i}.${j}`)));
            });
          }
          if (s.gradient === null && trace.tapes[og.tapeIndex].leaves.some((l) => l.tensorId === s.tensorId && l.value.dtype === 'int32')) {
            // The old panel treated cast(int32 → float32) as the identity and pushed a tangent through it;
            // the engine, as TensorFlow, gives an integer tensor no tangent (reverse mode gave null too).
            assert.ok(!w.jvp.ok && /int32 tensor carries no tangent/.test(w.jvp.reason), `${rel}: int32 seed`);
            return;
          }
          if ('reason' in oj) {
            if (!w.jvp.ok) assert.equal(w.jvp.reason, oj.reason);
            return;
          }
          assert.ok(w.jvp.ok, `${rel} jvp of source ${si}: ${!w.jvp.ok && w.jvp.reason}`);
          if (!w.jvp.ok) return;
          assert.ok(nearOld(w.jvp.targetTangent, oj.targetTangent, 1e-6), `${rel} jvp: ${w.jvp.targetTangent} vs ${oj.targetTangent}`);
          const byNode = new Map(w.jvp.tangents.map((t) => [t.nodeId, t.values]));
          tape.nodes.forEach((node, k) => assert.ok(sameArr(oj.tangents[k], byNode.get(node.id)), `${rel} jvp tangent of node ${k} (${node.op})`));
        });
      });
    });
  }
  after(() => console.log(`      inspector golden: ${nodes} nodes; the engine answered ${better.fd} finite-difference checks and ${better.chain} chain-rule products the old panel could not, and said "not computed" for ${better.offPath} off-path tensors where it showed autodiff 0`));
});
