// Text-level helpers for diagnostics and quick fixes: where an expression ends, and the edits a fix makes.
// No vscode import: unit-tested in plain Node. Positions here are 0-based (VS Code's), lines and characters.
import type { SourcePos } from '../../protocol/trace';

export interface Pos0 {
  line: number;
  character: number;
}
export interface Range0 {
  start: Pos0;
  end: Pos0;
}
export interface TextEdit0 {
  range: Range0;
  newText: string;
}

/**
 * The range a diagnostic underlines: from the trace's 1-based position to its end position, or to the
 * end of the call expression that starts there (`tape.gradient(loss, x)`) when it closes on the same
 * line, or to the end of the word.
 */
export function diagnosticRange(lines: readonly string[], pos: SourcePos, endPos?: SourcePos): Range0 {
  const line = clamp(pos.line - 1, 0, Math.max(0, lines.length - 1));
  const text = lines[line] ?? '';
  const start = clamp(pos.column - 1, 0, text.length);
  if (endPos && !endPos.file) return { start: { line, character: start }, end: { line: endPos.line - 1, character: endPos.column - 1 } };
  // Walk back to the start of a member chain (the engine's column may point at the method name).
  let s = start;
  while (s > 0 && /[\w$.]/.test(text[s - 1])) s--;
  let e = start;
  while (e < text.length && /[\w$.]/.test(text[e])) e++;
  let k = e;
  while (k < text.length && text[k] === ' ') k++;
  if (text[k] === '(') {
    const close = matchParen(text, k);
    if (close >= 0) e = close + 1;
  }
  if (e === s) {
    // Nothing word-like at the column: underline the rest of the line's code.
    s = text.length - text.trimStart().length;
    e = text.trimEnd().length;
  }
  return { start: { line, character: s }, end: { line, character: e } };
}

/** Index of the parenthesis closing the one at `open`, skipping strings; -1 when it is not closed. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function offsetAt(text: string, p: Pos0): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + p.character;
}

function posAt(text: string, offset: number): Pos0 {
  let line = 0;
  let last = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i + 1;
  }
  return { line, character: offset - last };
}

function insertAt(text: string, offset: number, newText: string): TextEdit0 {
  const p = posAt(text, offset);
  return { range: { start: p, end: p }, newText };
}

function replaceAt(text: string, from: number, to: number, newText: string): TextEdit0 {
  return { range: { start: posAt(text, from), end: posAt(text, to) }, newText };
}

function indentOf(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(ls))![0];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Quick fix for `unwatchedSource`: `tape.watch(x);` as the first statement of the tape's record
 * block. `fromLine` (0-based) is where to start looking: the tape's creation line. An expression-bodied
 * arrow (`() => f(x)`) becomes a block (`() => { tape.watch(x); return f(x); }`).
 */
export function insertWatchEdit(text: string, tapeName: string, sourceName: string, fromLine = 0): TextEdit0[] | undefined {
  const re = new RegExp(`\\b${escapeRe(tapeName)}\\.record\\s*\\(\\s*(?:\\(\\s*\\)|async\\s*\\(\\s*\\))\\s*=>\\s*`, 'g');
  re.lastIndex = offsetAt(text, { line: fromLine, character: 0 });
  const m = re.exec(text);
  if (!m) return undefined;
  const bodyStart = m.index + m[0].length;
  const statement = `${tapeName}.watch(${sourceName});`;
  if (text[bodyStart] === '{') {
    const recordIndent = indentOf(text, m.index);
    const nextLine = /\n([ \t]*)\S/.exec(text.slice(bodyStart));
    const indent = nextLine && nextLine[1].length > recordIndent.length ? nextLine[1] : `${recordIndent}  `;
    return [insertAt(text, bodyStart + 1, `\n${indent}${statement}`)];
  }
  // Expression body: it ends at the parenthesis that closes `record(`.
  const open = text.indexOf('(', m.index + tapeName.length);
  const close = matchParen(text, open);
  if (close < 0) return undefined;
  const body = text.slice(bodyStart, close).replace(/\s+$/, '');
  return [replaceAt(text, bodyStart, bodyStart + body.length, `{ ${statement} return ${body}; }`)];
}

/**
 * Quick fix for `unwatchedSource`: make the constant a variable, which a tape watches automatically.
 * Offered only for `tf.constant(value)` with one argument, where `tf.variable(value)` means the same.
 */
export function constantToVariableEdit(text: string, sourceName: string): TextEdit0[] | undefined {
  const re = new RegExp(`\\b(?:const|let|var)\\s+${escapeRe(sourceName)}\\s*(?::[^=]+)?=\\s*([\\w$]+)\\.constant\\s*\\(`);
  const m = re.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  const close = matchParen(text, open);
  if (close < 0 || hasTopLevelComma(text.slice(open + 1, close))) return undefined;
  const nsStart = m.index + m[0].lastIndexOf(m[1]);
  const from = nsStart + m[1].length + 1;
  return [replaceAt(text, from, from + 'constant'.length, 'variable')];
}

function hasTopLevelComma(args: string): boolean {
  let depth = 0;
  for (const c of args) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/**
 * Quick fix for `nonPersistentReuse`: `new tf.GradientTape()` → `new tf.GradientTape({ persistent: true })`,
 * also when options are already given. `line` is the 0-based line of the tape's creation.
 */
export function persistentEdit(text: string, line: number): TextEdit0[] | undefined {
  const re = /\bnew\s+(?:[\w$]+\.)*GradientTape\s*\(/g;
  re.lastIndex = offsetAt(text, { line, character: 0 });
  const m = re.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  const close = matchParen(text, open);
  if (close < 0) return undefined;
  const args = text.slice(open + 1, close);
  if (!args.trim()) return [replaceAt(text, open + 1, close, '{ persistent: true }')];
  const persistent = /\bpersistent\s*:\s*false\b/.exec(args);
  if (persistent) {
    const from = open + 1 + persistent.index;
    return [replaceAt(text, from, from + persistent[0].length, 'persistent: true')];
  }
  const brace = /^\s*\{\s*/.exec(args);
  if (!brace) return undefined;
  const after = open + 1 + brace[0].length;
  return [insertAt(text, after, text[after] === '}' ? 'persistent: true ' : 'persistent: true, ')];
}

/** Applies edits to a string (for tests and previews); edits must not overlap. */
export function applyEdits(text: string, edits: TextEdit0[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  for (const e of sorted) text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
  return text;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
