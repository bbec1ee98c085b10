// What a hover says: a position in a .grad.ts file → the trace's tensor or gradient call → Markdown.
// No vscode import: unit-tested in plain Node. The provider only wraps the string in a MarkdownString.
import type { NullReason, SourcePos, TraceGradient, TraceTape } from '../../protocol/trace';
import { stepText as stepLabel } from '../../format/text';
import { formatNumber, formatType, formatValue } from './numbers';
import { type Derivative, type TensorRef, TraceIndex } from './traceIndex';

/** The word under the mouse, in the trace's coordinates (1-based line and columns). */
export interface HoverQuery {
  line: number;
  /** 1-based column of the word's first character. */
  startColumn: number;
  /** 1-based column just past the word. */
  endColumn: number;
  word: string;
}

export type HoverSubject =
  | { kind: 'tensor'; ref: TensorRef }
  | { kind: 'gradient'; calls: TraceGradient[] }
  | { kind: 'tape'; tape: TraceTape };

const GRADIENT_METHODS = new Set(['gradient', 'jacobian', 'batchJacobian', 'jvp']);

/** Maps the word under the mouse to what the trace knows about it, or undefined. */
export function resolveHover(index: TraceIndex, q: HoverQuery): HoverSubject | undefined {
  // `tape.gradient(...)` itself, or the variable holding its result (`gradients`).
  const callsHere = index.latestGradientsAt(q.line);
  if (callsHere.length && GRADIENT_METHODS.has(q.word)) return { kind: 'gradient', calls: callsHere };
  const named = lastWith(index.trace.gradients, (g) => g.resultName === q.word);
  if (named) return { kind: 'gradient', calls: [named] };

  // An op call: the engine records the column of the call (V8 puts it on the method name).
  const atCall = index.latestNodesAt(q.line).filter(({ node }) => node.pos!.column >= q.startColumn && node.pos!.column <= q.endColumn);
  if (atCall.length) {
    const { node, tape } = atCall[atCall.length - 1];
    return { kind: 'tensor', ref: index.tensors.get(node.outputId) ?? { tensorId: node.outputId, tape, node, label: node.name ?? node.op, value: node.output, pos: node.pos } };
  }

  // `new tf.GradientTape(` or the tape's name.
  const tapeHere = index.lastTapeAt(q.line);
  if (tapeHere && (q.word === 'GradientTape' || q.word === tapeHere.name)) return { kind: 'tape', tape: tapeHere };

  // A name the trace knows: a variable, a constant, an intermediate, a target.
  const ref = index.latestByName(q.word);
  if (ref) return { kind: 'tensor', ref };
  const tape = lastWith(index.trace.tapes, (t) => t.name === q.word);
  if (tape) return { kind: 'tape', tape: index.lastTapeAt(tape.pos?.line ?? -1) ?? tape };
  return undefined;
}

export interface HoverFormatOptions {
  /** The document's URI as a string: links to lines are `uri#L12`. */
  docUri: string;
}

/** A command link to reveal a node in the panel; the hover trusts only this command. */
export function showInGraphLink(docUri: string, nodeId: number): string {
  return `command:gradtape.showInGraph?${encodeURIComponent(JSON.stringify({ uri: docUri, nodeId }))}`;
}

export function lineLink(docUri: string, pos: SourcePos): string {
  return `[line ${pos.line}](${docUri}#L${pos.line},${pos.column})`;
}

/** Markdown for a hover subject: monospace numbers in a code block, links below. */
export function formatHover(index: TraceIndex, subject: HoverSubject, opts: HoverFormatOptions): string {
  switch (subject.kind) {
    case 'tensor':
      return formatTensorHover(index, subject.ref, opts);
    case 'gradient':
      return formatGradientHover(index, subject.calls, opts);
    case 'tape':
      return formatTapeHover(index, subject.tape, opts);
  }
}

function stepText(index: TraceIndex, tape: TraceTape): string {
  const { step, of } = index.stepOf(tape);
  return of > 1 ? ` · ${stepLabel(step - 1, of - 1)}` : '';
}

function kindText(ref: TensorRef): string {
  if (ref.leaf) return ref.leaf.kind === 'variable' ? (ref.leaf.trainable === false ? 'Variable (trainable: false)' : 'Variable') : ref.leaf.kind === 'constant' ? 'constant' : 'watched tensor';
  return ref.node ? ref.node.op : 'tensor';
}

export function formatTensorHover(index: TraceIndex, ref: TensorRef, opts: HoverFormatOptions): string {
  const derivatives = withCallLines(index.derivativesOf(ref));
  const lines = [`${ref.label} = ${formatValue(ref.value)}`, ...derivatives.map((d) => derivativeLine(d))];
  const trend = curveTrend(index, ref.label);
  if (trend) lines.push(trend);
  const md = [
    `**${escapeMd(ref.label)}** · ${kindText(ref)} · ${formatType(ref.value)}${stepText(index, ref.tape)}`,
    codeBlock(lines),
    ...nullReasons(derivatives, opts),
  ];
  if (ref.leaf && !ref.leaf.watched && derivatives.length === 0 && ref.leaf.kind === 'constant') {
    // A constant nobody watched: say why no derivative is listed, the tape's most common surprise.
    md.push(`No tape watched ${codeSpan(ref.label)}, so no gradient flows to it; ${codeSpan(`tape.watch(${ref.label})`)} inside \`record\` (or \`tf.variable\`) would change that.`);
  }
  if (ref.node) md.push(`[Show in graph](${showInGraphLink(opts.docUri, ref.node.id)})`);
  return md.join('\n\n');
}

