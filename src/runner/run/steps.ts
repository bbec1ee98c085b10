/**
 * The step budget: which steps of a loop keep detail.
 *
 * Tapes created at the same source position form a loop; the n-th one is step n. Every step keeps
 * its scalars (curves, node counts, gradient summaries), but only a bounded set keeps full detail
 * (nodes, leaves, adjoints, full values): the first step, the last step, and steps sampled evenly
 * between, at most DETAIL_STEPS per loop. Sampling doubles its stride whenever the sampled set
 * would overflow, dropping the steps that fall off the new stride. The last step is not known
 * until the loop ends, so the newest step that is not a sample is held lazily (live tensors in a
 * StepBuffer, no summaries) until the next step replaces it or the run ends, when it is written
 * out in full (Detail.writeOut). Samples are held the same way, and written out early when a
 * loop's held samples keep more than HELD_SAMPLE_BYTES alive.
 */
import type { EngineObserver } from '../../engine/observer';
import type { SourcePos, TraceTape } from '../../protocol/trace';
import { tapeRows, type Columns } from './columns';
import type { Detail } from './detail';
import type { Gradients } from './gradients';
import { DETAIL_STEPS, FORGOTTEN_KEPT, HELD_SAMPLE_BYTES, LET_GO_KEPT, NO_IDS, NO_LEAVES, NO_NODES, StepBuffer, type LoopState, type Mode, type RecorderHost, type TapeState } from './recordState';

export class Steps {
  /** Every tape of the run, by id. */
  readonly tapes = new Map<number, TapeState>();
  private readonly loops = new Map<string, LoopState>();
  /** `file:line:column` of each position object (positions are shared objects, one per call site). */
  private readonly posKeys = new Map<SourcePos, string>();
  /** Steps whose detail was dropped or never kept. */
  dropped = 0;

  constructor(
    private readonly host: RecorderHost,
    private readonly detail: Detail,
    private readonly gradients: Gradients,
    private readonly columns: Columns,
  ) {}

  /** A tape was created: the next step of its loop, eager (the first), held lazily, or a sample. */
  created(e: Parameters<EngineObserver['tapeCreated']>[0]): void {
    // Loops are keyed by position, so a tape made inside an undetailed block still needs one.
    const pos = e.pos ?? this.host.locate();
    const key = pos ? this.keyOf(pos) : `tape#${e.tapeId}`;
    let loop = this.loops.get(key);
    if (!loop) this.loops.set(key, (loop = { count: 0, pool: [], stride: 1, sampled: [], template: [], leafTemplate: [], letGo: new Array<TapeState | undefined>(LET_GO_KEPT), letGoCount: 0, forgottenIds: [], forgottenSteps: [] }));
    const step = loop.count++;
    // A new step means the previous lazy one was not the last after all.
    if (loop.lazy) this.discard(loop.lazy);
    loop.lazy = undefined;

    // Samples are held lazily too: most of them fall off a later stride, and then they cost nothing.
    const sample = step > 0 && step % loop.stride === 0;
    const mode: Mode = step === 0 ? 'eager' : 'lazy';
    const tape: TraceTape = {
      id: e.tapeId,
      persistent: e.persistent,
      watchAccessedVariables: e.watchAccessedVariables,
      step,
      detailed: mode === 'eager',
      nodeCount: 0,
      bytes: 0,
      // A lazy step's leaves and nodes go out in a `detail` event: these stay empty.
      leaves: mode === 'eager' ? [] : NO_LEAVES,
      nodes: mode === 'eager' ? [] : NO_NODES,
    };
    if (pos) tape.pos = pos;
    const name = this.host.nameAt(pos);
    if (name !== undefined) tape.name = name;
    if (e.parentTapeId !== undefined) tape.parentId = e.parentTapeId;
    const eager = mode === 'eager';
    const ts: TapeState = {
      tape,
      loop,
      mode,
      truncated: false,
      produced: eager ? new Set() : NO_IDS,
      emitted: eager ? new Set() : NO_IDS,
      leafIds: eager ? new Set() : NO_IDS,
      watched: eager ? new Set() : NO_IDS,
      buf: eager ? null : (loop.pool.pop() ?? new StepBuffer()),
      pendingGradients: null,
      nodeCount: 0,
      bytes: 0,
      compact: !eager,
      dirty: false,
      sent: false,
    };
    this.tapes.set(e.tapeId, ts);
    // An undetailed step goes out as a row of the next batch's `tapeRows`.
    // A detailed one goes out at once, before its leaves and nodes.
    if (!eager) this.columns.rowTapes.add(ts);
    else this.host.emit(tapeRows([ts]));
    if (step > 0 && !sample) loop.lazy = ts;
    else if (sample) {
      loop.sampled.push(ts);
      if (loop.sampled.length > DETAIL_STEPS - 2) {
        loop.stride *= 2;
        for (const s of loop.sampled) {
          if (s.tape.step % loop.stride === 0) continue;
          if (s.mode === 'eager') this.drop(s);
          else this.discard(s);
        }
        loop.sampled = loop.sampled.filter((s) => s.mode !== 'none');
        // This step may itself be off the new stride: it stays as the lazy "last" candidate.
        if (ts.mode === 'none') {
          this.dropped--;
          ts.mode = 'lazy';
          ts.buf = loop.pool.pop() ?? new StepBuffer();
          loop.lazy = ts;
        }
      }
      // Held samples keep their tensors alive: past a byte budget the oldest are written out now.
      let held = 0;
      for (const s of loop.sampled) if (s.mode === 'lazy' && s !== ts) held += s.bytes;
      for (const s of loop.sampled) {
        if (held <= HELD_SAMPLE_BYTES) break;
        if (s.mode === 'lazy' && s !== ts) {
          held -= s.bytes;
          this.promote(s);
        }
      }
    }
  }

