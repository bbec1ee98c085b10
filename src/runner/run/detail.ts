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
import { inputList, madeAt, MAX_DETAILED_NODES, nameOf, NODE_FIELDS, ROW_GROUPS, sameShape, setName, show, TEMPLATE_LIMIT, VALUES_BUDGET, type LeafRows, type LoopState, type NodeRows, type RecorderHost, type TapeState } from './recordState';
import { sameAttrs, traceAttrs } from './attrs';
import { float64Column, hasNonFinite, int32Column, rowTemplate, summarizeInto } from '../shared/summary';

/** A loop's first step's leaf at one place: a held step's leaf there takes its name and position. */
type LeafTemplate = LoopState['leafTemplate'][number];

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

  /** What rows of a tensor like `t` share: every value is kept when `full` and the values budget allows (it is spent here). */
  template(t: Tensor, full: boolean): ValueSummary {
    return rowTemplate(t.shape, t.dtype as DType, t.size, full && t.size <= FULL_VALUES_LIMIT && this.takeValues(t.size));
  }

  /**
   * A leaf met by a detailed tape, as a row of numbers under a template shared by leaves alike (a
   * long tape's constants are thousands of one kind). Its index in the tape's leaves is the order
   * the tape met it. `tpl`: the loop's first step's leaf at this place (a held step's leaves take
   * its name and position). Returns what rows share (the loop's first step keeps it as the template).
   */
  private leafRow(ts: TapeState, t: Tensor, data: ArrayLike<number>, tpl?: LeafTemplate): Omit<TraceLeaf, 'tensorId' | 'value'> {
    const isVar = this.host.engine.isVariable(t);
    const made = madeAt(t);
    const kind: TraceLeaf['kind'] = isVar ? 'variable' : made !== undefined ? 'constant' : 'tensor';
    const fields: Omit<TraceLeaf, 'tensorId' | 'value'> = { kind, watched: ts.watched.has(t.id) };
    let name = nameOf(t) ?? (isVar ? this.naming.variableName(t as Variable) : this.naming.label(t));
    // made by an op no tape recorded: where that op ran
    let pos = made ?? t._debug?.pos;
    if (tpl && tpl.kind === kind) {
      name ??= tpl.name;
      pos ??= tpl.pos;
    }
    if (name !== undefined) fields.name = name;
    if (isVar) fields.trainable = (t as Variable).trainable;
    if (pos) fields.pos = pos;
    const withValues = data.length <= FULL_VALUES_LIMIT && this.takeValues(data.length);
    let list = this.columns.leafRows.get(ts);
    if (!list) this.columns.leafRows.set(ts, (list = []));
    let rows: LeafRows | undefined;
    // The latest kinds only: a tape of many kinds of leaf makes more groups, never a long search.
    for (let i = list.length - 1; i >= 0 && i >= list.length - 32; i--) {
      const l = list[i].leaf;
      if (l.kind === kind && l.watched === fields.watched && l.name === name && l.trainable === fields.trainable && samePos(l.pos, fields.pos) && (l.value.values !== undefined) === withValues && l.value.dtype === t.dtype && sameShape(l.value.shape, t.shape)) {
        rows = list[i];
        break;
      }
    }
    if (!rows) list.push((rows = { leaf: { tensorId: 0, ...fields, value: rowTemplate(t.shape, t.dtype as DType, data.length, withValues) }, ints: int32Column(), nums: float64Column() }));
    rows.ints.push(t.id);
    rows.ints.push(ts.leafIds.size - 1);
    summarizeInto(data, rows.nums, withValues);
    return fields;
  }

  /** An eager step's input that no node of the tape produced: a leaf, sent once. */
  addLeaf(ts: TapeState, t: Tensor): void {
    if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
    ts.leafIds.add(t.id);
    show(t);
    const leaf = this.leafRow(ts, t, this.host.engine.peekValues(t));
    if (ts.tape.step === 0 && ts.loop.leafTemplate.length < TEMPLATE_LIMIT) ts.loop.leafTemplate.push({ kind: leaf.kind, name: leaf.name, pos: leaf.pos });
  }

  /**
   * A detailed node as a row of numbers under a template shared by nodes alike (a long tape repeats
   * one op). `held`: a held step written out, whose rows go to its tape alone.
   */
  nodeRow(nodeId: number, op: string, inputs: readonly Tensor[], inputNames: (count: number) => string[], out: Tensor, tapeIds: number[], pos: SourcePos | undefined, name: string | undefined, nonFinite: boolean, rawAttrs: unknown, held?: TapeState): void {
    this.nodes++;
    const data = this.host.engine.peekValues(out);
    const attrs = traceAttrs(rawAttrs);
    const withValues = this.valuesLeft >= data.length && data.length <= FULL_VALUES_LIMIT;
    let nodeRows = this.columns.nodeRows;
    if (held) {
      const byPos = this.columns.heldNodeRows.get(held);
      if (byPos) nodeRows = byPos;
      else this.columns.heldNodeRows.set(held, (nodeRows = new Map()));
    }
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
      const node: TraceNode = { id: 0, op, inputs: inputList(inputs, inputNames(inputs.length)), outputId: 0, output: rowTemplate(out.shape, out.dtype as DType, data.length, withValues), tapeIds: tapeIds.slice() };
      if (pos) node.pos = pos;
      if (name !== undefined) node.name = name;
      // Keys in the order the trace has always had them (its JSON is compared as text): a held step's nodes were objects of their own.
      if (attrs && !held) node.attrs = attrs;
      if (nonFinite) node.nonFinite = true;
      if (attrs && held) node.attrs = attrs;
      rows = { node, ints: int32Column(), nums: float64Column(), ...(held ? { tapeId: held.tape.id } : {}) };
      // Nodes at one position that differ every time: the newest group takes the last place (a short search).
      if (list.length >= ROW_GROUPS) this.columns.retired.push(...list.splice(list.length - 1, 1));
      list.push(rows);
    }
    if (withValues) this.valuesLeft -= data.length;
    rows.ints.push(nodeId);
    rows.ints.push(out.id);
    for (let i = 0; i < inputs.length; i++) rows.ints.push(inputs[i].id);
    summarizeInto(data, rows.nums, withValues);
  }

  /**
   * A lazily held step (its StepBuffer) written out as an eager step would have been: a `detail`
   * event, then its nodes (taking positions and names from the loop's first step where the op
   * sequence matches), then the leaves they read, in the order an eager step meets them, as rows
   * of the next batch.
   */
  writeOut(ts: TapeState): void {
    const buf = ts.buf!;
    this.host.emit({ kind: 'detail', tapeId: ts.tape.id });
    // Nodes first (they may take names from the loop's first step), then the leaves they read.
    const peek = this.host.engine.peekValues;
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
      ts.emitted.add(out.id);
      show(out);
      const isFloat = out.dtype === 'float32' || out.dtype === 'float64';
      const nonFinite = isFloat && hasNonFinite(peek(out) as Float32Array | Float64Array);
      const inputs: Tensor[] = [];
      for (let k = start; k < end; k += 2) inputs.push(buf.inputs[k] as Tensor);
      start = end;
      this.nodeRow(bn[f] as number, op, inputs, bn[f + 6] as (count: number) => string[], out, bn[f + 5] as number[], pos, name, nonFinite, bn[f + 8], ts);
    }
    // Leaves as an eager step meets them: watched tensors and inputs no node produced, in order.
    const leafTemplate = ts.loop.leafTemplate;
    const addLeaf = (t: Tensor, data: ArrayLike<number>): void => {
      if (ts.leafIds.has(t.id) || ts.produced.has(t.id)) return;
      const tpl = leafTemplate[ts.leafIds.size];
      ts.leafIds.add(t.id);
      show(t);
      this.leafRow(ts, t, data, tpl);
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
  }
}

/** Two positions are the same place (or both absent). */
function samePos(a: SourcePos | undefined, b: SourcePos | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.line === b.line && a.column === b.column && a.file === b.file);
}
