/**
 * The function name each unnamed op was called by, as the source spells it: `matmul` for
 * `tf.matmul(xb, w1)` (the engine's op is `MatMul`), `reduceMean` for `tf.reduceMean(…)` (op
 * `Mean`), `reduce_mean` for `tf.math.reduce_mean(…)` in a .grad.py. The panel titles such a node
 * by the expression as written (`matmul(xb, w1)`) instead of the engine's name.
 *
 * A node's position is its call's head: V8 (and the Python runner) place a call at the callee's
 * last identifier, so the name is the identifier there, when a `(` follows it. One call may run
 * several ops (`tf.losses.meanSquaredError` runs sub, square, mean): only the op whose result
 * leaves the call (no op at the same position reads it) takes the call's name.
 */
import type { TraceGradient, TraceTape } from '../../protocol/trace';

const IDENT_START = /[A-Za-z_$\u00a0-\uffff]/;
const IDENT_PART = /[\w$\u00a0-\uffff]/;

/** The callee identifier at a 1-based line and column of `lines`, or undefined when none is called there. */
export function calleeAt(lines: readonly string[], line: number, column: number): string | undefined {
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  const start = column - 1;
  if (!IDENT_START.test(text.charAt(start))) return undefined;
  let end = start + 1;
  while (end < text.length && IDENT_PART.test(text.charAt(end))) end++;
  // Whole identifiers only: a position inside one (`x` of `max`) is no call head.
  if (start > 0 && IDENT_PART.test(text.charAt(start - 1))) return undefined;
  let next = end;
  while (next < text.length && (text[next] === ' ' || text[next] === '\t')) next++;
  const c = text.charAt(next);
  // `f(`, TypeScript's `f<T>(`, or a call whose arguments start on the next line.
  if (c !== '(' && c !== '<' && !(c === '' && /^\s*\(/.test(lines[line] ?? ''))) return undefined;
  return text.slice(start, end);
}

/** Sets `call` on the unnamed nodes of the scratch file (positions without `file`) whose callee the source names. */
export function nameCalls(tapes: readonly TraceTape[], gradients: readonly TraceGradient[], source: string): void {
  // Ops a gradient call ran (a nested tape's backward pass) sit at the call's position: they keep the op's name.
  const gradientAt = new Set<string>();
  for (const g of gradients) if (g.pos && !g.pos.file) gradientAt.add(`${g.pos.line}:${g.pos.column}`);
  let lines: string[] | undefined;
  const cache = new Map<number, string | null>();
  const callee = (line: number, column: number): string | undefined => {
    const key = line * 100_000 + column;
    let v = cache.get(key);
    if (v === undefined) {
      lines ??= source.split(/\r?\n/);
      v = calleeAt(lines, line, column) ?? null;
      cache.set(key, v);
    }
    return v ?? undefined;
  };
  for (const tape of tapes) {
    if (tape.nodes.length === 0) continue;
    // Outputs read by an op at their own position stay inside their call.
    const posOf = new Map<number, string>();
    for (const n of tape.nodes) if (n.pos && !n.pos.file) posOf.set(n.outputId, `${n.pos.line}:${n.pos.column}`);
    const inner = new Set<number>();
    for (const n of tape.nodes) {
      if (!n.pos || n.pos.file) continue;
      const at = `${n.pos.line}:${n.pos.column}`;
      for (const inp of n.inputs) if (posOf.get(inp.tensorId) === at) inner.add(inp.tensorId);
    }
    for (const n of tape.nodes) {
      if (n.name !== undefined || n.call !== undefined || !n.pos || n.pos.file || inner.has(n.outputId) || gradientAt.has(`${n.pos.line}:${n.pos.column}`)) continue;
      const name = callee(n.pos.line, n.pos.column);
      if (name !== undefined) n.call = name;
    }
  }
}
