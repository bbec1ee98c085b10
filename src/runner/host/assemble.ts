/**
 * The host side of the trace: applies the run worker's TraceEvents, in order, and hands out a
 * complete Trace only at the end. Whatever stops a run (its end, an exception, the time or memory
 * limit, cancellation), the Trace holds every event the worker sent before it.
 */
import { FIRST_VALUES, TRACE_VERSION, type ConsoleLine, type Curve, type CurvePoint, type RunError, type SourcePos, type ThinnedRows, type Trace, type TraceDiagnostic, type TraceGradient, type TraceLeaf, type TraceNode, type TraceScope, type TraceTape, type ValueSummary } from '../../protocol/trace';
import { ROW_LIMITS, thinCurve, Thinned, thinRows } from './rowBudget';
import { num, rowLength } from '../shared/summary';
import { TAPE_DETAILED, TAPE_PERSISTENT, TAPE_SENT_BEFORE, TAPE_WATCHES_VARIABLES, type TraceEvent } from '../../protocol/worker';
import { assertNever } from '../../format/assertNever';
import { droppedNote } from '../shared/consoleBudget';
import { nameCalls } from './callNames';
import { unpackScopes, type PackedScopes } from '../../protocol/traceWire';


/** Layer calls kept before the older ones that hold no kept node are dropped, and how many of the newest always stay. */
const SCOPES_PRUNED_AT = 8192;
const SCOPES_RECENT = 1024;

export class TraceAssembler {
  /** Every tape kept, by id (thinned ones go: see rowBudget.ts). */
  private readonly tapes = new Map<number, TraceTape>();
  /** Tapes ever seen. */
  private tapeCount = 0;
  /** Undetailed and detailed steps of each loop (by creation position), in arrival order, for thinning. */
  private readonly loops = new Map<string, { rows: TraceTape[]; thinned: Thinned }>();
  /** Every gradient call kept, by id. */
  private readonly gradients = new Map<number, TraceGradient>();
  /** The calls of each kept tape (they go with it). */
  private readonly callsOf = new Map<number, TraceGradient[]>();
  private readonly curves = new Map<string, Curve>();
  private readonly curveThinned = new Map<Curve, Thinned>();
  /** Loops past ROW_LIMITS.steps since the last thinning. */
  private readonly overfull = new Set<{ rows: TraceTape[]; thinned: Thinned }>();
  /** What was thinned, in the order thinning began. */
  private readonly thinned: Thinned[] = [];
  private readonly diagnostics: TraceDiagnostic[] = [];
  private readonly unrecorded = new Set<number>();
  private scopes: TraceScope[] = [];
  /** Names tensors took after their nodes went out (`named` events), by output tensor id. */
  private readonly lateNames = new Map<number, string>();
  private readonly console: ConsoleLine[] = [];
  private droppedConsoleLines = 0;
  private stats = { ops: 0, recordedOps: 0, gradientCalls: 0, droppedSteps: 0 };
  /** The scratch file's text, once read: nodes take the names of the functions it calls (callNames.ts). */
  source: string | undefined;
  /** Position of the latest op the worker reported (heartbeat), for timeout messages. */
  lastPos: SourcePos | undefined;

  constructor(
    private readonly file: string,
    private readonly startedAt: Date,
  ) {}

  /** Adds a console line (the run thread keeps the console within CONSOLE_LIMITS). */
  log(line: ConsoleLine): void {
    this.console.push(line);
  }

  /** The lines the run thread dropped past its console budget, said in a final note. */
  droppedConsole(lines: number): void {
    this.droppedConsoleLines = lines;
  }

  progress(ops: number, pos: SourcePos | undefined): void {
    this.stats.ops = Math.max(this.stats.ops, ops);
    if (pos) this.lastPos = pos;
  }

