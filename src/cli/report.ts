/**
 * The CLI's text report of a Trace: pure functions from plain data to text, so tests can call
 * them without running anything.
 */
import path from 'node:path';
import type { Curve, Num, RunError, SourcePos, Trace, TraceGradient, TraceNode, TraceTape, ValueSummary } from '../protocol/trace';

const SPARKS = '▁▂▃▄▅▆▇█';

/** A float32 as numpy prints it: the shortest decimal that reads back as the same float32. */
export function formatNumber(x: Num, dtype = 'float32'): string {
  if (typeof x !== 'number') return x === 'NaN' ? 'nan' : x === 'Infinity' ? 'inf' : '-inf';
  if (!Number.isFinite(x)) return x !== x ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (dtype === 'int32' || dtype === 'bool' || Number.isInteger(x)) return String(x);
  if (dtype === 'float64') return String(x);
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(x);
}

/** A summary as nested arrays when every value is kept (`[[-0.39999998], [-0.79999995]]`), else its first values. */
export function formatValue(v: ValueSummary, maxChars = 60): string {
  const fmt = (x: Num): string => formatNumber(x, v.dtype);
  // Small tensors keep all their values in `first` even when `values` was dropped (budget).
  const all = v.values && v.values.length === v.size ? v.values : v.first.length === v.size ? v.first : undefined;
  if (all) {
    if (v.shape.length === 0) return fmt(all[0]);
    let i = 0;
    const nest = (axis: number): string => {
      const n = v.shape[axis];
      const parts: string[] = [];
      for (let k = 0; k < n; k++) parts.push(axis === v.shape.length - 1 ? fmt(all[i++]) : nest(axis + 1));
      return `[${parts.join(', ')}]`;
    };
    const text = nest(0);
    if (text.length <= maxChars) return text;
  }
  const first = v.first.map(fmt).join(', ');
  return `[${first}${v.size > v.first.length ? ', …' : ''}] (${v.size} values, min ${fmt(v.min)}, max ${fmt(v.max)})`;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
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

export function sparkline(values: number[], width = 40): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return '';
  // Fold long curves to `width` buckets (mean of each), so the line stays on one row.
  const buckets: number[] = [];
  const per = Math.max(1, Math.ceil(values.length / width));
  for (let i = 0; i < values.length; i += per) {
    const chunk = values.slice(i, i + per).filter((v) => Number.isFinite(v));
    buckets.push(chunk.length ? chunk.reduce((a, b) => a + b, 0) / chunk.length : NaN);
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return buckets
    .map((v) => (Number.isFinite(v) ? SPARKS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))] : ' '))
    .join('');
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/** The adjoint of each tensor on the tape, from the latest gradient call that computed it. */
function adjointsOf(trace: Trace, tape: TraceTape): Map<number, ValueSummary> {
  const m = new Map<number, ValueSummary>();
  for (const g of trace.gradients) if (g.tapeId === tape.id) for (const a of g.adjoints) m.set(a.tensorId, a.value);
  return m;
}

function tapeTitle(t: TraceTape): string {
  const name = t.name ? `'${t.name}'` : `#${t.id}`;
  const where = t.pos ? ` (line ${t.pos.line}${t.step ? `, step ${t.step}` : ''})` : t.step ? ` (step ${t.step})` : '';
  const flags = [t.persistent ? 'persistent' : '', t.watchAccessedVariables ? '' : 'watchAccessedVariables: false'].filter(Boolean);
  return `tape ${name}${where}${flags.length ? ` [${flags.join(', ')}]` : ''}: ${t.nodeCount} op${t.nodeCount === 1 ? '' : 's'}`;
}

function nodeRow(n: TraceNode, adj: Map<number, ValueSummary>): string[] {
  const g = adj.get(n.outputId);
  return [n.name ?? `#${n.id}`, n.op, formatShape(n.output.shape), formatValue(n.output, 40) + (n.nonFinite ? ' ⚠' : ''), g ? formatValue(g, 40) : '—', n.pos ? `line ${n.pos.line}` : ''];
}

