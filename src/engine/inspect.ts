/**
 * The node inspector's numbers, computed by the engine itself: a recorded node is replayed through
 * its real op (found in the registry by name) on its recorded inputs and attributes.
 *
 * - the op's derivative text (OpSpec.derivative), one clause per input;
 * - the chain-rule step at a node: upstream adjoint × local derivative, by the op's gradient rule;
 * - a finite-difference check of ∂target/∂t: central differences through the recorded path;
 * - forward mode: tangents pushed node by node through ForwardAccumulator (the op's own rule).
 *
 * Everything is replayed in float64 (float32 values are widened, a `dtype: 'float32'` attribute
 * becomes float64), so the central differences measure the math, not float32 rounding. A node is
 * used only after its replay reproduced the recorded output. Plain data in and out (no Trace types:
 * the runner turns a Trace into a {@link InspectJob}); numbers out are {@link Num}s, JSON-safe.
 */
import type { DType } from './dtype';
import { ForwardAccumulator } from './forward';
import { registry, type OpDef } from './op';
import { GradientTape } from './tape';
import { Tensor } from './tensor';

/** A number that may be non-finite, written so that JSON keeps it. */
export type Num = number | 'NaN' | 'Infinity' | '-Infinity';

/** A recorded tensor value kept in full. */
export interface ReplayValue {
  shape: number[];
  dtype: DType;
  values: ArrayLike<number>;
}

export interface ReplayNode {
  id: number;
  op: string;
  /** As recorded (TraceNode.attrs). */
  attrs?: Readonly<Record<string, unknown>>;
  inputs: readonly { name: string; tensorId: number }[];
  outputId: number;
  /** The node's line in the user's file, for messages. */
  line?: number;
}

/** A gradient call on a recorded tape, as data: what the inspector replays. */
export interface InspectJob {
  /** The tape's nodes in recorded order. */
  nodes: ReplayNode[];
  /** Values kept in full, by tensor id; a tensor absent here kept only a summary. */
  values: Map<number, ReplayValue>;
  /** Tensor ids of the gradient call's targets (non-scalar targets are summed, as TensorFlow). */
  targets: number[];
  /** The recorded adjoint ∂target/∂t of each tensor on the path: values, or null where only a summary was kept. */
  adjoints: Map<number, ArrayLike<number> | null>;
  /** The call's sources: their gradient as recorded (null: autodiff returned null, with why). */
  sources: { tensorId: number; gradient: ArrayLike<number> | null | 'summary'; nullReason?: string }[];
}

export type InspectQuery =
  /** A node (or a leaf: no nodeId) of the graph: derivative, chain-rule step, finite-difference check. */
  | { kind: 'node'; tensorId: number; nodeId?: number }
  /** The backward walkthrough, and forward mode seeded at element `element` of tensor `seed`. */
  | { kind: 'walk'; seed: number; element: number };

export interface FdRow {
  index: number;
  x: Num;
  autodiff: Num | null;
  numeric: Num;
  relErr: Num;
  /** The one-sided differences disagree: a non-differentiable point (relu or |x| at 0, a tie) within the step. */
  kink: boolean;
}

export type FdAnswer =
  | { ok: false; reason: string }
  | {
      ok: true;
      rows: FdRow[];
      maxRelErr: Num;
      agrees: boolean;
      h: number;
      tolerance: number;
      /** Autodiff returned null for this source: the differences show the real dependence. */
      nullReason?: string;
      /**
       * The tensor is neither a source nor on a path from one (a constant input), so the gradient call
       * did not compute ∂target/∂it: there is no autodiff column, the differences show the dependence.
       */
      offPath?: true;
      /** Elements not checked (the check looks at the first few). */
      skipped: number;
    };

export interface ChainTerm {
  input: string;
  tensorId: number;
  /** The op's local derivative for this input. */
  local: string;
  /** No path from this input to a source: the backward pass skips it. */
  skipped: boolean;
  /** upstream × local, by the op's gradient rule (null: no gradient flows to this input). */
  contribution: Num[] | null;
}

export interface ChainStep {
  nodeId: number;
  upstream: Num[] | null;
  terms: ChainTerm[];
  /** Why the numbers could not be computed (a summary-only value, an op that cannot be replayed). */
  reason?: string;
}

