// Lookups over one Trace, built once per run so a hover answers in well under a millisecond.
// No vscode import: unit-tested in plain Node.
import type {
  Trace, TraceGradient, TraceGradientSource, TraceLeaf, TraceNode, TraceTape, ValueSummary, NullReason, SourcePos,
} from '../../protocol/trace';
import { gradientsByTape, gradientsFor } from '../../protocol/traceQueries';

/** A tensor the trace knows: a recorded node's output or a leaf (variable, constant, watched tensor). */
export interface TensorRef {
  tensorId: number;
  tape: TraceTape;
  node?: TraceNode;
  leaf?: TraceLeaf;
  /** The name a person would use: the source identifier, else the op name, else `tensor#id`. */
  label: string;
  value: ValueSummary;
  pos?: SourcePos;
}

/** ∂target/∂tensor for one gradient call: a value, or null with the engine's reason. */
export interface Derivative {
  gradient: TraceGradient;
  /** `∂loss/∂weights` */
  label: string;
  value: ValueSummary | null;
  nullReason?: NullReason;
}

/** Where a tape sits in a loop: tapes created at the same line are the steps of one loop. */
export interface StepInfo {
  /** 1-based. */
  step: number;
  of: number;
}

const inMainFile = (pos: SourcePos | undefined): pos is SourcePos => !!pos && !pos.file;

export class TraceIndex {
  private static readonly cache = new WeakMap<Trace, TraceIndex>();

  /** The index of a trace, built on first use and kept as long as the trace is. */
  static of(trace: Trace): TraceIndex {
    let index = TraceIndex.cache.get(trace);
    if (!index) TraceIndex.cache.set(trace, (index = new TraceIndex(trace)));
    return index;
  }

  readonly tapesById = new Map<number, TraceTape>();
  /** Tapes by the line of `new tf.GradientTape(`, in step order. */
  readonly tapesByLine = new Map<number, TraceTape[]>();
  readonly nodesByLine = new Map<number, { node: TraceNode; tape: TraceTape }[]>();
  readonly gradientsByLine = new Map<number, TraceGradient[]>();
  readonly gradientsByTape: Map<number, TraceGradient[]>;
  /** Every tensor by id; when a tensor appears in several tapes (a variable in a loop), the latest tape wins. */
  readonly tensors = new Map<number, TensorRef>();
  /** Tensors by source name, in recording order. */
  readonly byName = new Map<string, TensorRef[]>();

  private constructor(readonly trace: Trace) {
    this.gradientsByTape = gradientsByTape(trace);
    for (const tape of trace.tapes) {
      this.tapesById.set(tape.id, tape);
      if (inMainFile(tape.pos)) push(this.tapesByLine, tape.pos.line, tape);
      for (const leaf of tape.leaves) {
        this.addTensor({ tensorId: leaf.tensorId, tape, leaf, label: leaf.name ?? `tensor#${leaf.tensorId}`, value: leaf.value, pos: leaf.pos }, leaf.name);
      }
      for (const node of tape.nodes) {
        if (inMainFile(node.pos)) push(this.nodesByLine, node.pos.line, { node, tape });
        this.addTensor({ tensorId: node.outputId, tape, node, label: node.name ?? node.op, value: node.output, pos: node.pos }, node.name);
      }
    }
    for (const tapes of this.tapesByLine.values()) tapes.sort((a, b) => a.step - b.step);
    for (const g of trace.gradients) {
      if (inMainFile(g.pos)) push(this.gradientsByLine, g.pos.line, g);
      // Targets and sources carry the names the source code gave them, even when the node has none.
      for (const t of g.targets) if (t.name) this.nameTensor(t.tensorId, t.name);
      for (const s of g.sources) if (s.name) this.nameTensor(s.tensorId, s.name);
    }
  }

  private addTensor(ref: TensorRef, name: string | undefined): void {
    this.tensors.set(ref.tensorId, ref);
    if (name) push(this.byName, name, ref);
  }

  private nameTensor(tensorId: number, name: string): void {
    const ref = this.tensors.get(tensorId);
    if (!ref) return;
    if (!ref.node?.name && !ref.leaf?.name) ref.label = name;
    const list = this.byName.get(name);
    if (!list?.includes(ref)) push(this.byName, name, ref);
  }

