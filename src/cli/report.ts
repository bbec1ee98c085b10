/**
 * The CLI's text report of a Trace: pure functions from plain data to text, so tests can call
 * them without running anything.
 */
import path from 'node:path';
import { formatScalar, formatShape, toNumber, type Num } from '../format/numbers';
import { formatValue } from '../format/tensors';
import { clipText, escapeControl } from '../format/text';
import type { Curve, RunError, SourcePos, Trace, TraceGradient, TraceNode, TraceTape, ValueSummary } from '../protocol/trace';
import { adjointsOf, gradientsByTape, groupTapes } from '../protocol/traceQueries';

export { formatShape, formatValue };

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * The report's bounds, so its size does not grow with the run: rows per tape, values per cell,
 * gradient calls, curves and warnings shown (the rest are counted), characters per cell.
 */
export const REPORT_LIMITS = {
  /** Node rows per tape: the first `headRows` and the last `tailRows`. */
  headRows: 30,
  tailRows: 10,
  leaves: 20,
  /** Loops (tapes created at one place) shown; each shows its first and last step. */
  tapeGroups: 20,
  /** Elements a table cell shows in full; a gradient line shows `lineElements`. */
  cellElements: 6,
  lineElements: 12,
  gradientCalls: 10,
  curves: 30,
  warnings: 30,
  /** Bytes of one name, message or cell. */
  textBytes: 400,
} as const;

/** A number as numpy prints it on its own: `0.75`, `6.0`, `nan`, `-inf` (the one printer's formatScalar). */
export function formatNumber(x: Num, dtype: ValueSummary['dtype'] = 'float32'): string {
  return formatScalar(x, dtype);
}

/** Text from the program (names, messages) as the report shows it: control bytes escaped, length bounded. */
function safe(text: string): string {
  return escapeControl(clipText(text, REPORT_LIMITS.textBytes));
}

/** Where paths are shown from: `file:line:col` is relative to this folder when the file is inside it. */
let displayRoot: string | undefined;

/** Report paths relative to `cwd` (the CLI passes process.cwd()); undefined keeps them absolute. */
export function setDisplayRoot(cwd: string | undefined): void {
  displayRoot = cwd;
}