export interface NodeAnswer {
  kind: 'node';
  /** The op's derivative text and one clause per input; absent for a leaf. */
  derivative?: { text: string; local: string[] };
  /** Absent when the node is not on the path from the sources to the target. */
  chain?: ChainStep;
  fd: FdAnswer;
}

export interface WalkStep extends ChainStep {
  /** Per term: the input's adjoint after adding this contribution, and whether it is now complete. */
  accumulated: (Num[] | null)[];
  complete: boolean[];
  /** Per term, when complete: does the sum equal the recorded adjoint? */
  matches: (boolean | null)[];
  recorded: (Num[] | null)[];
}

export interface WalkAnswer {
  kind: 'walk';
  steps: WalkStep[];
  jvp: { ok: false; reason: string } | { ok: true; tangents: { nodeId: number; values: Num[] }[]; targetTangent: Num; reverse: Num | null };
}

export type InspectAnswer = NodeAnswer | WalkAnswer;

/** Relative error the finite-difference check accepts. */
export const FD_TOLERANCE = 1e-3;
/** Longest path the check replays (each element costs three passes over it). */
export const FD_MAX_PATH = 3000;
const FD_STEP = 1e-5;

const num = (v: number): Num => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
const nums = (a: ArrayLike<number>): Num[] => Array.from(a, num);
export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
}
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 2e-4): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= 1e-6 + tol * Math.max(Math.abs(x), Math.abs(y)))) return false;
  }
  return true;
};

/** The registered op of this name (the live registry: an op defined after start-up is found too). */
export function findOp(name: string): OpDef<never> | undefined {
  for (let i = registry.length - 1; i >= 0; i--) if (registry[i].name === name) return registry[i];
  return undefined;
}

/**
 * The op's derivative text, and the clause for each input: clauses are joined by ", " and start
 * with ∂; a variadic op's one clause is given each input's name (`values` → `values[1]`).
 */
export function derivativeOf(op: OpDef<never>, inputNames: readonly string[]): { text: string; local: string[] } {
  const text = op.derivative;
  const clauses = text.split(/, (?=∂)/);
  const local = inputNames.map((name, i) => {
    if (op.variadic) return clauses[0].replace(new RegExp(`\\b${op.inputs[0]}\\b`, 'g'), name);
    const declared = op.inputs[i];
    return clauses.find((c) => declared !== undefined && new RegExp(`^∂\\w+/∂${declared}\\b`).test(c)) ?? clauses[i] ?? text;
  });
  return { text, local };
}

/** A float value widened to float64; integer and bool values keep their dtype. */
function tensor64(v: ReplayValue, values: ArrayLike<number> = v.values): Tensor {
  const dtype: DType = v.dtype === 'float32' ? 'float64' : v.dtype;
  const data = dtype === 'float64' ? Float64Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return new Tensor(data, v.shape.slice(), dtype);
}

/** Recorded attributes as the op takes them, in float64: Num strings back to numbers, float32 → float64. */
function attrs64(a: Readonly<Record<string, unknown>> | undefined): unknown {
  if (a === undefined) return undefined;
  const conv = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(conv) : v === 'float32' ? 'float64' : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(a)) out[k] = conv(a[k]);
  return out;
}

/** Replays one recorded gradient call's tape. */
export class Replay {
  private readonly byOutput = new Map<number, ReplayNode>();
  private readonly checked = new Map<number, string | OpDef<never>>();

  constructor(readonly job: InspectJob) {
    for (const n of job.nodes) this.byOutput.set(n.outputId, n);
  }

  /** The op that reproduces this node's recorded output, or why there is none. */
  opFor(node: ReplayNode): OpDef<never> | string {
    let r = this.checked.get(node.id);
    if (r === undefined) {
      r = this.check(node);
      this.checked.set(node.id, r);
    }
    return r;
  }