  apply(e: TraceEvent): void {
    switch (e.kind) {
      case 'tapeRows':
        for (let i = 0; i < e.ids.length; i++) {
          const flags = e.flags[i];
          const detailed = (flags & TAPE_DETAILED) !== 0;
          const had = this.tapes.get(e.ids[i]);
          if (had) {
            // Later counts; a held step that is kept becomes detailed (its leaves and nodes follow).
            had.nodeCount = e.nodeCounts[i];
            had.bytes = e.bytes[i];
            if (detailed) had.detailed = true;
            continue;
          }
          // Sent before and gone since: thinned (rowBudget.ts). It stays so unless it is detailed now (a kept sample).
          const again = (flags & TAPE_SENT_BEFORE) !== 0;
          if (again && !detailed) continue;
          const t: TraceTape = { id: e.ids[i], persistent: (flags & TAPE_PERSISTENT) !== 0, watchAccessedVariables: (flags & TAPE_WATCHES_VARIABLES) !== 0, step: e.steps[i], detailed, nodeCount: e.nodeCounts[i], bytes: e.bytes[i], leaves: [], nodes: [], ...e.tape };
          if (e.parentIds[i] >= 0) t.parentId = e.parentIds[i];
          this.addTape(t, again);
        }
        break;
      case 'nodeRows':
        this.expandNodes(e.node, e.ints, e.nums, e.tapeId);
        break;
      case 'leafRows':
        this.expandLeaves(e.tapeId, e.leaf, e.ints, e.nums);
        break;
      case 'gradientRows':
        this.expandGradients(e.gradient, e.ints, e.nums, e.detailed === true);
        break;
      case 'adjointRows':
        this.expandAdjoints(e.gradientId, e.like, e.ints, e.nums);
        break;
      case 'curveRows':
        for (let i = 0; i < e.steps.length; i++) this.curvePoint(e.name, e.curveKind, e.pos, { step: e.steps[i], value: num(e.values[i]) });
        break;
      case 'tapeStats': {
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.nodeCount = e.nodeCount;
          t.bytes = e.bytes;
        }
        break;
      }
      case 'dropDetail': {
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.detailed = false;
          t.nodes = [];
          t.leaves = [];
        }
        for (const g of this.callsOf.get(e.tapeId) ?? []) g.adjoints = [];
        break;
      }
      case 'detail': {
        // Its leaves and nodes follow as rows.
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.detailed = true;
          t.leaves = [];
          t.nodes = [];
        }
        break;
      }
      case 'truncated': {
        const t = this.tapes.get(e.tapeId);
        if (t) t.truncated = true;
        break;
      }
      case 'diagnostic':
        this.diagnostics.push(e.diagnostic);
        break;
      case 'named':
        this.lateNames.set(e.tensorId, e.name);
        break;
      case 'unrecordedLine':
        this.unrecorded.add(e.line);
        break;
      case 'scopeRows':
        this.expandScopes(e.strings, e.scopes);
        break;
      case 'stats':
        this.stats = { ops: e.ops, recordedOps: e.recordedOps, gradientCalls: e.gradientCalls, droppedSteps: e.droppedSteps };
        // The last event of every batch.
        this.thinLoops();
        break;
      default:
        assertNever(e, 'trace event');
    }
  }

  private curvePoint(name: string, kind: 'summary' | 'target', pos: SourcePos | undefined, point: CurvePoint): void {
    const key = `${kind}\0${name}`;
    let c = this.curves.get(key);
    if (!c) {
      c = { name, kind, points: [] };
      if (pos) c.pos = pos;
      this.curves.set(key, c);
    }
    const last = c.points[c.points.length - 1];
    // A persistent tape asked twice in one step repeats the same point.
    if (last && last.step === point.step && last.value === point.value) return;
    c.points.push(point);
    if (c.points.length > ROW_LIMITS.points) {
      let th = this.curveThinned.get(c);
      if (!th) this.curveThinned.set(c, (th = this.thinnedOf('points', name, pos)));
      thinCurve(c, th);
    }
  }

  private thinnedOf(what: ThinnedRows['what'], name: string | undefined, pos: SourcePos | undefined): Thinned {
    const th = new Thinned(what, name, pos);
    this.thinned.push(th);
    return th;
  }

  /** A new tape, in its loop's rows (thinned at the end of the batch: see thinLoops). */
  private addTape(t: TraceTape, thinnedBefore = false): void {
    this.tapes.set(t.id, t);
    const key = t.pos ? `${t.pos.file ?? ''}:${t.pos.line}:${t.pos.column}` : '';
    let loop = this.loops.get(key);
    if (!loop) this.loops.set(key, (loop = { rows: [], thinned: new Thinned('steps', t.name, t.pos) }));
    // A thinned step that comes back detailed is one tape, counted once (its step stays in the thinned range).
    if (thinnedBefore) loop.thinned.dropped--;
    else this.tapeCount++;
    // Rows stay in step order, so the last ROW_LIMITS.lastSteps rows are the latest steps: a sample
    // that comes back detailed at the run's end goes to its place, not after the last step.
    const rows = loop.rows;
    let at = rows.length;
    while (at > 0 && rows[at - 1].step > t.step) at--;
    rows.splice(at, 0, t);
    if (loop.rows.length > ROW_LIMITS.steps) this.overfull.add(loop);
  }

  /**
   * Loops past their budget lose their older undetailed steps, with the steps' calls. Only at the
   * end of a batch (its `stats` event) or of the run: a batch's gradient rows come after its tape
   * rows, and a batch of a loaded machine may hold more steps than the last ones kept.
   */
  private thinLoops(): void {
    for (const loop of this.overfull) {
      const th = loop.thinned;
      const before = th.dropped;
      while (loop.rows.length > ROW_LIMITS.steps) {
        const had = loop.rows.length;
        loop.rows = thinRows(
          loop.rows,
          ROW_LIMITS.lastSteps,
          (r) => r.detailed || r.step === 0,
          (r) => {
            th.add(r.step);
            this.tapes.delete(r.id);
            for (const g of this.callsOf.get(r.id) ?? []) this.gradients.delete(g.id);
            this.callsOf.delete(r.id);
          },
        );
        if (loop.rows.length === had) break; // all detailed or recent: nothing more to thin
      }
      if (before === 0 && th.dropped > 0) this.thinned.push(th);
    }
    this.overfull.clear();
  }

  /** A gradient call, with its tape's calls (a call whose tape was thinned away, or never seen, stands alone). */
  private addGradient(g: TraceGradient): void {
    const had = this.gradients.get(g.id);
    this.gradients.set(g.id, g);
    if (!this.tapes.has(g.tapeId)) return;
    let calls = this.callsOf.get(g.tapeId);
    if (!calls) this.callsOf.set(g.tapeId, (calls = []));
    if (had) calls[calls.indexOf(had)] = g;
    else calls.push(g);
  }

  /** Rows of a `nodeRows` event back into TraceNodes (see src/protocol/worker.ts), on their detailed tapes (`tapeId`'s alone when given). */
  private expandNodes(like: TraceNode, ints: Int32Array, nums: Float64Array, tapeId: number | undefined): void {
    const k = 2 + like.inputs.length;
    const s = like.output;
    const m = rowLength(s);
    const tapes = (tapeId === undefined ? like.tapeIds : [tapeId]).map((id) => this.tapes.get(id)).filter((t): t is TraceTape => t !== undefined && t.detailed);
    for (let r = 0; r < ints.length / k; r++) {
      const a = r * k;
      const output = summaryRow(s, nums, r * m);
      const node: TraceNode = { ...like, id: ints[a], outputId: ints[a + 1], inputs: like.inputs.map((inp, i) => ({ name: inp.name, tensorId: ints[a + 2 + i] })), output };
      // Rows go out at the end of a batch, after a `truncated` event of the same batch: they were within budget.
      for (const t of tapes) t.nodes.push(node);
    }
  }

  /** Rows of a `leafRows` event into their places in the tape's leaves (see src/protocol/worker.ts). */
  private expandLeaves(tapeId: number, like: TraceLeaf, ints: Int32Array, nums: Float64Array): void {
    const t = this.tapes.get(tapeId);
    // A tape whose detail was dropped since (dropDetail) keeps none.
    if (!t?.detailed) return;
    const m = rowLength(like.value);
    for (let r = 0; r < ints.length / 2; r++) {
      // The fields in the order the trace has always had them (its JSON is compared as text).
      const leaf: TraceLeaf = { tensorId: ints[2 * r], kind: like.kind, watched: like.watched, value: summaryRow(like.value, nums, r * m) };
      if (like.name !== undefined) leaf.name = like.name;
      if (like.trainable !== undefined) leaf.trainable = like.trainable;
      if (like.pos) leaf.pos = like.pos;
      t.leaves[ints[2 * r + 1]] = leaf;
    }
  }

  /** Rows of an `adjointRows` event into their places in the gradient's adjoints (see src/protocol/worker.ts). */
  private expandAdjoints(gradientId: number, s: ValueSummary, ints: Int32Array, nums: Float64Array): void {
    const g = this.gradients.get(gradientId);
    if (g === undefined) return;
    const adjoints = g.adjoints;
    const m = rowLength(s);
    for (let r = 0; r < ints.length / 2; r++) adjoints[ints[2 * r + 1]] = { tensorId: ints[2 * r], value: summaryRow(s, nums, r * m) };
  }

  /** Rows of a `gradientRows` event back into TraceGradients (see src/protocol/worker.ts). */
  private expandGradients(like: TraceGradient, ints: Int32Array, nums: Float64Array, detailed: boolean): void {
    const k = 3 + like.targets.length + like.sources.length;
    const summaries: ValueSummary[] = [...like.targets.map((t) => t.value), ...like.sources.flatMap((s) => (s.gradient ? [s.gradient] : []))];
    const m = summaries.reduce((n, s) => n + rowLength(s), 0);
    const rows = ints.length / k;
    for (let r = 0; r < rows; r++) {
      let a = r * k;
      let b = r * m;
      const summary = (s: ValueSummary): ValueSummary => {
        const v = summaryRow(s, nums, b);
        b += rowLength(s);
        return v;
      };
      // A held step's call goes out as an undetailed row first, and again detailed if the step is
      // kept; the two may come in either order (rows of a batch go out at its end): detail wins.
      if (!detailed && this.gradients.has(ints[a])) continue;
      const g: TraceGradient = { ...like, id: ints[a], tapeId: ints[a + 1], step: ints[a + 2], targets: [], sources: [], adjoints: [] };
      a += 3;
      for (const t of like.targets) g.targets.push({ ...t, tensorId: ints[a++], value: summary(t.value) });
      for (const s of like.sources) g.sources.push({ ...s, tensorId: ints[a++], gradient: s.gradient ? summary(s.gradient) : null });
      this.addGradient(g);
    }
  }

  /** A `scopeRows` event's layer calls (src/protocol/worker.ts), unpacked as the panel unpacks them: their fields in the order the trace has always had them. */
  private expandScopes(strings: readonly string[], scopes: PackedScopes): void {
    for (const s of unpackScopes(scopes, strings)) {
      this.scopes.push(s);
      if (this.scopes.length > SCOPES_PRUNED_AT) this.pruneScopes();
    }
  }

  /**
   * A long run's layer calls stay bounded: past SCOPES_PRUNED_AT, the older ones that hold no node of
   * a kept tape go (the newest SCOPES_RECENT stay: a lazily held step's nodes arrive after its calls).
   */
  private pruneScopes(): void {
    const older = this.scopes.slice(0, -SCOPES_RECENT);
    const recent = this.scopes.slice(-SCOPES_RECENT);
    this.scopes = [...this.keptScopes(older, [...this.tapes.values()]), ...recent];
  }

  /** The layer calls that hold a node the trace keeps (the others' steps lost their detail), by id. */
  private keptScopes(all: readonly TraceScope[], tapes: readonly TraceTape[]): TraceScope[] {
    if (all.length === 0) return [];
    const ids: number[] = [];
    for (const t of tapes) for (const n of t.nodes) ids.push(n.id);
    if (ids.length === 0) return [];
    ids.sort((a, b) => a - b);
    // A scope is kept when the first node id after afterNodeId is within it (binary search).
    return all
      .filter((s) => {
        let lo = 0;
        let hi = ids.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (ids[mid] <= s.afterNodeId) lo = mid + 1;
          else hi = mid;
        }
        return lo < ids.length && ids[lo] <= s.lastNodeId;
      })
      .sort((a, b) => a.id - b.id);
  }

  /** The finished Trace. `error` (if any) also becomes an error diagnostic at its position. */
  finish(error: RunError | undefined, durationMs: number): Trace {
    this.thinLoops();
    const console = this.console.slice();
    if (this.droppedConsoleLines > 0) console.push({ level: 'info', text: droppedNote(this.droppedConsoleLines), timeMs: durationMs });
    const diagnostics = this.diagnostics.slice();
    if (this.lateNames.size > 0) {
      for (const t of this.tapes.values()) {
        for (const n of t.nodes) {
          const name = n.name === undefined ? this.lateNames.get(n.outputId) : undefined;
          if (name !== undefined) n.name = name;
        }
      }
    }
    for (const t of this.tapes.values()) {
      // A run stopped between two `leafRows` events of one tape leaves holes: never half-written.
      if (t.leaves.includes(undefined as never)) t.leaves = t.leaves.filter((l) => l !== undefined);
      nameOnlyResults(t.nodes, t.leaves);
    }
    if (error) {
      const code = error.kind === 'timeout' ? 'timeout' : error.kind === 'memory' ? 'memory' : 'error';
      diagnostics.unshift({ severity: 'error', code, message: `${error.name}: ${error.message}`, pos: error.pos ?? { line: 1, column: 1 } });
    }
    const trace: Trace = {
      version: TRACE_VERSION,
      file: this.file,
      startedAt: this.startedAt.toISOString(),
      durationMs,
      ok: !error,
      console,
      // Rows of undetailed steps may arrive after later tapes: creation order is id order.
      tapes: [...this.tapes.values()]
        .sort((a, b) => a.id - b.id)
        .map((t) => {
          // Node rows arrive grouped by kind: a tape's nodes go back to recorded order (node ids increase).
          for (let i = 1; i < t.nodes.length; i++) if (t.nodes[i].id < t.nodes[i - 1].id) return { ...t, nodes: t.nodes.slice().sort((a, b) => a.id - b.id) };
          return t;
        }),
      // A run stopped between two `adjointRows` events of one call leaves holes: never half-written.
      gradients: [...this.gradients.values()].map((g) => (g.adjoints.includes(undefined as never) ? { ...g, adjoints: g.adjoints.filter((a) => a !== undefined) } : g)).sort((a, b) => a.id - b.id),
      curves: [...this.curves.values()],
      diagnostics,
      unrecordedLines: [...this.unrecorded].sort((a, b) => a - b),
      stats: { ...this.stats, tapes: this.tapeCount, gradientCalls: Math.max(this.stats.gradientCalls, this.gradients.size) },
    };
    const scopes = this.keptScopes(this.scopes, trace.tapes);
    if (scopes.length > 0) trace.scopes = scopes;
    if (this.thinned.length > 0) trace.thinned = this.thinned.map((th) => th.rows());
    if (error) trace.error = error;
    if (this.source !== undefined) nameCalls(trace.tapes, trace.gradients, this.source);
    return trace;
  }
}