  /** The run ended (normally or by an exception): write out every loop's held samples and last step. */
  finish(): void {
    // Last steps first: the panel opens on a loop's last step, so it is the one that gets full
    // values while the values budget lasts; the samples between take what is left.
    for (const loop of this.loops.values()) {
      if (loop.lazy) this.promote(loop.lazy);
      loop.lazy = undefined;
    }
    for (const loop of this.loops.values()) for (const s of loop.sampled) if (s.mode === 'lazy') this.promote(s);
  }

  /** `file:line:column`, made once per position object. */
  private keyOf(pos: SourcePos): string {
    let key = this.posKeys.get(pos);
    if (key === undefined) this.posKeys.set(pos, (key = `${pos.file ?? ''}:${pos.line}:${pos.column}`));
    return key;
  }

  /** An eager step falls off the sample: the host drops its detail. */
  private drop(ts: TapeState): void {
    ts.mode = 'none';
    this.dropped++;
    ts.produced = ts.emitted = ts.leafIds = ts.watched = NO_IDS;
    this.host.emit({ kind: 'dropDetail', tapeId: ts.tape.id });
    this.letGo(ts);
  }

  /** A lazy step turned out not to be the last: keep its gradients' scalars only. */
  private discard(ts: TapeState): void {
    ts.mode = 'none';
    this.dropped++;
    ts.pendingGradients = null; // their scalars went out as rows already
    // Nothing of it needs to stay but its counts (a row of the trace).
    if (ts.buf) this.release(ts);
    this.letGo(ts);
  }

  /**
   * A step let go is remembered for LET_GO_KEPT more let-gos of its loop (a gradient call on a
   * tape kept a little past its step still finds it), then forgotten, so a long loop's recorder
   * does not grow with its steps. Events about a forgotten tape count as about an unknown one.
   */
  private letGo(ts: TapeState): void {
    const loop = ts.loop;
    const i = loop.letGoCount++ % LET_GO_KEPT;
    const old = loop.letGo[i];
    if (old !== undefined && old.mode === 'none' && this.tapes.get(old.tape.id) === old) {
      this.tapes.delete(old.tape.id);
      // Kept sorted by id for the lookup: samples are let go after later steps, when a stride change drops them.
      const ids = loop.forgottenIds;
      let at = ids.length;
      while (at > 0 && ids[at - 1] > old.tape.id) at--;
      ids.splice(at, 0, old.tape.id);
      loop.forgottenSteps.splice(at, 0, old.tape.step);
      if (loop.forgottenIds.length >= 2 * FORGOTTEN_KEPT) {
        loop.forgottenIds.splice(0, FORGOTTEN_KEPT);
        loop.forgottenSteps.splice(0, FORGOTTEN_KEPT);
      }
    }
    loop.letGo[i] = ts;
  }

  /** The step of a tape the recorder forgot (undefined if too long ago): its gradient call's rows and curve points keep their place. */
  forgottenStep(tapeId: number): number | undefined {
    for (const loop of this.loops.values()) {
      const ids = loop.forgottenIds;
      let lo = 0;
      let hi = ids.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (ids[mid] === tapeId) return loop.forgottenSteps[mid];
        if (ids[mid] < tapeId) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return undefined;
  }

  /** A lazy step's buffer goes back to its loop, emptied (its tensors can die now). */
  private release(ts: TapeState): void {
    const buf = ts.buf!;
    ts.buf = null;
    buf.clear();
    if (ts.loop.pool.length < 2) ts.loop.pool.push(buf);
  }

  /** The run ended and this lazy step is its loop's last (or a sample kept): write it out in full. */
  private promote(ts: TapeState): void {
    ts.mode = 'eager';
    ts.produced = new Set();
    ts.emitted = new Set();
    ts.leafIds = new Set();
    ts.watched = new Set();
    if (ts.compact) {
      ts.compact = false;
      this.columns.rowTapes.delete(ts);
      this.host.emit(tapeRows([ts]));
    }
    this.detail.writeOut(ts);
    this.release(ts);
    if (ts.truncated) this.host.emit({ kind: 'truncated', tapeId: ts.tape.id });
    for (const g of ts.pendingGradients ?? []) this.gradients.emit(g, ts, true);
    ts.pendingGradients = null;
  }
}