  private check(node: ReplayNode): OpDef<never> | string {
    const op = findOp(node.op);
    if (!op) return `no op named ${node.op} is registered in the engine`;
    if (op.unreplayable) return op.unreplayable;
    const xs = node.inputs.map((i) => this.job.values.get(i.tensorId));
    const y = this.job.values.get(node.outputId);
    if (xs.some((x) => !x) || !y) return 'values too large to keep in the trace';
    try {
      const out = op.forward(xs.map((x) => tensor64(x!)), attrs64(node.attrs) as never);
      if (!close(out.data, y.values)) return `replaying ${node.op} did not reproduce the recorded output`;
    } catch (e) {
      return `replaying ${node.op} failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    return op;
  }

  private inputs(node: ReplayNode, over?: Map<number, Tensor>): Tensor[] {
    return node.inputs.map((i) => over?.get(i.tensorId) ?? tensor64(this.job.values.get(i.tensorId)!));
  }

  /** Each input's share of the adjoint: the op's gradient rule applied to `upstream` (null: none flows). */
  vjp(node: ReplayNode, op: OpDef<never>, upstream: ArrayLike<number>): (Float64Array | null)[] {
    const xs = this.inputs(node);
    const tape = new GradientTape({ persistent: false, watchAccessedVariables: false });
    const floats = xs.filter((x) => x.dtype === 'float64');
    const out = tape.record(() => {
      tape.watch(floats);
      return op.apply(xs, attrs64(node.attrs) as never);
    });
    const dy = new Tensor(Float64Array.from(upstream), out.shape.slice(), 'float64');
    const gs = tape.gradient(out, floats, { outputGradients: dy }) as (Tensor | null)[];
    return xs.map((x) => {
      const k = floats.indexOf(x);
      const g = k >= 0 ? gs[k] : null;
      return g ? Float64Array.from(g.data) : null;
    });
  }

  /** Nodes that depend on tensor `from` and lead to a target, in recorded order. */
  pathNodes(from: number): ReplayNode[] {
    const reach = new Set([from]);
    const down: ReplayNode[] = [];
    for (const n of this.job.nodes)
      if (n.inputs.some((i) => reach.has(i.tensorId))) {
        reach.add(n.outputId);
        down.push(n);
      }
    const need = new Set(this.job.targets);
    const out: ReplayNode[] = [];
    for (let k = down.length - 1; k >= 0; k--) {
      const n = down[k];
      if (need.has(n.outputId)) {
        out.push(n);
        for (const i of n.inputs) need.add(i.tensorId);
      }
    }
    return out.reverse();
  }

  /** Σ of every target element with tensor `id` replaced by `x`. */
  private targetSum(path: ReplayNode[], id: number, x: Tensor): number {
    const over = new Map<number, Tensor>([[id, x]]);
    for (const n of path) over.set(n.outputId, (this.opFor(n) as OpDef<never>).forward(this.inputs(n, over), attrs64(n.attrs) as never));
    let s = 0;
    for (const t of this.job.targets) {
      const v = over.get(t)?.data ?? this.job.values.get(t)?.values;
      if (v) for (let i = 0; i < v.length; i++) s += v[i];
    }
    return s;
  }

  /** Central differences of the target with respect to tensor `id`, beside the recorded autodiff adjoint. */
  fdCheck(id: number, maxElements = 16): FdAnswer {
    const fail = (reason: string): FdAnswer => ({ ok: false, reason });
    if (!this.job.targets.length) return fail('no gradient was computed for this tape');
    const x0 = this.job.values.get(id);
    if (!x0) return fail('the value is too large to be kept in the trace');
    if (x0.dtype !== 'float32' && x0.dtype !== 'float64') return fail(`a ${x0.dtype} tensor is not differentiable (it gets no gradient), so there is nothing to check`);
    const targets = this.job.targets;
    if (targets.some((t) => !this.byOutput.has(t) && !this.job.values.has(t))) return fail('the op that computed the target was not recorded in detail (the tape was truncated)');
    const path = this.pathNodes(id);
    if (path.length > FD_MAX_PATH) return fail(`the path to the target has ${path.length} ops, more than the ${FD_MAX_PATH} the check replays`);
    if (path.length > 300) maxElements = Math.min(maxElements, 4);
    for (const n of path) {
      const op = this.opFor(n);
      if (typeof op === 'string') return fail(`${n.op}${n.line ? ` (line ${n.line})` : ''}: ${op}`);
    }
    const src = this.job.sources.find((s) => s.tensorId === id);
    const adj = this.job.adjoints.get(id) ?? (src && src.gradient !== 'summary' ? src.gradient : undefined);
    if ((this.job.adjoints.has(id) && adj === null) || src?.gradient === 'summary') return fail('the gradient is too large to be kept in the trace');
    const isNull = !!src && src.gradient === null;
    // Not a source and no adjoint, yet the target depends on it: autodiff was not asked (not "0").
    const offPath = !src && !this.job.adjoints.has(id) && path.length > 0;
    const rows: FdRow[] = [];
    const n = Math.min(x0.values.length, maxElements);
    const f0 = this.targetSum(path, id, tensor64(x0));
    let maxRel = -Infinity;
    let agrees = !isNull && !offPath;
    for (let j = 0; j < n; j++) {
      const xj = x0.values[j];
      const step = FD_STEP * Math.max(1, Math.abs(xj));
      const at = (d: number) => {
        const v = Float64Array.from(x0.values);
        v[j] += d;
        return this.targetSum(path, id, tensor64(x0, v));
      };
      const fp = at(step), fm = at(-step);
      const numeric = (fp - fm) / (2 * step);
      const kink = relErr((fp - f0) / step, (f0 - fm) / step) > FD_TOLERANCE && Math.abs((fp - f0) - (f0 - fm)) > 1e-9 * Math.max(1, Math.abs(f0));
      // Off the path, autodiff's answer is "no dependence": 0 (null for a source autodiff gave null).
      const a = isNull || offPath ? null : adj ? adj[j] : 0;
      const re = a === null ? NaN : relErr(a, numeric);
      if (!kink && a !== null) {
        maxRel = Math.max(maxRel, re);
        if (!(re < FD_TOLERANCE)) agrees = false;
      }
      rows.push({ index: j, x: num(xj), autodiff: a === null ? null : num(a), numeric: num(numeric), relErr: num(re), kink });
    }
    return {
      ok: true, rows, maxRelErr: num(maxRel === -Infinity ? NaN : maxRel), agrees, h: FD_STEP, tolerance: FD_TOLERANCE, skipped: x0.values.length - n,
      ...(isNull ? { nullReason: src?.nullReason ?? 'autodiff returned null' } : {}),
      ...(offPath ? { offPath: true as const } : {}),
    };
  }

  /** upstream × local at one node on the path: the op's gradient rule on the recorded upstream adjoint. */
  chainStep(node: ReplayNode): ChainStep | undefined {
    const adj = this.job.adjoints;
    if (!adj.has(node.outputId)) return undefined;
    const upstream = adj.get(node.outputId) ?? null;
    const op = this.opFor(node);
    const names = node.inputs.map((i) => i.name);
    const local = typeof op === 'string' ? (findOp(node.op) ? derivativeOf(findOp(node.op)!, names).local : []) : derivativeOf(op, names).local;
    let vjps: (Float64Array | null)[] | undefined;
    let reason = typeof op === 'string' ? op : upstream ? undefined : 'upstream gradient too large to keep';
    if (typeof op !== 'string' && upstream) {
      try {
        vjps = this.vjp(node, op, upstream);
      } catch (e) {
        reason = `${node.op}'s gradient rule failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    const terms = node.inputs.map((inp, k): ChainTerm => {
      const skipped = !adj.has(inp.tensorId);
      const c = skipped ? null : (vjps?.[k] ?? null);
      return { input: inp.name, tensorId: inp.tensorId, local: local[k] ?? '', skipped, contribution: c ? nums(c) : null };
    });
    return { nodeId: node.id, upstream: upstream ? nums(upstream) : null, terms, ...(reason ? { reason } : {}) };
  }

  /** The reverse pass one node at a time: what each node adds to its inputs' adjoints. */
  walk(): WalkStep[] {
    const adj = this.job.adjoints;
    const onPath = this.job.nodes.filter((n) => adj.has(n.outputId));
    const remaining = new Map<number, number>();
    for (const n of onPath) for (const i of n.inputs) if (adj.has(i.tensorId)) remaining.set(i.tensorId, (remaining.get(i.tensorId) ?? 0) + 1);
    const acc = new Map<number, Float64Array>();
    const steps: WalkStep[] = [];
    for (const node of [...onPath].reverse()) {
      const step = this.chainStep(node)!;
      const accumulated: (Num[] | null)[] = [];
      const complete: boolean[] = [];
      const matches: (boolean | null)[] = [];
      const recorded: (Num[] | null)[] = [];
      step.terms.forEach((t) => {
        const rec = adj.get(t.tensorId) ?? null;
        recorded.push(rec ? nums(rec) : null);
        if (t.skipped) {
          accumulated.push(null);
          complete.push(false);
          matches.push(null);
          return;
        }
        const left = (remaining.get(t.tensorId) ?? 0) - 1;
        remaining.set(t.tensorId, left);
        let sum: Float64Array | undefined;
        if (t.contribution) {
          const c = Float64Array.from(t.contribution, Number);
          const prev = acc.get(t.tensorId);
          sum = prev ? prev.map((v, i) => v + c[i]) : c;
          acc.set(t.tensorId, sum);
        }
        accumulated.push(sum ? nums(sum) : null);
        complete.push(left === 0);
        matches.push(left === 0 && sum && rec ? close(sum, rec, 1e-5) : null);
      });
      steps.push({ ...step, accumulated, complete, matches, recorded });
    }
    return steps;
  }

  /**
   * Forward mode: the tangent e_element of tensor `seed` pushed through the tape node by node,
   * each node by a ForwardAccumulator over its own inputs (so by the op's own forward-mode rule).
   */
  jvp(seed: number, element: number): WalkAnswer['jvp'] {
    const x = this.job.values.get(seed);
    if (!x) return { ok: false, reason: 'the seed value is too large to keep' };
    if (x.dtype !== 'float32' && x.dtype !== 'float64') return { ok: false, reason: `a ${x.dtype} tensor carries no tangent (integer and bool tensors are not differentiable)` };
    const tangents = new Map<number, Tensor>();
    const e = new Float64Array(x.values.length);
    e[element] = 1;
    tangents.set(seed, new Tensor(e, x.shape.slice(), 'float64'));
    const out: { nodeId: number; values: Num[] }[] = [];
    for (const n of this.job.nodes) {
      if (!n.inputs.some((i) => tangents.has(i.tensorId))) continue;
      const op = this.opFor(n);
      if (typeof op === 'string') return { ok: false, reason: `${n.op}: ${op}` };
      const xs = this.inputs(n);
      const primals = xs.filter((t, k) => t.dtype === 'float64' && tangents.has(n.inputs[k].tensorId));
      if (!primals.length) continue;
      const dirs = primals.map((p) => tangents.get(n.inputs[xs.indexOf(p)].tensorId)!);
      const acc = new ForwardAccumulator(primals, dirs);
      const y = acc.record(() => op.apply(xs, attrs64(n.attrs) as never));
      const t = acc.jvp(y, { unconnectedGradients: 'zero' }) as Tensor;
      const t64 = t.dtype === 'float64' ? t : new Tensor(Float64Array.from(t.data), t.shape.slice(), 'float64');
      tangents.set(n.outputId, t64);
      out.push({ nodeId: n.id, values: nums(t64.data) });
    }
    let s = 0;
    for (const t of this.job.targets) {
      const v = tangents.get(t);
      if (v) for (let i = 0; i < v.data.length; i++) s += v.data[i];
    }
    const src = this.job.sources.find((q) => q.tensorId === seed);
    const rev = src && src.gradient !== null && src.gradient !== 'summary' ? src.gradient[element] : undefined;
    return { ok: true, tangents: out, targetTangent: num(s), reverse: rev === undefined ? null : num(rev) };
  }
}

/** Answers one inspector question about a recorded gradient call. */
export function inspect(job: InspectJob, query: InspectQuery): InspectAnswer {
  return answer(new Replay(job), query);
}

/** The same, on a Replay kept between questions (it remembers which nodes replayed correctly). */
export function answer(r: Replay, query: InspectQuery): InspectAnswer {
  const job = r.job;
  if (query.kind === 'walk') return { kind: 'walk', steps: r.walk(), jvp: r.jvp(query.seed, query.element) };
  const node = query.nodeId === undefined ? undefined : job.nodes.find((n) => n.id === query.nodeId);
  const answer: NodeAnswer = { kind: 'node', fd: r.fdCheck(query.tensorId) };
  if (node) {
    const op = findOp(node.op);
    if (op) answer.derivative = derivativeOf(op, node.inputs.map((i) => i.name));
    const chain = r.chainStep(node);
    if (chain) answer.chain = chain;
  }
  return answer;
}
