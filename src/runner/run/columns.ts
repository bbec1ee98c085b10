/**
 * What goes out in columns (src/protocol/worker.ts): undetailed loop steps (`tapeRows`), gradient
 * calls of undetailed steps (`gradientRows`), detailed nodes and leaves alike but for their numbers
 * (`nodeRows`, `leafRows`) and curve points (`curveRows`). The recorder fills the groups; pack()
 * empties them into events just before a batch is sent. (Detailed tapes and calls go out at once, one row each.)
 */
import type { SourcePos } from '../../protocol/trace';
import { TAPE_DETAILED, TAPE_PERSISTENT, TAPE_SENT_BEFORE, TAPE_WATCHES_VARIABLES, type TraceEvent } from '../../protocol/worker';
import type { CurveRows, GradientRows, LeafRows, LoopState, NodeRows, TapeState } from './recordState';

export class Columns {
  /** Undetailed tapes whose counts changed since the last batch (sent as `tapeRows`). */
  readonly rowTapes = new Set<TapeState>();
  readonly gradientRows = new Map<SourcePos | undefined, GradientRows[]>();
  readonly nodeRows = new Map<SourcePos | undefined, NodeRows[]>();
  /** The nodes of held steps written out since the last batch, per tape (their rows go to that tape alone). */
  readonly heldNodeRows = new Map<TapeState, Map<SourcePos | undefined, NodeRows[]>>();
  /** Leaves met since the last batch, per detailed tape. */
  readonly leafRows = new Map<TapeState, LeafRows[]>();
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
    for (const list of byLoop.values()) out.push(tapeRows(list));
    for (const r of this.retired) {
      if (r.ints.length === 0) continue;
      if ('node' in r) out.push(nodeRows(r));
      else out.push({ kind: 'gradientRows', gradient: r.gradient, ints: r.ints.take(), nums: r.nums.take() });
    }
    this.retired.length = 0;
    for (const r of [...this.gradientRows.values()].flat()) {
      if (r.ints.length === 0) continue;
      out.push({ kind: 'gradientRows', gradient: r.gradient, ints: r.ints.take(), nums: r.nums.take() });
    }
    for (const r of [...this.nodeRows.values()].flat()) if (r.ints.length > 0) out.push(nodeRows(r));
    // Groups of one batch only: a written-out step is done, and a tape's leaves are few kinds.
    for (const byPos of this.heldNodeRows.values()) for (const r of [...byPos.values()].flat()) out.push(nodeRows(r));
    this.heldNodeRows.clear();
    for (const [ts, list] of this.leafRows) for (const r of list) out.push({ kind: 'leafRows', tapeId: ts.tape.id, leaf: r.leaf, ints: r.ints.take(), nums: r.nums.take() });
    this.leafRows.clear();
    for (const c of this.curveList) {
      if (c.steps.length === 0) continue;
      out.push({ kind: 'curveRows', name: c.name, curveKind: c.curveKind, ...(c.pos ? { pos: c.pos } : {}), steps: Float64Array.from(c.steps), values: Float64Array.from(c.values) });
      c.steps = [];
      c.values = [];
    }
    return out;
  }
}

function nodeRows(r: NodeRows): TraceEvent {
  return { kind: 'nodeRows', node: r.node, ints: r.ints.take(), nums: r.nums.take(), ...(r.tapeId !== undefined ? { tapeId: r.tapeId } : {}) };
}

/**
 * Tapes of one loop (one creation position: the same position and name) as a `tapeRows` event.
 * Everything else is per row: steps of one loop may differ in parent (a tape made inside another
 * tape's loop), persistence, and detail.
 */
export function tapeRows(list: readonly TapeState[]): TraceEvent {
  const { pos, name } = list[0].tape;
  const n = list.length;
  const ev = { kind: 'tapeRows' as const, tape: { ...(pos ? { pos } : {}), ...(name !== undefined ? { name } : {}) }, ids: new Int32Array(n), steps: new Int32Array(n), nodeCounts: new Int32Array(n), bytes: new Float64Array(n), parentIds: new Int32Array(n), flags: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const ts = list[i];
    const t = ts.tape;
    ev.ids[i] = t.id;
    ev.steps[i] = t.step;
    ev.nodeCounts[i] = ts.nodeCount;
    ev.bytes[i] = ts.bytes;
    ev.parentIds[i] = t.parentId ?? -1;
    ev.flags[i] = (t.persistent ? TAPE_PERSISTENT : 0) | (t.watchAccessedVariables ? TAPE_WATCHES_VARIABLES : 0) | (ts.mode === 'eager' ? TAPE_DETAILED : 0) | (ts.sent ? TAPE_SENT_BEFORE : 0);
    ts.sent = true;
  }
  return ev;
}