/** The summary at `nums[b ..]` of a row event (src/protocol/worker.ts), shaped like `s` (a rowTemplate). */
function summaryRow(s: ValueSummary, nums: Float64Array, b: number): ValueSummary {
  const v: ValueSummary = { shape: s.shape, dtype: s.dtype, size: s.size, min: num(nums[b]), max: num(nums[b + 1]), mean: num(nums[b + 2]), norm: num(nums[b + 3]), nanCount: nums[b + 4], infCount: nums[b + 5], first: [] };
  b += 6;
  const first = Math.min(FIRST_VALUES, s.size);
  for (let i = 0; i < first; i++) v.first.push(num(nums[b++]));
  if (s.values) {
    v.values = [];
    for (let i = 0; i < s.size; i++) v.values.push(num(nums[b++]));
  }
  return v;
}

/**
 * One call that ran several ops (`const loss = lossFn(y, logits)`: a cross-entropy, a sum, a
 * division; a composite such as tf.norm) names only the op whose result the declaration binds: the
 * others at the same position, whose outputs feed another op there, lose the name (they read as
 * their op). Three nodes titled `loss` said nothing about which one is the loss.
 */
function nameOnlyResults(nodes: readonly TraceNode[], leaves: readonly TraceLeaf[]): void {
  const byPlace = new Map<string, TraceNode[]>();
  for (const n of nodes) {
    if (n.name === undefined || !n.pos) continue;
    const key = `${n.pos.file ?? ''}:${n.pos.line}:${n.pos.column}:${n.name}`;
    let group = byPlace.get(key);
    if (!group) byPlace.set(key, (group = []));
    group.push(n);
  }
  for (const group of byPlace.values()) {
    if (group.length < 2) continue;
    // Consumers' ops by tensor: `x = tf.add(x, 1)` in a loop feeds the same op at the same place,
    // and each of those is x; a call's intermediate feeds a different op of the same call.
    const consumers = new Map<number, string[]>();
    for (const n of group) {
      for (const i of n.inputs) {
        const ops = consumers.get(i.tensorId);
        if (ops) ops.push(n.op);
        else consumers.set(i.tensorId, [n.op]);
      }
    }
    for (const n of group) if (consumers.get(n.outputId)?.some((op) => op !== n.op)) delete n.name;
  }
  // A leaf made by the same call, unrecorded (`q = tf.einsum(…, x, wq)` reshapes the unwatched x
  // first), is an intermediate too: the name is the call's result's, not the leaf's.
  for (const leaf of leaves) {
    if (leaf.name === undefined || !leaf.pos || leaf.kind === 'variable') continue;
    const group = byPlace.get(`${leaf.pos.file ?? ''}:${leaf.pos.line}:${leaf.pos.column}:${leaf.name}`);
    if (group?.some((n) => n.inputs.some((i) => i.tensorId === leaf.tensorId))) delete leaf.name;
  }
}
