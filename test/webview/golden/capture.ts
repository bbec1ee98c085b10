// One-off: records what the panel's own math (webview/model/ops.ts + miniEval.ts, before they were
// deleted) showed in the inspector for every node of every fixture and example, so the engine-backed
// answers can be checked against it (inspectorGolden.test.ts). Run: npx tsx test/webview/golden/capture.ts
import fs from 'node:fs';
import path from 'node:path';
import { runScratch } from '../../../src/runner/host/scratchRun';
import type { Trace } from '../../../src/protocol/trace';
import { backwardWalk, Evaluator, fdCheck, forwardJvp, nodeStep } from '../../../webview/model/miniEval';
import { fillNames, opInfo, type T } from '../../../webview/model/ops';
import { goldenPrograms } from './programs';

const arr = (t: T | undefined | null) => (t ? Array.from(t.data) : null);

async function main(): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const file of goldenPrograms()) {
    const trace: Trace = await runScratch({ file, timeoutMs: 5000 });
    const rel = path.relative(process.cwd(), file);
    const grads = trace.gradients.map((g) => {
      const tape = trace.tapes.find((t) => t.id === g.tapeId);
      if (!tape || !tape.detailed || !tape.nodes.length) return null;
      const ev = new Evaluator(tape, trace.tapes);
      const nodes = tape.nodes.map((n) => {
        const info = opInfo(n.op);
        const names = n.inputs.map((i) => i.name);
        const impl = ev.impl(n);
        const step = nodeStep(ev, g, n);
        const fd = fdCheck(ev, g, n.outputId);
        return {
          op: n.op,
          math: info ? fillNames(info.math, names) : null,
          local: info ? info.local.map((l) => fillNames(l, names)) : null,
          reason: typeof impl === 'string' ? impl : null,
          step: step ? { upstream: arr(step.upstream), contributions: step.contributions.map((c) => (c.skipped ? 'skipped' : arr(c.contribution))) } : null,
          fd: fd.ok ? { rows: fd.rows.map((r) => [r.x, r.autodiff, r.numeric, r.kink]), agrees: fd.agrees } : { reason: fd.reason },
        };
      });
      const leaves = tape.leaves.map((l) => {
        const fd = fdCheck(ev, g, l.tensorId);
        return { tensorId: l.tensorId, fd: fd.ok ? { rows: fd.rows.map((r) => [r.x, r.autodiff, r.numeric, r.kink]), agrees: fd.agrees } : { reason: fd.reason } };
      });
      const walk = tape.nodes.length <= 300 ? backwardWalk(ev, g).map((s) => ({ node: tape.nodes.indexOf(s.node), contributions: s.contributions.map((c) => (c.skipped ? 'skipped' : arr(c.contribution))) })) : null;
      const jvp = g.sources.map((s) => {
        const r = forwardJvp(ev, g, s.tensorId, 0);
        return r.ok ? { tangents: tape.nodes.map((n) => arr(r.tangents.get(n.id))), targetTangent: r.targetTangent } : { reason: r.reason };
      });
      return { tapeIndex: trace.tapes.indexOf(tape), nodes, leaves, walk, jvp };
    });
    out[rel] = { ok: trace.ok, gradients: grads };
    console.log(rel, trace.gradients.length, 'gradients');
  }
  fs.writeFileSync(path.join(__dirname, 'inspector-golden.json'), JSON.stringify(out));
}
void main();