  /** Step k of N for a tape: its position among the tapes created at the same line. */
  stepOf(tape: TraceTape): StepInfo {
    const loop = inMainFile(tape.pos) ? this.tapesByLine.get(tape.pos.line) : undefined;
    if (!loop || loop.length < 2) return { step: 1, of: 1 };
    const of = Math.max(loop.length, loop[loop.length - 1].step + 1);
    return { step: tape.step + 1, of };
  }

  /** The last tape (latest step) created at a line, preferring one whose detail was kept. */
  lastTapeAt(line: number): TraceTape | undefined {
    const loop = this.tapesByLine.get(line);
    if (!loop) return undefined;
    for (let i = loop.length - 1; i >= 0; i--) if (loop[i].detailed) return loop[i];
    return loop[loop.length - 1];
  }

  /** The latest-step tensor with this source name. */
  latestByName(name: string): TensorRef | undefined {
    const refs = this.byName.get(name);
    return refs?.[refs.length - 1];
  }

  /** Nodes recorded at a line, only from the latest step of each loop. */
  latestNodesAt(line: number): { node: TraceNode; tape: TraceTape }[] {
    const all = this.nodesByLine.get(line) ?? [];
    if (all.length < 2) return all;
    const lastStep = all.reduce((m, e) => Math.max(m, e.tape.step), -Infinity);
    return all.filter((e) => e.tape.step === lastStep);
  }

  /** The gradient calls at a line, latest step last. */
  gradientsAt(line: number): TraceGradient[] {
    return this.gradientsByLine.get(line) ?? [];
  }

  /** The latest-step gradient calls at a line (one per call site on the line). */
  latestGradientsAt(line: number): TraceGradient[] {
    const all = this.gradientsAt(line);
    if (all.length < 2) return all;
    // reduce, not Math.max(...): a long loop has more calls than a spread may pass.
    const lastStep = all.reduce((m, g) => Math.max(m, g.step), -Infinity);
    return all.filter((g) => g.step === lastStep);
  }

  /** `loss` for a gradient's targets (joined with + for several), as the source named them. */
  targetLabel(g: TraceGradient): string {
    const names = g.targets.map((t) => t.name ?? this.tensors.get(t.tensorId)?.label ?? 'target');
    return names.length ? names.join(' + ') : 'target';
  }

  sourceLabel(s: TraceGradientSource): string {
    return s.name ?? this.tensors.get(s.tensorId)?.label ?? (s.key !== undefined ? `sources[${JSON.stringify(s.key)}]` : 'source');
  }

  /**
   * Every derivative whose path runs through a tensor: as a source of a gradient call (the result,
   * or null and why), or as an intermediate on the path (the adjoint ∂target/∂tensor).
   * Only gradient calls of the tensor's own tape step, so a loop shows its latest step.
   */
  derivativesOf(ref: TensorRef): Derivative[] {
    const out: Derivative[] = [];
    const calls = [...(this.gradientsByTape.get(ref.tape.id) ?? []), ...(ref.tape.parentId !== undefined ? (this.gradientsByTape.get(ref.tape.parentId) ?? []) : [])];
    for (const g of calls) {
      const target = this.targetLabel(g);
      const source = g.sources.find((s) => s.tensorId === ref.tensorId);
      if (source) {
        out.push({ gradient: g, label: `∂${target}/∂${this.sourceLabel(source)}`, value: source.gradient, nullReason: source.nullReason });
        continue;
      }
      // ∂loss/∂loss = 1 says nothing.
      if (g.targets.some((t) => t.tensorId === ref.tensorId)) continue;
      const adj = g.adjoints.find((a) => a.tensorId === ref.tensorId);
      if (adj) out.push({ gradient: g, label: `∂${target}/∂${ref.label}`, value: adj.value });
    }
    return out;
  }

  /** The ∂target/∂source labels of the gradient calls on a set of tapes, without repeats. */
  derivativeLabels(tapes: TraceTape[]): string[] {
    const labels = new Set<string>();
    for (const g of gradientsFor(this.trace, tapes)) {
      for (const s of g.sources) labels.add(`∂${this.targetLabel(g)}/∂${this.sourceLabel(s)}`);
    }
    return [...labels];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
