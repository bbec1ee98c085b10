/**
 * Re-computes a recorded tape in float64 from the values the Trace kept, for three views: the
 * finite-difference check (the seed's numerical method beside autodiff), the backward walkthrough
 * (how each adjoint is built from upstream × local), and forward mode (JVP). Every op's
 * re-implementation must first reproduce the node's recorded output, or the node is reported as
 * "cannot be re-computed here" rather than checked against a wrong model.
 */
import type { Num, TraceGradient, TraceNode, TraceTape, ValueSummary } from '../../src/protocol/trace';
import { toNumber } from './format';
import { canonicalOp, opInfo, size, type Impl, type T } from './ops';

export function fromSummary(v: ValueSummary | undefined | null): T | undefined {
  if (!v?.values || v.values.length !== v.size) return undefined;
  return { shape: [...v.shape], data: Float64Array.from(v.values as Num[], toNumber) };
}

function close(a: T, b: T): boolean {
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i], y = b.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= 1e-6 + 2e-4 * Math.max(Math.abs(x), Math.abs(y)))) return false;
  }
  return true;
}

export class Evaluator {
  /** Recorded values kept in full, by tensor id. */
  readonly values = new Map<number, T>();
  readonly producer = new Map<number, TraceNode>();
  private readonly impls = new Map<number, Impl | string>();

  readonly nodes: TraceNode[];

  /**
   * `tape`: the tape being checked (its leaves' values win: a Variable keeps its tensor id across
   * training steps while its value changes). `context` adds values from other tapes (nested ones).
   */
  constructor(tape: Pick<TraceTape, 'nodes' | 'leaves'>, context: TraceTape[] = []) {
    this.nodes = [...tape.nodes].sort((a, b) => a.id - b.id);
    for (const t of [tape, ...context]) {
      for (const l of t.leaves) this.setValue(l.tensorId, l.value);
      for (const n of t.nodes) this.setValue(n.outputId, n.output);
    }
    for (const n of this.nodes) {
      this.setValue(n.outputId, n.output);
      this.producer.set(n.outputId, n);
    }
  }

  private setValue(id: number, v: ValueSummary) {
    if (this.values.has(id)) return;
    const t = fromSummary(v);
    if (t) this.values.set(id, t);
  }

  /** The re-implementation that reproduces this node, or why there is none. */
  impl(node: TraceNode): Impl | string {
    const cached = this.impls.get(node.id);
    if (cached !== undefined) return cached;
    const result = this.resolve(node);
    this.impls.set(node.id, result);
    return result;
  }

  private resolve(node: TraceNode): Impl | string {
    const info = opInfo(node.op);
    if (!info) return `the panel has no model of ${node.op}`;
    if (info.unavailable) return info.unavailable;
    const xs = node.inputs.map((i) => this.values.get(i.tensorId));
    const y = this.values.get(node.outputId);
    if (xs.some((x) => !x) || !y) return 'values too large to keep in the trace';
    const candidates = info.impls(xs.map((x) => x!.shape), y.shape, xs as T[], y);
    if (!candidates.length) return `the panel does not re-compute ${canonicalOp(node.op)} with these shapes`;
    const fits: Impl[] = [];
    for (const c of candidates) {
      try {
        if (close(c.fwd(xs as T[]), y)) {
          if (!c.enumerated) return c;
          fits.push(c);
          if (fits.length > 1) break;
        }
      } catch {
        /* try the next candidate */
      }
    }
    // An attribute the Trace lacks, enumerated: trusted only when exactly one value reproduces the output.
    if (fits.length === 1) return fits[0];
    if (fits.length > 1) return `the trace does not record its ${fits[0].enumerated}, and more than one (${fits[0].note}; ${fits[1].note}) reproduces the recorded output`;
    return `re-computing ${node.op} did not reproduce the recorded output`;
  }

  inputsOf(node: TraceNode, overrides?: Map<number, T>): T[] {
    return node.inputs.map((i) => overrides?.get(i.tensorId) ?? this.values.get(i.tensorId)!);
  }

  /** Nodes that depend on tensor `from` and lead to one of `targets`, in recorded order. */
  pathNodes(from: number, targets: number[]): TraceNode[] {
    const reach = new Set([from]);
    const down: TraceNode[] = [];
    for (const n of this.nodes)
      if (n.inputs.some((i) => reach.has(i.tensorId))) {
        reach.add(n.outputId);
        down.push(n);
      }
    const need = new Set(targets);
    const out: TraceNode[] = [];
    for (let k = down.length - 1; k >= 0; k--) {
      const n = down[k];
      if (need.has(n.outputId)) {
        out.push(n);
        for (const i of n.inputs) need.add(i.tensorId);
      }
    }
    return out.reverse();
  }

  /** Σ of all target elements after replacing tensor `id` by `x` (TensorFlow sums non-scalar targets). */
  targetSum(path: TraceNode[], id: number, x: T, targets: number[]): number {
    const over = new Map<number, T>([[id, x]]);
    for (const n of path) over.set(n.outputId, (this.impl(n) as Impl).fwd(this.inputsOf(n, over)));
    let s = 0;
    for (const t of targets) {
      const v = over.get(t) ?? this.values.get(t);
      if (v) for (const e of v.data) s += e;
    }
    return s;
  }
}

