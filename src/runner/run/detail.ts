/**
 * What a detailed step shows (nodes, leaves, value summaries), within the run's detail budgets:
 * at most MAX_DETAILED_NODES nodes with detail and VALUES_BUDGET full values over the whole run
 * (later nodes are counted only, later summaries keep `first` only). Which steps are detailed is
 * the step budget's question (steps.ts); this module writes out what they keep.
 */
import type { Tensor, Variable } from '../../engine/tensor';
import { FULL_VALUES_LIMIT, type DType, type SourcePos, type TraceLeaf, type TraceNode, type ValueSummary } from '../../protocol/trace';
import type { Columns } from './columns';
import type { Naming } from './naming';
import { inputList, madeAt, MAX_DETAILED_NODES, nameOf, NODE_FIELDS, ROW_GROUPS, sameShape, setName, show, TEMPLATE_LIMIT, VALUES_BUDGET, type NodeRows, type PendingNode, type RecorderHost, type TapeState } from './recordState';
import { sameAttrs, traceAttrs } from './attrs';
import { float64Column, hasNonFinite, int32Column, summarize, summarizeInto } from '../shared/summary';

export class Detail {
  /** Nodes written out with detail so far (MAX_DETAILED_NODES in all). */
  nodes = 0;
  /** Full values still allowed (VALUES_BUDGET in all). */
  private valuesLeft = VALUES_BUDGET;

  constructor(
    private readonly host: RecorderHost,
    private readonly naming: Naming,
    private readonly columns: Columns,
  ) {}

  /** The node budget is spent: later nodes are counted only. */
  get spent(): boolean {
    return this.nodes >= MAX_DETAILED_NODES;
  }

  /** Spends `n` values of the budget if they fit; callers ask only for values they keep (at most FULL_VALUES_LIMIT). */
  takeValues(n: number): boolean {
    if (this.valuesLeft < n) return false;
    this.valuesLeft -= n;
    return true;
  }

  summarize(t: Tensor, full: boolean, data: ArrayLike<number> = this.host.engine.peekValues(t)): ValueSummary {
    return summarize(t.shape, t.dtype as DType, data, full && data.length <= FULL_VALUES_LIMIT && this.takeValues(data.length));
  }

  leaf(ts: TapeState, t: Tensor, full: boolean, data?: ArrayLike<number>, watched = ts.watched.has(t.id)): TraceLeaf {
    const isVar = this.host.engine.isVariable(t);
    const made = madeAt(t);
    const name = nameOf(t) ?? (isVar ? this.naming.variableName(t as Variable) : this.naming.label(t));
    const leaf: TraceLeaf = {
      tensorId: t.id,
      kind: isVar ? 'variable' : made !== undefined ? 'constant' : 'tensor',
      watched,
      value: this.summarize(t, full, data),
    };
    if (name !== undefined) leaf.name = name;
    if (isVar) leaf.trainable = (t as Variable).trainable;
    if (made) leaf.pos = made;
    else if (t._debug?.pos) leaf.pos = t._debug.pos; // made by an op no tape recorded
    return leaf;
  }

  /** An eager step's input that no node of the tape produced: a leaf, sent once. */
  addLeaf(ts: TapeState, t: Tensor): void {
    if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
    ts.leafIds.add(t.id);
    show(t);
    const leaf = this.leaf(ts, t, true);
    if (ts.tape.step === 0 && ts.loop.leafTemplate.length < TEMPLATE_LIMIT) ts.loop.leafTemplate.push({ kind: leaf.kind, name: leaf.name, pos: leaf.pos });
    this.host.emit({ kind: 'leaf', tapeId: ts.tape.id, leaf });
  }

  private traceNode(p: PendingNode, full: boolean): TraceNode {
    const node: TraceNode = {
      id: p.nodeId,
      op: p.op,
      inputs: inputList(p.inputs, p.inputNames(p.inputs.length)),
      outputId: p.output.id,
      output: this.summarize(p.output, full),
      tapeIds: p.tapeIds,
    };
    if (p.pos) node.pos = p.pos;
    if (p.name !== undefined) node.name = p.name;
    if (p.nonFinite) node.nonFinite = true;
    const attrs = traceAttrs(p.attrs);
    if (attrs) node.attrs = attrs;
    return node;
  }