export function formatGradientHover(index: TraceIndex, calls: TraceGradient[], opts: HoverFormatOptions): string {
  const md: string[] = [];
  for (const g of calls) {
    const tape = index.tapesById.get(g.tapeId);
    const target = index.targetLabel(g);
    const derivatives: Derivative[] = g.sources.map((s) => ({ gradient: g, label: `∂${target}/∂${index.sourceLabel(s)}`, value: s.gradient, nullReason: s.nullReason }));
    const lines = [
      ...g.targets.map((t) => `${t.name ?? target} = ${formatValue(t.value)}`),
      ...derivatives.map((d) => derivativeLine(d)),
    ];
    md.push(`**tape.${g.kind}** · ${g.sources.length} source${g.sources.length === 1 ? '' : 's'}${tape ? stepText(index, tape) : ''}`, codeBlock(lines), ...nullReasons(derivatives, opts));
    const targetNode = g.targets.map((t) => index.tensors.get(t.tensorId)?.node).find((n) => n);
    if (targetNode) md.push(`[Show in graph](${showInGraphLink(opts.docUri, targetNode.id)})`);
  }
  return md.join('\n\n');
}

export function formatTapeHover(index: TraceIndex, tape: TraceTape, opts: HoverFormatOptions): string {
  const flags = [tape.persistent ? 'persistent' : 'not persistent', tape.watchAccessedVariables ? 'watches variables' : 'watchAccessedVariables: false'];
  const labels = index.derivativeLabels([tape]);
  const md = [
    `**GradientTape${tape.name ? ` ${escapeMd(tape.name)}` : ''}** · ${tape.nodeCount} ops recorded${stepText(index, tape)}`,
    `${flags.join(' · ')}${labels.length ? ` · ${escapeMd(labels.join(', '))}` : ''}`,
  ];
  if (tape.nodes.length) md.push(`[Show in graph](${showInGraphLink(opts.docUri, tape.nodes[0].id)})`);
  return md.join('\n\n');
}

/** `loss over 3 steps: 0.21 → 0.1 → 0.05 (min 0.05 at step 3)` for a name the run plotted, in a loop. */
function curveTrend(index: TraceIndex, name: string): string | undefined {
  const curve = index.trace.curves.find((c) => c.name === name && c.points.length > 1);
  if (!curve) return undefined;
  const pts = curve.points;
  let min = 0;
  for (let i = 1; i < pts.length; i++) if (Number(pts[i].value) < Number(pts[min].value)) min = i;
  const f = (i: number) => formatNumber(pts[i].value, 'float32');
  const path = pts.length <= 4 ? pts.map((_, i) => f(i)).join(' → ') : `${f(0)} → … → ${f(pts.length - 1)}`;
  return `${name} over ${pts.length} steps: ${path} (min ${f(min)} at step ${pts[min].step + 1})`;
}

/**
 * With several gradient calls through one name (a persistent tape asked twice, an outer tape around an
 * inner one), `∂loss/∂h` alone would repeat with no way to tell the calls apart: each gets its call's line
 * (`∂loss/∂h (line 16)`), and its column too when two calls share a line.
 */
function withCallLines(derivatives: Derivative[]): Derivative[] {
  const calls = [...new Set(derivatives.map((d) => d.gradient))];
  if (calls.length < 2) return derivatives;
  const lines = calls.map((g) => (g.pos && !g.pos.file ? g.pos.line : undefined));
  const shared = lines.some((l, i) => l !== undefined && lines.indexOf(l) !== i);
  return derivatives.map((d) => {
    const pos = d.gradient.pos;
    const where = pos && !pos.file ? `line ${pos.line}${shared ? `:${pos.column}` : ''}` : `call ${calls.indexOf(d.gradient) + 1}`;
    return { ...d, label: `${d.label} (${where})` };
  });
}

function derivativeLine(d: Derivative): string {
  return `${d.label} = ${d.value ? formatValue(d.value) : 'null'}`;
}

/** Why each null derivative is null, with a link to the line that caused it. */
function nullReasons(derivatives: Derivative[], opts: HoverFormatOptions): string[] {
  return derivatives.filter((d) => !d.value).map((d) => `${codeSpan(d.label)} is null: ${reasonText(d.nullReason, opts)}`);
}

function reasonText(reason: NullReason | undefined, opts: HoverFormatOptions): string {
  if (!reason) return 'the target does not depend on it.';
  const text = escapeMd(reason.message);
  return reason.pos && !reason.pos.file ? `${text} (${lineLink(opts.docUri, reason.pos)})` : text;
}

// Names in a hover are the user's (`tf.variable(x, true, name)`, a tape's name, a message): Markdown in
// them must show as text. Outside code every punctuation character Markdown gives a meaning is escaped
// (escaping `:` and `.` also defeats autolinks); inside code the fence is longer than
// any run of backticks the text holds. Line breaks become spaces: a name cannot start a new block.

/** A fenced block whose fence no line can close. */
function codeBlock(lines: string[]): string {
  const fence = '`'.repeat(Math.max(3, longestRun(lines.join('\n'), '`') + 1));
  return `${fence}text\n${lines.join('\n')}\n${fence}`;
}

/** Inline code for any text: backticks inside cannot end it. */
function codeSpan(text: string): string {
  const s = oneLine(text);
  const ticks = '`'.repeat(longestRun(s, '`') + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** Text that renders as itself, links and emphasis included. */
export function escapeMd(s: string): string {
  return oneLine(s).replace(/[!#&()*+\-.:<>[\\\]_`{|}~]/g, (c) => `\\${c}`);
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of s) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

function lastWith<T>(list: readonly T[], pred: (t: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return list[i];
  return undefined;
}