export interface FdRow {
  index: number;
  x: number;
  autodiff: number | null;
  numeric: number;
  relErr: number;
  /** A kink (relu at 0, |x| at 0, a tie in max) within the step: the derivative is not defined. */
  kink: boolean;
}

export interface FdResult {
  ok: boolean;
  /** Why the check could not run. */
  reason?: string;
  rows: FdRow[];
  maxRelErr: number;
  agrees: boolean;
  h: number;
  /** Autodiff said null (a source without gradient): what the numbers show instead. */
  nullReason?: string;
  /** Elements not checked because the tensor is larger than the check's budget. */
  skipped: number;
}

export const FD_TOLERANCE = 1e-3;
/** Longest path the check re-computes (each element costs two passes over it). */
export const FD_MAX_PATH = 3000;

export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
}

/**
 * Central differences of the gradient call's target with respect to tensor `id`, element by element,
 * beside the autodiff adjoint the Trace recorded.
 */
export function fdCheck(ev: Evaluator, gradient: TraceGradient, id: number, maxElements = 16): FdResult {
  const fail = (reason: string): FdResult => ({ ok: false, reason, rows: [], maxRelErr: NaN, agrees: false, h: 0, skipped: 0 });
  const x0 = ev.values.get(id);
  if (!x0) return fail('the value is too large to be kept in the trace');
  const targets = gradient.targets.map((t) => t.tensorId);
  // A truncated tape (the runner's detail budget) may end before the op that made the target.
  const missing = targets.filter((t) => !ev.producer.has(t) && !ev.values.has(t));
  if (missing.length) return fail('the op that computed the target was not recorded in detail (the tape was truncated)');
  const path = ev.pathNodes(id, targets);
  if (path.length > FD_MAX_PATH) return fail(`the path to the target has ${path.length} ops, more than the ${FD_MAX_PATH} the panel re-computes`);
  if (path.length > 300) maxElements = Math.min(maxElements, 4);
  for (const n of path) {
    const impl = ev.impl(n);
    if (typeof impl === 'string') return fail(`${n.op}${n.pos ? ` (line ${n.pos.line})` : ''}: ${impl}`);
  }
  const src = gradient.sources.find((s) => s.tensorId === id);
  const adj = gradient.adjoints.find((a) => a.tensorId === id)?.value ?? src?.gradient ?? undefined;
  const auto = fromSummary(adj ?? undefined);
  if (adj && !auto) return fail('the gradient is too large to be kept in the trace');
  const isNull = !!src && src.gradient === null;
  const h = 1e-5;
  const rows: FdRow[] = [];
  const n = Math.min(x0.data.length, maxElements);
  for (let j = 0; j < n; j++) {
    const step = h * Math.max(1, Math.abs(x0.data[j]));
    const plus = { shape: x0.shape, data: Float64Array.from(x0.data) };
    const minus = { shape: x0.shape, data: Float64Array.from(x0.data) };
    plus.data[j] += step;
    minus.data[j] -= step;
    const numeric = (ev.targetSum(path, id, plus, targets) - ev.targetSum(path, id, minus, targets)) / (2 * step);
    const kink = path.some((nd) => {
      const impl = ev.impl(nd) as Impl;
      return impl.kink?.(ev.inputsOf(nd), 10 * step) ?? false;
    });
    // Off the path, autodiff's answer is "no dependence": 0 (or null for a source).
    const a = isNull ? null : auto ? auto.data[j] : 0;
    rows.push({ index: j, x: x0.data[j], autodiff: a, numeric, relErr: a === null ? NaN : relErr(a, numeric), kink });
  }
  const judged = rows.filter((r) => !r.kink && r.autodiff !== null);
  const maxRelErr = judged.length ? Math.max(...judged.map((r) => r.relErr)) : NaN;
  return {
    ok: true, rows, maxRelErr, h, skipped: size(x0.shape) - n,
    agrees: !isNull && judged.every((r) => r.relErr < FD_TOLERANCE),
    nullReason: isNull ? (src?.nullReason?.message ?? 'autodiff returned null') : undefined,
  };
}

export interface WalkContribution {
  input: string;
  tensorId: number;
  /** upstream × local for this input; undefined when the panel cannot re-compute the op. */
  contribution?: T;
  /** The adjoint of this input after adding this contribution. */
  accumulated?: T;
  /** True when this is the last contribution: `accumulated` should equal the recorded adjoint. */
  complete: boolean;
  recorded?: T;
  /** Not on a path to a source: the engine skips it. */
  skipped: boolean;
}

export interface WalkStep {
  node: TraceNode;
  upstream?: T;
  local: string[];
  contributions: WalkContribution[];
  reason?: string;
}

