/**
 * Source positions without stack captures: the bundle is rewritten so that every call in the
 * user's code records its position index just before the callee runs, after its arguments.
 *
 *   f(a, b)      →  f(a, __gtP(7, b))        __gtP = (id, v) => { at = id; return v; }
 *   f()          →  f(...__gtE(7))           __gtE = (id) => { at = id; return EMPTY; }
 *   f(a, ...xs)  →  f(a, ...__gtP(7, xs))
 *   for (x of e) →  for (x of __gtI(8, e))   each next() sets `at` (a dataset's ops run there)
 *   function f(w, { x }) { … }  →  function f(w, { x }) { __gtN(2, w, x); … }
 *   (w) => e     →  (w) => (__gtN(3, w), e)  the values bound to parameters, by source name, so
 *                                            the runner can name tensors that have no name yet
 *
 *   new X        →  new X(...__gtE(9))        the same call, now with a place for the probe
 *   while (c) s  →  while (c) {__gtE(4); s}   a loop body without calls sets the loop's position
 *   throw v      →  throw __gtP(5, v)          a thrown non-Error (no stack) is placed at its throw
 *
 * The engine's locate() is then a table lookup (~20 ns) instead of a stack capture (~4 µs, more than
 * most ops). Index 7 maps to the `.grad.ts` position V8 would report for that call's frame (the
 * callee's last identifier, or `new`). Between calls the index is stale: an implicit call (a getter,
 * a coercion such as `${t}` or `Number(t)`, a destructured iterable) sees the previous call's
 * position, which is the price of the speed. What reads it copes: an error's position comes from
 * its stack (the probe only when the stack has no frame of the user's), and the turns of a loop
 * that calls nothing set the loop's own position, so a time limit there is placed at the loop.
 *
 * Insertions never add lines, so stack frames of the instrumented code map back to the bundle by
 * shifting columns (`toBundle`), then through the bundle's source map as before.
 */
import { parse } from 'acorn';
import type { SourcePos } from '../../protocol/trace';
import type { InstrumentedBundle } from '../../protocol/worker';

/** An acorn node parsed with `locations` (the fields this file and bundler/stripScratch.ts read). */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  [key: string]: unknown;
}

/** The instrumented bundle (src/protocol/worker.ts InstrumentedBundle: plain data) and its column map. */
export interface Instrumented extends InstrumentedBundle {
  /** Instrumented line/column (1-based) → the bundle's line/column. */
  toBundle(line: number, column: number): { line: number; column: number };
}

/** The column map of an instrumented bundle made elsewhere (the bundler process). */
export function withToBundle(b: InstrumentedBundle): Instrumented {
  const shifts = new Map(b.shifts);
  const toBundle = (l: number, column: number): { line: number; column: number } => {
    const list = shifts.get(l - 1);
    if (!list) return { line: l, column };
    let shift = 0;
    const col0 = column - 1;
    for (const [c, len] of list) {
      if (c + shift >= col0) break;
      shift += len;
    }
    return { line: l, column: column - shift };
  };
  return { ...b, toBundle };
}

/**
 * Bundles longer than this are not instrumented: parsing and rewriting cost ~1 s per MB and an AST
 * many times the text (a 50 MB array literal took minutes and gigabytes). Scratch files are a few
 * kB; one this large is data, and stack captures find its positions well enough.
 */
export const INSTRUMENT_MAX_CHARS = 1 << 20;

/** Names the instrumented code expects as parameters of its wrapper function. */
export const PROBE_PARAMS = ['__gtP', '__gtE', '__gtI', '__gtN', '__gtV'] as const;

/** A declaration's names for the value it binds (as runner/run/names.ts's Pattern; plain data). */
export type BindingPattern = string | { elements: (string | null)[] } | { keys: Record<string, string> };