function gradientLines(trace: Trace, g: TraceGradient): string[] {
  const target = g.targets.map((t) => t.name ?? `#${t.tensorId}`).join(' + ') || 'target';
  const tape = trace.tapes.find((t) => t.id === g.tapeId);
  const sources = g.sources.map((s) => s.name ?? (s.key !== undefined ? String(s.key) : `#${s.tensorId}`));
  const args = g.kind === 'jvp' ? target : `${target}, ${g.sources.length === 1 && g.sources[0].key === undefined ? sources[0] : `[${sources.join(', ')}]`}`;
  const call = `${g.resultName ? `${g.resultName} = ` : ''}${tape?.name ?? 'tape'}.${g.kind}(${args})${g.step ? ` (step ${g.step})` : ''}`;
  const out = [`  ${formatPos(trace, g.pos)}  ${call}`];
  if (g.kind === 'jvp') {
    // Forward mode: the results are the targets' JVPs (in adjoints); the sources carry the tangents given.
    for (const t of g.targets) {
      const r = g.adjoints.find((a) => a.tensorId === t.tensorId);
      out.push(`    jvp(${t.name ?? `#${t.tensorId}`}) = ${r ? formatValue(r.value) : 'null'}`);
    }
    for (const s of g.sources) if (s.gradient) out.push(`    tangent of ${s.name ?? `#${s.tensorId}`} = ${formatValue(s.gradient)}`);
    return out;
  }
  for (const s of g.sources) {
    const src = s.name ?? (s.key !== undefined ? String(s.key) : `#${s.tensorId}`);
    const d = `∂${target}/∂${src}`;
    if (s.gradient) out.push(`    ${d} = ${formatValue(s.gradient)}`);
    else {
      const why = s.nullReason ? `${s.nullReason.message}${s.nullReason.pos ? ` (${formatPos(trace, s.nullReason.pos)})` : ''}` : 'no gradient';
      out.push(`    ${d} = null: ${why}`);
    }
  }
  return out;
}

function curveLine(c: Curve): string {
  const vals = c.points.map((p) => (typeof p.value === 'number' ? p.value : NaN));
  const first = c.points[0];
  const last = c.points[c.points.length - 1];
  const range = first && last ? `${formatNumber(first.value)} → ${formatNumber(last.value)}` : '';
  return `${c.name}${c.kind === 'target' ? '' : ' (summary)'}  ${sparkline(vals)}  ${range} (${c.points.length} point${c.points.length === 1 ? '' : 's'})`;
}

/**
 * The report printed after the script's own output: per tape a node table (name, op, shape,
 * value, gradient), the gradients asked for (each null with its reason and file:line), curves as
 * sparklines, warnings. Steps without detail are summarised in one line per loop.
 */
export function formatReport(trace: Trace): string {
  const out: string[] = [];
  const byLoop = new Map<string, TraceTape[]>();
  for (const t of trace.tapes) {
    const key = t.pos ? `${t.pos.file ?? ''}:${t.pos.line}:${t.pos.column}` : `#${t.id}`;
    byLoop.set(key, [...(byLoop.get(key) ?? []), t]);
  }
  for (const tapes of byLoop.values()) {
    const shown = tapes.length > 3 ? [tapes[0], tapes[tapes.length - 1]] : tapes;
    if (tapes.length > 3) out.push('', `${tapes.length} tapes created at line ${tapes[0].pos?.line ?? '?'} (a loop); showing the first and the last step`);
    for (const t of shown) {
      out.push('', tapeTitle(t));
      if (!t.detailed) {
        out.push('  (only scalars kept for this step)');
        continue;
      }
      const adj = adjointsOf(trace, t);
      if (t.leaves.length) {
        for (const l of t.leaves) {
          const g = adj.get(l.tensorId);
          out.push(`  ${l.kind} ${l.name ?? `#${l.tensorId}`}${l.watched ? ' (watched)' : ''} ${formatShape(l.value.shape)} = ${formatValue(l.value, 50)}${g ? `  gradient ${formatValue(g, 40)}` : ''}`);
        }
      }
      if (t.nodes.length) out.push(...table([['name', 'op', 'shape', 'value', 'gradient', 'where'], ...t.nodes.map((n) => nodeRow(n, adj))]));
      if (t.truncated) out.push(`  … ${t.nodeCount - t.nodes.length} more ops not kept (detail budget)`);
    }
  }
  const grads = trace.gradients;
  if (grads.length) {
    out.push('', 'gradients');
    const shownGrads = grads.length > 10 ? [...grads.slice(0, 5), ...grads.slice(-5)] : grads;
    for (const g of shownGrads) {
      if (grads.length > 10 && g === grads[grads.length - 5]) out.push(`  … ${grads.length - 10} more`);
      out.push(...gradientLines(trace, g));
    }
  }
  if (trace.curves.length) {
    out.push('', 'curves');
    for (const c of trace.curves) out.push(`  ${curveLine(c)}`);
  }
  const warnings = trace.diagnostics.filter((d) => d.severity !== 'error');
  if (warnings.length) {
    out.push('', 'warnings');
    for (const d of warnings) out.push(`  ${formatPos(trace, d.pos)}: ${d.message}`);
  }
  const s = trace.stats;
  out.push('', `${s.ops} ops (${s.recordedOps} recorded) on ${s.tapes} tape${s.tapes === 1 ? '' : 's'}, ${s.gradientCalls} gradient call${s.gradientCalls === 1 ? '' : 's'}${s.droppedSteps ? `, ${s.droppedSteps} steps kept as scalars only` : ''}, ${Math.round(trace.durationMs)} ms`);
  return out.join('\n').replace(/^\n/, '');
}

/** `file:line:col: Name: message` and a code frame under it, for a failed run. */
export function formatError(trace: Trace, error: RunError, sourceOf: (file: string) => string | undefined): string {
  const pos = error.pos;
  const head = `${pos ? `${formatPos(trace, pos)}: ` : `${displayPath(trace.file)}: `}${error.name}: ${error.message}`;
  const lines = [head];
  const text = pos ? sourceOf(pos.file ?? trace.file) : undefined;
  if (pos && text !== undefined) lines.push(codeFrame(text, pos.line, pos.column));
  if (error.stack && error.kind === 'exception') {
    const frames = error.stack.split('\n').slice(1);
    if (frames.length > 1) lines.push(...frames.slice(0, 8));
  }
  return lines.join('\n');
}

/** Two lines of context either side, a `>` on the line and a caret under the column. */
export function codeFrame(text: string, line: number, column: number): string {
  const src = text.split(/\r?\n/);
  const from = Math.max(1, line - 2);
  const to = Math.min(src.length, line + 2);
  const w = String(to).length;
  const out: string[] = [];
  for (let l = from; l <= to; l++) {
    out.push(`${l === line ? '>' : ' '} ${String(l).padStart(w)} | ${src[l - 1] ?? ''}`);
    if (l === line) out.push(`  ${' '.repeat(w)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