export function displayPath(file: string): string {
  if (!displayRoot) return file;
  const rel = path.relative(displayRoot, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `file:line:col` of a position in the scratch file or one of its imports. */
export function formatPos(trace: Trace, pos: SourcePos | undefined): string {
  if (!pos) return '?';
  return `${displayPath(pos.file ?? trace.file)}:${pos.line}:${pos.column}`;
}

/**
 * A curve as one row of block characters from its min to its max, long curves folded to `width`
 * buckets (mean of each). One pass, no copies: a 300,000-point curve costs what its points cost.
 */
export function sparkline(values: ArrayLike<number>, width = 40): string {
  const n = values.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return '';
  const per = Math.max(1, Math.ceil(n / width));
  let out = '';
  for (let i = 0; i < n; i += per) {
    let sum = 0;
    let count = 0;
    for (let j = i; j < Math.min(n, i + per); j++) {
      const v = values[j];
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    // The mean of finite values can overflow to Infinity; clamp it into the range.
    const mean = count ? Math.min(hi, Math.max(lo, sum / count)) : NaN;
    out += Number.isFinite(mean) ? SPARKS[hi === lo ? 3 : Math.round(((mean - lo) / (hi - lo)) * (SPARKS.length - 1))] : ' ';
  }
  return out;
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0].map(() => 0);
  for (const r of rows) r.forEach((cell, c) => (widths[c] = Math.max(widths[c], [...cell].length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - [...cell].length))).join('  ').trimEnd());
}

function tapeTitle(t: TraceTape): string {
  const name = t.name ? `'${safe(t.name)}'` : `#${t.id}`;
  const where = t.pos ? ` (line ${t.pos.line}${t.step ? `, step ${t.step}` : ''})` : t.step ? ` (step ${t.step})` : '';
  const flags = [t.persistent ? 'persistent' : '', t.watchAccessedVariables ? '' : 'watchAccessedVariables: false'].filter(Boolean);
  return `tape ${name}${where}${flags.length ? ` [${flags.join(', ')}]` : ''}: ${t.nodeCount} op${t.nodeCount === 1 ? '' : 's'}`;
}

function nodeRow(n: TraceNode, adj: Map<number, ValueSummary>): string[] {
  const g = adj.get(n.outputId);
  const cell = REPORT_LIMITS.cellElements;
  return [safe(n.name ?? `#${n.id}`), safe(n.op), formatShape(n.output.shape), formatValue(n.output, cell) + (n.nonFinite ? ' ⚠' : ''), g ? formatValue(g, cell) : '—', n.pos ? `line ${n.pos.line}` : ''];
}

function gradientLines(trace: Trace, g: TraceGradient, tapeName: string | undefined): string[] {
  const value = (v: ValueSummary): string => formatValue(v, REPORT_LIMITS.lineElements);
  const target = safe(g.targets.map((t) => t.name ?? `#${t.tensorId}`).join(' + ') || 'target');
  const sources = g.sources.map((s) => safe(s.name ?? (s.key !== undefined ? String(s.key) : `#${s.tensorId}`)));
  const args = g.kind === 'jvp' ? target : `${target}, ${g.sources.length === 1 && g.sources[0].key === undefined ? sources[0] : `[${sources.join(', ')}]`}`;
  const call = `${g.resultName ? `${safe(g.resultName)} = ` : ''}${safe(tapeName ?? 'tape')}.${g.kind}(${args})${g.step ? ` (step ${g.step})` : ''}`;
  const out = [`  ${formatPos(trace, g.pos)}  ${call}`];
  if (g.kind === 'jvp') {
    // Forward mode: the results are the targets' JVPs (in adjoints); the sources carry the tangents given.
    for (const t of g.targets) {
      const r = g.adjoints.find((a) => a.tensorId === t.tensorId);
      out.push(`    jvp(${safe(t.name ?? `#${t.tensorId}`)}) = ${r ? value(r.value) : 'null'}`);
    }
    for (const s of g.sources) if (s.gradient) out.push(`    tangent of ${safe(s.name ?? `#${s.tensorId}`)} = ${value(s.gradient)}`);
    return out;
  }
  g.sources.forEach((s, i) => {
    const d = `∂${target}/∂${sources[i]}`;
    if (s.gradient) out.push(`    ${d} = ${value(s.gradient)}`);
    else {
      const why = s.nullReason ? `${safe(s.nullReason.message)}${s.nullReason.pos ? ` (${formatPos(trace, s.nullReason.pos)})` : ''}` : 'no gradient';
      out.push(`    ${d} = null: ${why}`);
    }
  });
  return out;
}

function curveLine(c: Curve): string {
  const n = c.points.length;
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = toNumber(c.points[i].value);
  const range = n ? `${formatNumber(c.points[0].value)} → ${formatNumber(c.points[n - 1].value)}` : '';
  return `${safe(c.name)}${c.kind === 'target' ? '' : ' (summary)'}  ${sparkline(vals)}  ${range} (${n} point${n === 1 ? '' : 's'})`;
}

/** The first `head` and last `tail` items, and how many lie between (counted, not copied). */
function ends<T>(items: readonly T[], head: number, tail: number): { first: readonly T[]; last: readonly T[]; skipped: number } {
  if (items.length <= head + tail) return { first: items, last: [], skipped: 0 };
  return { first: items.slice(0, head), last: items.slice(items.length - tail), skipped: items.length - head - tail };
}

/**
 * The report printed after the script's own output, as lines: per tape a node table (name, op,
 * shape, value, gradient), the gradients asked for (each null with its reason and file:line),
 * curves as sparklines, warnings. A loop's tapes show their first and last step. One pass over the
 * trace and a bounded number of lines (REPORT_LIMITS), whatever the run's length; the CLI writes
 * them as they come.
 */
export function* reportLines(trace: Trace): Generator<string> {
  const L = REPORT_LIMITS;
  const calls = gradientsByTape(trace);
  const tapeNames = new Map<number, string | undefined>();
  for (const t of trace.tapes) tapeNames.set(t.id, t.name);
  let first = true;
  const blank = function* (): Generator<string> {
    if (!first) yield '';
    first = false;
  };
  const groups = groupTapes(trace);
  for (const { tapes } of groups.slice(0, L.tapeGroups)) {
    const shown = tapes.length > 3 ? [tapes[0], tapes[tapes.length - 1]] : tapes;
    if (tapes.length > 3) {
      yield* blank();
      yield `${tapes.length} tapes created at line ${tapes[0].pos?.line ?? '?'} (a loop); showing the first and the last step`;
    }
    for (const t of shown) {
      yield* blank();
      yield tapeTitle(t);
      if (!t.detailed) {
        yield '  (only scalars kept for this step)';
        continue;
      }
      const adj = adjointsOf(calls.get(t.id));
      const leaves = ends(t.leaves, L.leaves, 0);
      for (const l of leaves.first) {
        const g = adj.get(l.tensorId);
        yield `  ${l.kind} ${safe(l.name ?? `#${l.tensorId}`)}${l.watched ? ' (watched)' : ''} ${formatShape(l.value.shape)} = ${formatValue(l.value, L.cellElements)}${g ? `  gradient ${formatValue(g, L.cellElements)}` : ''}`;
      }
      if (leaves.skipped) yield `  … ${leaves.skipped} more leaves`;
      if (t.nodes.length) {
        const rows = ends(t.nodes, L.headRows, L.tailRows);
        const lines = table([['name', 'op', 'shape', 'value', 'gradient', 'where'], ...rows.first.map((n) => nodeRow(n, adj)), ...rows.last.map((n) => nodeRow(n, adj))]);
        yield* lines.slice(0, 1 + rows.first.length);
        if (rows.skipped) yield `  … ${rows.skipped} more ops`;
        yield* lines.slice(1 + rows.first.length);
      }
      if (t.truncated) yield `  … ${t.nodeCount - t.nodes.length} more ops not kept (detail budget)`;
    }
  }
  if (groups.length > L.tapeGroups) {
    let more = 0;
    for (const g of groups.slice(L.tapeGroups)) more += g.tapes.length;
    yield* blank();
    yield `… ${more} more tape${more === 1 ? '' : 's'} created at ${groups.length - L.tapeGroups} other place${groups.length - L.tapeGroups === 1 ? '' : 's'}`;
  }
  const grads = trace.gradients;
  if (grads.length) {
    yield* blank();
    yield 'gradients';
    const half = L.gradientCalls / 2;
    const shownGrads = ends(grads, half, half);
    for (const g of shownGrads.first) yield* gradientLines(trace, g, tapeNames.get(g.tapeId));
    if (shownGrads.skipped) yield `  … ${shownGrads.skipped} more`;
    for (const g of shownGrads.last) yield* gradientLines(trace, g, tapeNames.get(g.tapeId));
  }
  if (trace.curves.length) {
    yield* blank();
    yield 'curves';
    const curves = ends(trace.curves, L.curves, 0);
    for (const c of curves.first) yield `  ${curveLine(c)}`;
    if (curves.skipped) yield `  … ${curves.skipped} more curves`;
  }
  let warnings = 0;
  for (const d of trace.diagnostics) {
    if (d.severity === 'error') continue;
    if (warnings === 0) {
      yield* blank();
      yield 'warnings';
    }
    if (++warnings <= L.warnings) yield `  ${formatPos(trace, d.pos)}: ${safe(d.message)}`;
  }
  if (warnings > L.warnings) yield `  … ${warnings - L.warnings} more warnings`;
  // A long run's trace keeps a bounded number of rows: say what was thinned, and where.
  const thinned = trace.thinned ?? [];
  if (thinned.length) {
    yield* blank();
    yield 'thinned to fit the trace (the first, last and detailed steps and every curve\'s envelope are kept)';
    for (const th of thinned.slice(0, L.warnings)) {
      const what = th.what === 'steps' ? `steps of tape ${safe(th.name ?? 'tape')}${th.pos ? ` (${formatPos(trace, th.pos)})` : ''}` : `points of curve ${safe(th.name ?? '')}`;
      yield `  ${th.dropped} ${what} between steps ${th.fromStep} and ${th.toStep}`;
    }
    if (thinned.length > L.warnings) yield `  … ${thinned.length - L.warnings} more`;
  }
  const s = trace.stats;
  yield* blank();
  yield `${s.ops} ops (${s.recordedOps} recorded) on ${s.tapes} tape${s.tapes === 1 ? '' : 's'}, ${s.gradientCalls} gradient call${s.gradientCalls === 1 ? '' : 's'}${s.droppedSteps ? `, ${s.droppedSteps} steps kept as scalars only` : ''}, ${Math.round(trace.durationMs)} ms`;
}

/** The whole report as one string (tests; the CLI streams reportLines). */
export function formatReport(trace: Trace): string {
  return [...reportLines(trace)].join('\n');
}

/** `file:line:col: Name: message` and a code frame under it, for a failed run. */
export function formatError(trace: Trace, error: RunError, sourceOf: (file: string) => string | undefined): string {
  const pos = error.pos;
  const head = `${pos ? `${formatPos(trace, pos)}: ` : `${displayPath(trace.file)}: `}${safe(error.name)}: ${escapeControl(clipText(error.message, 4 * REPORT_LIMITS.textBytes))}`;
  const lines = [head];
  const text = pos ? sourceOf(pos.file ?? trace.file) : undefined;
  if (pos && text !== undefined) lines.push(codeFrame(text, pos.line, pos.column));
  if (error.stack && error.kind === 'exception') {
    const frames = error.stack.split('\n', 9).slice(1);
    if (frames.length > 1) lines.push(...frames.slice(0, 8).map(safe));
  }
  return lines.join('\n');
}

/** Characters of a source line a code frame shows: a window around the column on long lines. */
export const FRAME_WIDTH = 120;

/**
 * Two lines of context either side, a `>` on the line and a caret under the column. A long line
 * (minified code, a 5 MB literal) shows FRAME_WIDTH characters around the column, `…` where cut;
 * control characters are escaped.
 */
export function codeFrame(text: string, line: number, column: number): string {
  const from = Math.max(1, line - 2);
  const to = line + 2;
  // Only the lines shown are split out: a 5 MB file is not copied line by line.
  const src: string[] = [];
  let at = 0;
  for (let l = 1; l <= to && at <= text.length; l++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (l >= from) src.push(text.slice(at, end > at && text[end - 1] === '\r' ? end - 1 : end));
    at = end + 1;
  }
  const last = from + src.length - 1;
  const w = String(last).length;
  const start = Math.max(0, Math.min(column - 1 - FRAME_WIDTH / 2, (src[line - from]?.length ?? 0) - FRAME_WIDTH));
  const cut = (s: string): string => {
    const head = start > 0 ? '…' : '';
    const tail = s.length > start + FRAME_WIDTH ? '…' : '';
    return escapeControl(head + s.slice(start, start + FRAME_WIDTH) + tail).replace(/\t/g, ' ');
  };
  const out: string[] = [];
  for (let l = from; l <= last; l++) {
    out.push(`${l === line ? '>' : ' '} ${String(l).padStart(w)} | ${cut(src[l - from] ?? '')}`.trimEnd());
    if (l === line) out.push(`  ${' '.repeat(w)} | ${' '.repeat(Math.max(0, column - 1 - start + (start > 0 ? 1 : 0)))}^`);
  }
  return out.join('\n');
}