interface Edit {
  offset: number;
  text: string;
  /** Closings go before openings at the same offset, the inner (later pushed) closing first. */
  close: boolean;
  seq?: number;
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

export const isNode = (x: unknown): x is AstNode => typeof x === 'object' && x !== null && typeof (x as AstNode).type === 'string';

/**
 * Rewrites `code`. `positionOf(line, column)` (1-based, in `code`) gives the user position of a
 * call head, or undefined for code that is not the user's (esbuild's helpers): those are left as
 * they are. `nameOf(line, column)` gives the source name of an identifier the bundle binds there
 * (esbuild renames some); without it, or where no parameter has one, functions get no `__gtN`.
 * Returns undefined when the code cannot be parsed or is over INSTRUMENT_MAX_CHARS (the caller falls
 * back to stacks).
 */
export function instrument(
  code: string,
  positionOf: (line: number, column: number) => SourcePos | undefined,
  nameOf?: (line: number, column: number) => string | undefined,
): Instrumented | undefined {
  if (code.length > INSTRUMENT_MAX_CHARS) return undefined;
  let ast: AstNode;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true }) as unknown as AstNode;
  } catch {
    return undefined;
  }
  const positions: (SourcePos | undefined)[] = [];
  const heads: number[] = [];
  const params: (string | null)[][] = [];
  const bindings: BindingPattern[] = [];
  const edits: Edit[] = [];
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);

  const head = (n: AstNode): AstNode | undefined => {
    if (n.type === 'NewExpression') return n;
    let callee = n.callee as AstNode;
    // esbuild calls imported functions as `(0, import_x.f)(...)`.
    if (callee.type === 'SequenceExpression') callee = (callee.expressions as AstNode[]).at(-1)!;
    if (callee.type === 'MemberExpression' && !callee.computed) return callee.property as AstNode;
    if (callee.type === 'Identifier' || callee.type === 'Super') return callee;
    return undefined;
  };
  /** Whether `n` makes a call that sets the position, not counting functions it only defines. */
  const hasCall = (n: AstNode): boolean => {
    if ((n.type === 'CallExpression' || n.type === 'NewExpression') && head(n)) return true;
    if (FUNCTIONS.has(n.type)) return false;
    for (const key in n) {
      if (key === 'loc') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c) && hasCall(c)) return true;
      } else if (isNode(v) && hasCall(v)) return true;
    }
    return false;
  };
  const idFor = (at: AstNode | undefined): number => {
    if (!at) return -1;
    const pos = positionOf(at.loc.start.line, at.loc.start.column + 1);
    if (!pos) return -1;
    positions.push(pos);
    heads.push(at.loc.start.line * 65536 + at.loc.start.column + 1);
    return positions.length - 1;
  };

  /** Identifiers a parameter list binds, in order (defaults, rest and destructuring included). */
  const bound = (p: AstNode, out: AstNode[]): AstNode[] => {
    if (p.type === 'Identifier') out.push(p);
    else if (p.type === 'AssignmentPattern') bound(p.left as AstNode, out);
    else if (p.type === 'RestElement') bound(p.argument as AstNode, out);
    else if (p.type === 'ArrayPattern') {
      for (const e of p.elements as (AstNode | null)[]) if (e) bound(e, out);
    } else if (p.type === 'ObjectPattern') {
      for (const q of p.properties as AstNode[]) bound(q.type === 'Property' ? (q.value as AstNode) : q, out);
    }
    return out;
  };
  /** A function of the user's with parameters: pass their values to `__gtN` as its body starts. */
  const paramProbe = (fn: AstNode): void => {
    const ids = (fn.params as AstNode[]).reduce<AstNode[]>((out, p) => bound(p, out), []);
    if (!nameOf || ids.length === 0) return;
    const names = ids.map((i) => nameOf(i.loc.start.line, i.loc.start.column + 1) ?? null);
    if (names.every((n) => n === null)) return;
    params.push(names);
    const call = `__gtN(${params.length - 1}, ${ids.map((i) => code.slice(i.start, i.end)).join(', ')})`;
    const body = fn.body as AstNode;
    if (body.type !== 'BlockStatement') {
      edits.push({ offset: body.start, text: `(${call}, `, close: false });
      edits.push({ offset: body.end, text: ')', close: true });
      return;
    }
    // After the directive prologue ("use strict" must stay first); `;` in case a directive has none.
    const directives = (body.body as AstNode[]).filter((st, i, all) => typeof st.directive === 'string' && all.slice(0, i).every((b) => typeof b.directive === 'string'));
    const last = directives.at(-1);
    edits.push(last ? { offset: last.end, text: `;${call};`, close: false } : { offset: body.start + 1, text: `${call};`, close: false });
  };

  /**
   * `const [xs, ys] = makeSet()`, `const logits = model(x)`: the value a declaration binds from a call
   * of the user's (which records no op at that line, so the position gives no name) takes the names
   * the declaration gives, through `__gtV`. Calls of imported functions (`tf.add`, esbuild's
   * `(0, import_x.f)(…)`) are named by their op's position already and are left alone.
   */
  const bindingOf = (id: AstNode): BindingPattern | undefined => {
    const nameAt = (n: AstNode): string | null => (n.type === 'Identifier' && nameOf ? (nameOf(n.loc.start.line, n.loc.start.column + 1) ?? null) : null);
    if (id.type === 'Identifier') return nameAt(id) ?? undefined;
    if (id.type === 'ArrayPattern') {
      const elements = (id.elements as (AstNode | null)[]).map((e) => (e ? nameAt(e.type === 'AssignmentPattern' ? (e.left as AstNode) : e) : null));
      return elements.some((e) => e !== null) ? { elements } : undefined;
    }
    if (id.type === 'ObjectPattern') {
      const keys: Record<string, string> = {};
      for (const p of id.properties as AstNode[]) {
        const key = p.key as AstNode | undefined;
        const value = p.value as AstNode | undefined;
        if (p.type !== 'Property' || p.computed || !key || key.type !== 'Identifier' || !value) continue;
        const name = nameAt(value.type === 'AssignmentPattern' ? (value.left as AstNode) : value);
        if (name !== null) keys[key.name as string] = name;
      }
      return Object.keys(keys).length ? { keys } : undefined;
    }
    return undefined;
  };
  const bindingProbe = (d: AstNode): void => {
    const id = d.id as AstNode;
    let init = d.init as AstNode | null;
    if (!init) return;
    const value = init;
    if (init.type === 'AwaitExpression') init = init.argument as AstNode;
    if (init.type !== 'CallExpression' && init.type !== 'NewExpression') return;
    // A plain identifier binds from a local function only; a destructuring from any call but tf's own.
    const callee = init.callee as AstNode;
    if (id.type === 'Identifier' ? callee.type !== 'Identifier' : callee.type === 'SequenceExpression') return;
    const pattern = bindingOf(id);
    if (pattern === undefined) return;
    bindings.push(pattern);
    edits.push({ offset: value.start, text: `__gtV(${bindings.length - 1}, `, close: false });
    edits.push({ offset: value.end, text: ')', close: true });
  };

  let topLevelAwait = false;
  /** `inFunction`: n is inside a function body (an `await` there is that function's own). */
  const visit = (n: AstNode, inFunction: boolean): void => {
    if (!inFunction && (n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && n.await))) topLevelAwait = true;
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      const id = idFor(head(n));
      if (id >= 0) {
        const args = n.arguments as AstNode[];
        const last = args[args.length - 1];
        if (!last) {
          // `new X` without parentheses is `new X()`: give it the parentheses, with the probe inside.
          if (code[n.end - 1] === ')') edits.push({ offset: n.end - 1, text: `...__gtE(${id})`, close: false });
          else if (n.type === 'NewExpression') edits.push({ offset: n.end, text: `(...__gtE(${id}))`, close: false });
        } else {
          const target = last.type === 'SpreadElement' ? (last.argument as AstNode) : last;
          edits.push({ offset: target.start, text: `__gtP(${id}, `, close: false });
          edits.push({ offset: target.end, text: ')', close: true });
        }
      }
    } else if (n.type === 'ThrowStatement') {
      // A thrown non-Error (`throw 42`) has no stack: the probe places it at its own line, not at
      // the previous call's. Set after the value is computed, as a call's probe is.
      const id = idFor(n);
      const arg = n.argument as AstNode;
      if (id >= 0) {
        edits.push({ offset: arg.start, text: `__gtP(${id}, `, close: false });
        edits.push({ offset: arg.end, text: ')', close: true });
      }
    } else if (LOOPS.has(n.type)) {
      const iterates = n.type === 'ForOfStatement' && !n.await;
      const body = n.body as AstNode;
      const spins = !hasCall(body);
      const id = iterates || spins ? idFor(n) : -1;
      if (id >= 0) {
        if (iterates) {
          const right = n.right as AstNode;
          edits.push({ offset: right.start, text: `__gtI(${id}, `, close: false });
          edits.push({ offset: right.end, text: ')', close: true });
        }
        // A loop whose body makes no call (an endless `while` spinning on arithmetic) sets the
        // position to itself each turn, so it is placed at its own line, not at the last call
        // before it. A body with calls sets positions already (and a hot loop pays nothing).
        if (spins) {
          if (body.type === 'BlockStatement') edits.push({ offset: body.start + 1, text: `__gtE(${id});`, close: false });
          else {
            edits.push({ offset: body.start, text: `{__gtE(${id}); `, close: false });
            edits.push({ offset: body.end, text: '}', close: true });
          }
        }
      }
    }
    if (FUNCTIONS.has(n.type)) paramProbe(n);
    if (n.type === 'VariableDeclarator') bindingProbe(n);
    const inside = inFunction || FUNCTIONS.has(n.type);
    for (const key in n) {
      if (key === 'loc') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c, inside);
      } else if (isNode(v)) visit(v, inside);
    }
  };
  visit(ast, false);

  edits.forEach((e, i) => (e.seq = i));
  edits.sort((a, b) => a.offset - b.offset || Number(b.close) - Number(a.close) || (a.close ? b.seq! - a.seq! : a.seq! - b.seq!));
  let out = '';
  let from = 0;
  // Per bundle line (0-based): [column in the bundle, inserted length], in order.
  const shifts = new Map<number, [number, number][]>();
  let line = 0;
  for (const e of edits) {
    out += code.slice(from, e.offset) + e.text;
    from = e.offset;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= e.offset) line++;
    let list = shifts.get(line);
    if (!list) shifts.set(line, (list = []));
    list.push([e.offset - lineStarts[line], e.text.length]);
  }
  out += code.slice(from);

  return withToBundle({ code: out, positions, heads, shifts: [...shifts], topLevelAwait, params, bindings });
}
