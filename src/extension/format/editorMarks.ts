// What sits in the editor around the code: CodeLens titles, inline values after line ends, gutter lines.
// No vscode import: unit-tested in plain Node. Lines are 1-based, as in the trace.
import type { Trace, TraceTape } from '../../protocol/trace';
import { stepText } from '../../format/text';
import { INLINE_ELEMENTS, formatValue } from './numbers';
import { TraceIndex } from './traceIndex';

export interface LensInfo {
  /** 1-based line of the tape's creation (or of its `tape.record(` when the creation spans lines). */
  line: number;
  title: string;
  /** First recorded node, for "Show graph"; undefined when the tape recorded none in detail. */
  nodeId?: number;
}

/** A tape's creation line: `new tf.GradientTape(` in a .grad.ts, `with tf.GradientTape() as tape:` in a .grad.py. */
export const NEW_TAPE = /\b(?:new|with)\s+(?:[\w$]+\.)*GradientTape\s*\(/;
const RECORD = /\b([\w$]+)\.record\s*\(/;

/**
 * One lens per tape the run reached: "3 ops recorded · ∂loss/∂weights · Show graph", on the line that
 * creates it. A `tape.record(` line gets the lens only when its tape's creation line cannot carry one (the
 * `new` is split over lines), so no tape is announced twice. Lines the run never reached get none.
 */
export function codeLenses(trace: Trace, lines: readonly string[]): LensInfo[] {
  const index = TraceIndex.of(trace);
  const out: LensInfo[] = [];
  const lensed = new Set<number>(); // tape lines that have their lens
  let lastTapeLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const text = lines[i];
    if (NEW_TAPE.test(text)) {
      lastTapeLine = line;
      const tapes = index.tapesByLine.get(line);
      if (tapes) {
        out.push(lensFor(index, line, tapes));
        lensed.add(line);
      }
      continue;
    }
    const rec = RECORD.exec(text);
    if (!rec) continue;
    // The tape this `x.record(` belongs to: the latest tape named x created above, else the nearest tape above.
    const name = rec[1];
    let tapeLine: number | undefined;
    for (const [l, tapes] of index.tapesByLine) if (l <= line && tapes[0].name === name && (tapeLine === undefined || l > tapeLine)) tapeLine = l;
    tapeLine ??= lastTapeLine;
    const tapes = tapeLine !== undefined ? index.tapesByLine.get(tapeLine) : undefined;
    if (tapes && !lensed.has(tapeLine!)) {
      out.push(lensFor(index, line, tapes));
      lensed.add(tapeLine!);
    }
  }
  return out;
}

function lensFor(index: TraceIndex, line: number, tapes: TraceTape[]): LensInfo {
  const last = index.lastTapeAt(tapes[0].pos!.line) ?? tapes[tapes.length - 1];
  const ops = `${last.nodeCount} op${last.nodeCount === 1 ? '' : 's'} recorded`;
  const parts = [tapes.length > 1 ? `${ops} per step × ${tapes.length} steps` : ops];
  parts.push(...index.derivativeLabels(tapes));
  parts.push('Show graph');
  return { line, title: parts.join(' · '), nodeId: last.nodes[0]?.id };
}

export interface InlineValue {
  line: number;
  text: string;
  kind: 'gradient' | 'loss' | 'error';
}

/**
 * Faint text after line ends, latest step only: the gradient at each `tape.gradient` line and the
 * target's value (the loss) at the line that computed it; the error message at the error line.
 */
export function inlineValues(trace: Trace): InlineValue[] {
  const index = TraceIndex.of(trace);
  const out: InlineValue[] = [];
  const lossLines = new Map<number, string>();
  for (const line of index.gradientsByLine.keys()) {
    const calls = index.latestGradientsAt(line);
    const parts: string[] = [];
    for (const g of calls) {
      const target = index.targetLabel(g);
      for (const s of g.sources) parts.push(`∂${target}/∂${index.sourceLabel(s)} = ${s.gradient ? formatValue(s.gradient, INLINE_ELEMENTS) : 'null'}`);
      // The loss goes where the target was computed, once per line.
      for (const t of g.targets) {
        const ref = index.tensors.get(t.tensorId);
        const at = ref?.node?.pos;
        if (!at || at.file || lossLines.has(at.line)) continue;
        const { step, of } = ref.tape ? index.stepOf(ref.tape) : { step: 1, of: 1 };
        lossLines.set(at.line, `${t.name ?? target} = ${formatValue(t.value, INLINE_ELEMENTS)}${of > 1 ? ` (${stepText(step - 1, of - 1)})` : ''}`);
      }
    }
    const tape = calls[0] && index.tapesById.get(calls[0].tapeId);
    const { step, of } = tape ? index.stepOf(tape) : { step: 1, of: 1 };
    if (parts.length) out.push({ line, text: parts.join('  ') + (of > 1 ? ` (${stepText(step - 1, of - 1)})` : ''), kind: 'gradient' });
  }
  for (const [line, text] of lossLines) if (!index.gradientsByLine.has(line)) out.push({ line, text, kind: 'loss' });
  const err = trace.error;
  if (err?.pos && !err.pos.file && err.kind !== 'cancelled') out.push({ line: err.pos.line, text: `${err.name}: ${firstLine(err.message)}`, kind: 'error' });
  return out.sort((a, b) => a.line - b.line);
}

export interface GutterLines {
  /** Lines whose ops a tape recorded. */
  recorded: number[];
  /** Lines where ops ran that no tape recorded. */
  unrecorded: number[];
  /** Lines with an error. */
  error: number[];
}

export function gutterLines(trace: Trace): GutterLines {
  const error = new Set<number>();
  for (const d of trace.diagnostics) if (d.severity === 'error' && !d.pos.file) error.add(d.pos.line);
  if (trace.error?.pos && !trace.error.pos.file && trace.error.kind !== 'cancelled') error.add(trace.error.pos.line);
  const recorded = new Set<number>();
  for (const line of TraceIndex.of(trace).nodesByLine.keys()) if (!error.has(line)) recorded.add(line);
  const unrecorded = trace.unrecordedLines.filter((l) => !recorded.has(l) && !error.has(l));
  return { recorded: [...recorded].sort((a, b) => a - b), unrecorded: [...new Set(unrecorded)].sort((a, b) => a - b), error: [...error].sort((a, b) => a - b) };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