  /** A detailed node as a row of numbers under a template shared by nodes alike (a long tape repeats one op). */
  nodeRow(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[], pos: SourcePos | undefined, name: string | undefined, nonFinite: boolean, rawAttrs: unknown): void {
    this.nodes++;
    const data = this.host.engine.peekValues(out);
    const attrs = traceAttrs(rawAttrs);
    const withValues = this.valuesLeft >= data.length && data.length <= FULL_VALUES_LIMIT;
    const nodeRows = this.columns.nodeRows;
    let list = nodeRows.get(pos);
    if (!list) nodeRows.set(pos, (list = []));
    let rows: NodeRows | undefined;
    for (const r of list) {
      const n = r.node;
      if (n.op === op && n.name === name && (n.nonFinite === true) === nonFinite && n.inputs.length === inputs.length && (n.output.values !== undefined) === withValues && n.output.dtype === out.dtype && sameShape(n.output.shape, out.shape) && sameShape(n.tapeIds, tapeIds) && sameAttrs(n.attrs, attrs)) {
        rows = r;
        break;
      }
    }
    if (!rows) {
      const node: TraceNode = { id: 0, op, inputs: inputList(inputs, inputNames(inputs.length)), outputId: 0, output: summarize(out.shape, out.dtype as DType, data, withValues), tapeIds: tapeIds.slice() };
      if (pos) node.pos = pos;
      if (name !== undefined) node.name = name;
      if (attrs) node.attrs = attrs;
      if (nonFinite) node.nonFinite = true;
      rows = { node, ints: int32Column(), nums: float64Column() };
      // Nodes at one position that differ every time: the newest group takes the last place (a short search).
      if (list.length >= ROW_GROUPS) this.columns.retired.push(...list.splice(list.length - 1, 1));
      list.push(rows);
    }
    if (withValues) this.valuesLeft -= data.length;
    rows.ints.push(nodeId);
    rows.ints.push(out.id);
    for (let i = 0; i < inputs.length; i++) rows.ints.push(inputs[i].id);
    summarizeInto(data, rows.nums);
    if (withValues) {
      const buf = rows.nums.reserve(data.length);
      for (let i = 0; i < data.length; i++) buf[rows.nums.length++] = data[i];
    }
  }

  /**
   * A lazily held step (its StepBuffer) written out as an eager step would have been: its nodes
   * (taking positions and names from the loop's first step where the op sequence matches), then
   * the leaves they read, in the order an eager step meets them, in one `detail` event.
   */
  writeOut(ts: TapeState): void {
    const buf = ts.buf!;
    // Nodes first (they may take names from the loop's first step), then the leaves they read.
    const peek = this.host.engine.peekValues;
    const nodes: TraceNode[] = [];
    const template = ts.loop.template;
    const n = buf.nodeCount;
    const bn = buf.nodes;
    for (let i = 0; i < n; i++) ts.produced.add((bn[i * NODE_FIELDS + 2] as Tensor).id);
    for (let i = 0, start = 0; i < n; i++) {
      const f = i * NODE_FIELDS;
      const op = bn[f + 1] as string;
      const out = bn[f + 2] as Tensor;
      let pos = bn[f + 3] as SourcePos | undefined;
      let name = bn[f + 4] as string | undefined;
      const end = bn[f + 7] as number;
      if (this.spent) {
        ts.truncated = true;
        break;
      }
      const t = template[i];
      if (!pos && t && t.op === op) {
        if (t.pos) pos = t.pos;
        if (t.name !== undefined && name === undefined) {
          name = t.name;
          setName(out, t.name);
        }
      }
      this.nodes++;
      ts.emitted.add(out.id);
      show(out);
      const isFloat = out.dtype === 'float32' || out.dtype === 'float64';
      const nonFinite = isFloat && hasNonFinite(peek(out) as Float32Array | Float64Array);
      const inputs: Tensor[] = [];
      for (let k = start; k < end; k += 2) inputs.push(buf.inputs[k] as Tensor);
      start = end;
      const inputNames = bn[f + 6] as (count: number) => string[];
      nodes.push(this.traceNode({ nodeId: bn[f] as number, op, inputs, inputNames, output: out, pos, name, tapeIds: bn[f + 5] as number[], nonFinite, attrs: bn[f + 8] }, true));
    }
    // Leaves as an eager step meets them: watched tensors and inputs no node produced, in order.
    const leaves: TraceLeaf[] = [];
    const leafTemplate = ts.loop.leafTemplate;
    const addLeaf = (t: Tensor, data: ArrayLike<number>): void => {
      if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
      ts.leafIds.add(t.id);
      show(t);
      const leaf = this.leaf(ts, t, true, data);
      const tpl = leafTemplate[leaves.length];
      if (tpl && tpl.kind === leaf.kind) {
        if (leaf.name === undefined && tpl.name !== undefined) leaf.name = tpl.name;
        if (!leaf.pos && tpl.pos) leaf.pos = tpl.pos;
      }
      leaves.push(leaf);
    };
    const ws = buf.watches;
    let w = 0;
    let k = 0;
    for (let i = 0; i <= n; i++) {
      for (; w < ws.length && (ws[w + 2] as number) <= i; w += 3) {
        const t = ws[w] as Tensor;
        ts.watched.add(t.id);
        addLeaf(t, ws[w + 1] as ArrayLike<number>);
      }
      if (i < n) for (const end = bn[i * NODE_FIELDS + 7] as number; k < end; k += 2) addLeaf(buf.inputs[k] as Tensor, buf.inputs[k + 1] as ArrayLike<number>);
    }
    this.host.emit({ kind: 'detail', tapeId: ts.tape.id, leaves, nodes });
  }
}
