/**
 * The host side of the trace: applies the run worker's TraceEvents, in order, and hands out a
 * complete Trace only at the end. Whatever stops a run (its end, an exception, the time or memory
 * limit, cancellation), the Trace holds every event the worker sent before it.
 */
import { TRACE_VERSION, type ConsoleLine, type Curve, type RunError, type SourcePos, type Trace, type TraceDiagnostic, type TraceGradient, type TraceTape } from '../protocol/trace';
import type { TraceEvent } from '../protocol/worker';

/** Console lines kept in a trace; later ones are counted in a final note. */
export const CONSOLE_LIMIT = 5000;

export class TraceAssembler {
  private readonly tapes = new Map<number, TraceTape>();
  private readonly tapeList: TraceTape[] = [];
  private readonly gradients: TraceGradient[] = [];
  private readonly curves = new Map<string, Curve>();
  private readonly diagnostics: TraceDiagnostic[] = [];
  private readonly unrecorded = new Set<number>();
  private readonly console: ConsoleLine[] = [];
  private droppedConsole = 0;
  private stats = { ops: 0, recordedOps: 0, gradientCalls: 0, droppedSteps: 0 };
  /** Position of the latest op the worker reported (heartbeat), for timeout messages. */
  lastPos: SourcePos | undefined;

  constructor(
    private readonly file: string,
    private readonly startedAt: Date,
  ) {}

  /** Adds a console line; returns false once the trace's console limit is reached. */
  log(line: ConsoleLine): boolean {
    if (this.console.length >= CONSOLE_LIMIT) {
      this.droppedConsole++;
      return false;
    }
    this.console.push(line);
    return true;
  }

  progress(ops: number, pos: SourcePos | undefined): void {
    this.stats.ops = Math.max(this.stats.ops, ops);
    if (pos) this.lastPos = pos;
  }

  apply(e: TraceEvent): void {
    switch (e.kind) {
      case 'tape':
        this.tapes.set(e.tape.id, e.tape);
        this.tapeList.push(e.tape);
        break;
      case 'tapeStats': {
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.nodeCount = e.nodeCount;
          t.bytes = e.bytes;
        }
        break;
      }
      case 'leaf': {
        const t = this.tapes.get(e.tapeId);
        if (t?.detailed) t.leaves.push(e.leaf);
        break;
      }
      case 'node':
        for (const id of e.node.tapeIds) {
          const t = this.tapes.get(id);
          if (t?.detailed && !t.truncated) t.nodes.push(e.node);
        }
        if (e.node.pos) this.lastPos = e.node.pos;
        break;
      case 'dropDetail': {
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.detailed = false;
          t.nodes = [];
          t.leaves = [];
        }
        for (const g of this.gradients) if (g.tapeId === e.tapeId) g.adjoints = [];
        break;
      }
      case 'detail': {
        const t = this.tapes.get(e.tapeId);
        if (t) {
          t.detailed = true;
          t.leaves = e.leaves;
          t.nodes = e.nodes;
        }
        break;
      }
      case 'truncated': {
        const t = this.tapes.get(e.tapeId);
        if (t) t.truncated = true;
        break;
      }
      case 'gradient':
        this.gradients.push(e.gradient);
        break;
      case 'curvePoint': {
        const key = `${e.curveKind}\0${e.name}`;
        let c = this.curves.get(key);
        if (!c) {
          c = { name: e.name, kind: e.curveKind, points: [] };
          if (e.pos) c.pos = e.pos;
          this.curves.set(key, c);
        }
        const last = c.points[c.points.length - 1];
        // A persistent tape asked twice in one step repeats the same point.
        if (!(last && last.step === e.point.step && last.value === e.point.value)) c.points.push(e.point);
        break;
      }
      case 'diagnostic':
        this.diagnostics.push(e.diagnostic);
        break;
      case 'unrecordedLine':
        this.unrecorded.add(e.line);
        break;
      case 'stats':
        this.stats = { ops: e.ops, recordedOps: e.recordedOps, gradientCalls: e.gradientCalls, droppedSteps: e.droppedSteps };
        break;
      default:
        assertNever(e);
    }
  }

  /** The finished Trace. `error` (if any) also becomes an error diagnostic at its position. */
  finish(error: RunError | undefined, durationMs: number): Trace {
    const console = this.console.slice();
    if (this.droppedConsole > 0) {
      console.push({ level: 'info', text: `… ${this.droppedConsole} more console lines not kept (limit ${CONSOLE_LIMIT})`, timeMs: durationMs });
    }
    const diagnostics = this.diagnostics.slice();
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
      tapes: this.tapeList.slice(),
      gradients: this.gradients.slice().sort((a, b) => a.id - b.id),
      curves: [...this.curves.values()],
      diagnostics,
      unrecordedLines: [...this.unrecorded].sort((a, b) => a - b),
      stats: { ...this.stats, tapes: this.tapeList.length, gradientCalls: Math.max(this.stats.gradientCalls, this.gradients.length) },
    };
    if (error) trace.error = error;
    return trace;
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected trace event ${JSON.stringify(x)}`);
}