/** What one node adds to each input's adjoint (upstream × local), without walking the whole tape. */
export function nodeStep(ev: Evaluator, gradient: TraceGradient, node: TraceNode): WalkStep | undefined {
  const adj = new Map(gradient.adjoints.map((a) => [a.tensorId, a.value]));
  if (!adj.has(node.outputId)) return undefined;
  const upstream = fromSummary(adj.get(node.outputId));
  const impl = ev.impl(node);
  const names = node.inputs.map((i) => i.name);
  const local = (opInfo(node.op)?.local ?? []).map((l) => l.replace(/\{(\d)\}/g, (_m, k) => names[Number(k)] ?? `x${k}`));
  const vjps = typeof impl !== 'string' && upstream ? impl.vjp(ev.inputsOf(node), ev.values.get(node.outputId)!, upstream) : undefined;
  const contributions = node.inputs.map((inp, k): WalkContribution => {
    const skipped = !adj.has(inp.tensorId);
    return { input: inp.name, tensorId: inp.tensorId, contribution: skipped ? undefined : (vjps?.[k] ?? undefined), complete: false, recorded: fromSummary(adj.get(inp.tensorId)), skipped };
  });
  return { node, upstream, local, contributions, reason: typeof impl === 'string' ? impl : upstream ? undefined : 'upstream gradient too large to keep' };
}

/** The reverse pass one node at a time: what each node adds to its inputs' adjoints. */
export function backwardWalk(ev: Evaluator, gradient: TraceGradient): WalkStep[] {
  const adj = new Map(gradient.adjoints.map((a) => [a.tensorId, a.value]));
  const onPath = ev.nodes.filter((n) => adj.has(n.outputId));
  const remaining = new Map<number, number>();
  for (const n of onPath) for (const i of n.inputs) if (adj.has(i.tensorId)) remaining.set(i.tensorId, (remaining.get(i.tensorId) ?? 0) + 1);
  const acc = new Map<number, T>();
  const steps: WalkStep[] = [];
  for (const node of [...onPath].reverse()) {
    const upstream = fromSummary(adj.get(node.outputId));
    const impl = ev.impl(node);
    const info = opInfo(node.op);
    const names = node.inputs.map((i) => i.name);
    const local = (info?.local ?? []).map((l) => l.replace(/\{(\d)\}/g, (_m, k) => names[Number(k)] ?? `x${k}`));
    let vjps: (T | null)[] | undefined;
    if (typeof impl !== 'string' && upstream) vjps = impl.vjp(ev.inputsOf(node), ev.values.get(node.outputId)!, upstream);
    const contributions = node.inputs.map((inp, k): WalkContribution => {
      const skipped = !adj.has(inp.tensorId);
      const left = (remaining.get(inp.tensorId) ?? 0) - (skipped ? 0 : 1);
      if (!skipped) remaining.set(inp.tensorId, left);
      const c = vjps?.[k] ?? undefined;
      let accumulated: T | undefined;
      if (c && !skipped) {
        const prev = acc.get(inp.tensorId);
        accumulated = { shape: c.shape, data: prev ? prev.data.map((v, i) => v + c.data[i]) : Float64Array.from(c.data) };
        acc.set(inp.tensorId, accumulated);
      }
      return { input: inp.name, tensorId: inp.tensorId, contribution: skipped ? undefined : c, accumulated, complete: !skipped && left === 0, recorded: fromSummary(adj.get(inp.tensorId)), skipped };
    });
    steps.push({ node, upstream, local, contributions, reason: typeof impl === 'string' ? impl : upstream ? undefined : 'upstream gradient too large to keep' });
  }
  return steps;
}

export interface JvpResult {
  ok: boolean;
  reason?: string;
  /** The tangent of every node's output, by node id, for seed ẋ = e_element. */
  tangents: Map<number, T>;
  /** d(Σ targets)/d(seed element): forward mode's answer for one gradient entry. */
  targetTangent?: number;
}

/** Forward mode: push the tangent e_element of tensor `seed` through the tape. */
export function forwardJvp(ev: Evaluator, gradient: TraceGradient, seed: number, element = 0): JvpResult {
  const x = ev.values.get(seed);
  if (!x) return { ok: false, reason: 'the seed value is too large to keep', tangents: new Map() };
  const tan = new Map<number, T>();
  const e = { shape: x.shape, data: new Float64Array(x.data.length) };
  e.data[element] = 1;
  tan.set(seed, e);
  const byNode = new Map<number, T>();
  for (const n of ev.nodes) {
    const dxs = n.inputs.map((i) => tan.get(i.tensorId) ?? null);
    if (dxs.every((d) => !d)) continue;
    const impl = ev.impl(n);
    if (typeof impl === 'string') return { ok: false, reason: `${n.op}: ${impl}`, tangents: byNode };
    const t = impl.jvp(ev.inputsOf(n), ev.values.get(n.outputId)!, dxs);
    tan.set(n.outputId, t);
    byNode.set(n.id, t);
  }
  let s = 0;
  let any = false;
  for (const t of gradient.targets) {
    const v = tan.get(t.tensorId);
    if (v) {
      any = true;
      for (const d of v.data) s += d;
    }
  }
  return { ok: true, tangents: byNode, targetTangent: any ? s : 0 };
}
