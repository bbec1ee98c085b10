/**
 * What goes out in columns (src/protocol/worker.ts): undetailed loop steps (`tapeRows`), gradient
 * calls of undetailed steps (`gradientRows`), detailed nodes alike but for their numbers
 * (`nodeRows`) and curve points (`curveRows`). The recorder fills the groups; pack() empties them
 * into events just before a batch is sent.
 */
import type { SourcePos } from '../../protocol/trace';
import type { TraceEvent } from '../../protocol/worker';
import type { CurveRows, GradientRows, LoopState, NodeRows, TapeState } from './recordState';

export class Columns {
  /** Undetailed tapes whose counts changed since the last batch (sent as `tapeRows`). */
  readonly rowTapes = new Set<TapeState>();
  readonly gradientRows = new Map<SourcePos | undefined, GradientRows[]>();
  readonly nodeRows = new Map<SourcePos | undefined, NodeRows[]>();
  /** Groups replaced since the last batch (past ROW_GROUPS kinds at one position): their rows still go out. */
  readonly retired: (NodeRows | GradientRows)[] = [];
  readonly curveRows = { summary: new Map<string, CurveRows>(), target: new Map<string, CurveRows>() };
  /** The same curves in the order they began. */
  readonly curveList: CurveRows[] = [];


  /** Curve points go out in columns, one event per curve per batch. */
  curvePoint(name: string, curveKind: 'summary' | 'target', pos: SourcePos | undefined, step: number, value: number): void {
    const byName = this.curveRows[curveKind];
    let c = byName.get(name);
    if (!c) {
      byName.set(name, (c = { name, curveKind, ...(pos ? { pos } : {}), steps: [], values: [] }));
      this.curveList.push(c);
    }
    c.steps.push(step);
    c.values.push(value);
  }

  /** What waits to go out in columns: called by the host's flush, just before a batch is sent. */
  pack(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const byLoop = new Map<LoopState, TapeState[]>();
    for (const ts of this.rowTapes) {
      if (!ts.compact) continue;
      let l = byLoop.get(ts.loop);
      if (!l) byLoop.set(ts.loop, (l = []));
      l.push(ts);
    }
    this.rowTapes.clear();
    for (const list of byLoop.values()) {
      const { id: _id, step: _step, nodeCount: _n, bytes: _b, detailed: _d, leaves: _l, nodes: _nodes, truncated: _t, ...tape } = list[0].tape;
      out.push({
        kind: 'tapeRows',
        tape,
        ids: Int32Array.from(list, (t) => t.tape.id),
        steps: Int32Array.from(list, (t) => t.tape.step),
        nodeCounts: Int32Array.from(list, (t) => t.nodeCount),
        bytes: Float64Array.from(list, (t) => t.bytes),
      });
    }
    for (const r of this.retired) {
      if (r.ints.length === 0) continue;
      if ('node' in r) out.push({ kind: 'nodeRows', node: r.node, ints: r.ints.take(), nums: r.nums.take() });
      else out.push({ kind: 'gradientRows', gradient: r.gradient, ints: r.ints.take(), nums: r.nums.take() });
    }
    this.retired.length = 0;
    for (const r of [...this.gradientRows.values()].flat()) {
      if (r.ints.length === 0) continue;
      out.push({ kind: 'gradientRows', gradient: r.gradient, ints: r.ints.take(), nums: r.nums.take() });
    }
    for (const r of [...this.nodeRows.values()].flat()) {
      if (r.ints.length === 0) continue;
      out.push({ kind: 'nodeRows', node: r.node, ints: r.ints.take(), nums: r.nums.take() });
    }
    for (const c of this.curveList) {
      if (c.steps.length === 0) continue;
      out.push({ kind: 'curveRows', name: c.name, curveKind: c.curveKind, ...(c.pos ? { pos: c.pos } : {}), steps: Float64Array.from(c.steps), values: Float64Array.from(c.values) });
      c.steps = [];
      c.values = [];
    }
    return out;
  }
}
