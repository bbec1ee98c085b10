/**
 * Which identifier a call's result is assigned to, from a light scan of the user's source.
 *
 * V8 places a call's stack frame at the callee's last identifier (`matmul` in
 * `tf.linalg.matmul(...)`, `GradientTape` or `new` in `new tf.GradientTape()`), and the source map
 * carries that position back to the `.grad.ts` file. So for every binding
 * `const|let|var NAME = CALL` and assignment `NAME = CALL`, we note the position of CALL's head
 * (the callee of its outermost call) and name whatever ran there. Inside
 * `NAME = tape.record(() => { ... return CALL })` the returned call's head also maps to NAME.
 *
 * A full parser (the TypeScript compiler) costs ~0.2 s to load and ~9 ms to parse a seed example in
 * every run (this scan: 0.3 ms) for the same answer on the code people write in scratch files.
 */

interface Token {
  /** Identifier, punctuation, or '' for a literal (string, number, template, regex). */
  t: string;
  ident: boolean;
  line: number;
  col: number;
}

const IDENT_START = /[A-Za-z_$\u00a0-\uffff]/;
const IDENT_PART = /[\w$\u00a0-\uffff]/;
const PUNCT3 = new Set(['===', '!==', '**=', '...', '<<=', '>>=', '>>>', '&&=', '||=', '??=']);
const PUNCT2 = new Set(['=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>']);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  // Skips a string or template literal starting at i; templates may nest `${ ... }`.
  const skipString = (q: string): void => {
    i++;
    while (i < n) {
      const c = src[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      if (c === q) {
        i++;
        return;
      }
      if (q === '`' && c === '$' && src[i + 1] === '{') {
        let depth = 1;
        i += 2;
        while (i < n && depth > 0) {
          const d = src[i];
          if (d === '{') depth++;
          else if (d === '}') depth--;
          else if (d === '\n') {
            line++;
            lineStart = i + 1;
          } else if (d === '"' || d === "'" || d === '`') {
            skipString(d);
            continue;
          }
          i++;
        }
        continue;
      }
      i++;
    }
  };
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      i += 2;
      continue;
    }
    const col = i - lineStart + 1;
    if (c === '"' || c === "'" || c === '`') {
      skipString(c);
      out.push({ t: '', ident: false, line, col });
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(src[j])) j++;
      out.push({ t: src.slice(i, j), ident: true, line, col });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j])) j++;
      out.push({ t: '', ident: false, line, col });
      i = j;
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const p = PUNCT3.has(three) ? three : PUNCT2.has(two) ? two : c;
    out.push({ t: p, ident: false, line, col });
    i += p.length;
  }
  return out;
}

const BLOCK_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'with']);
const DECL = new Set(['const', 'let', 'var']);

/** `line:column` (1-based) of a call head → the name its result is assigned to. */
export type NameIndex = Map<string, string>;

export const posKey = (line: number, col: number): string => `${line}:${col}`;

/**
 * A destructuring target: `[a, , b]` (elements, null where nothing is bound), `{ a, b: c }` (key →
 * bound name), or one identifier (`for (const x of ds)`).
 */
export type Pattern = string | { elements: (string | null)[] } | { keys: Record<string, string> };

/** Scans `src` for bindings and returns where each bound call's head is. */
export function scanNames(src: string): NameIndex {
  return scanBindings(src).names;
}

/**
 * Names and destructuring patterns: `patterns` maps the head of a call whose result is
 * destructured (`const [g1, g2] = tape.gradient(...)`), and the `for` of a for-of loop
 * (`for (const [x, y] of dataset)`, where the runner's iteration probe sits), to the pattern.
 */
export function scanBindings(src: string): { names: NameIndex; patterns: Map<string, Pattern> } {
  const toks = tokenize(src);
  const names: NameIndex = new Map();
  const patterns = new Map<string, Pattern>();
  // Matching bracket of every opening bracket.
  const match = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k].t;
    if (t === '(' || t === '[' || t === '{') stack.push(k);
    else if (t === ')' || t === ']' || t === '}') {
      const o = stack.pop();
      if (o !== undefined) {
        match[o] = k;
        match[k] = o;
      }
    }
  }
  /** `{` token index → the name a `record` callback's returns are bound to. */
  const recordBodies = new Map<number, string>();
  const at = (k: number): string => toks[k]?.t ?? '';

  const register = (name: string, k: number): void => {
    names.set(posKey(toks[k].line, toks[k].col), name);
  };

  // Parses a call chain starting at token k (`await`, `new`, `a.b.c(...)(...).d(...)`) and names its head.
  const bindChain = (name: string, k: number): void => {
    const { head, newTok, last, lastCallOpen } = chainSpanOf(toks, match, k);
    if (head < 0) {
      // `new X` without parentheses: its position is `new`'s (the instrumentation adds the call).
      if (newTok >= 0 && last > newTok) register(name, newTok);
      return;
    }
    register(name, head);
    if (newTok >= 0) register(name, newTok);
    // NAME = x.record(() => EXPR | { ... return EXPR }): the returned value is NAME.
    if (at(head) === 'record' && lastCallOpen >= 0) {
      let a = lastCallOpen + 1;
      if (at(a) === 'async') a++;
      if (at(a) === '(' && match[a] > 0) a = match[a] + 1;
      else if (toks[a]?.ident) a++;
      if (at(a) === '=>') {
        if (at(a + 1) === '{') recordBodies.set(a + 1, name);
        else bindChain(name, a + 1);
      } else if (at(lastCallOpen + 1) === 'function') {
        let b = lastCallOpen + 2;
        while (b < toks.length && at(b) !== '{') b++;
        recordBodies.set(b, name);
      }
    }
  };

  /** The pattern between bracket `k` and its match, or undefined when it is not a plain one. */
  const parsePattern = (k: number): Pattern | undefined => {
    const open = at(k);
    const end = match[k];
    if (end < 0) return undefined;
    const parts: number[][] = [[]];
    for (let j = k + 1; j < end; j++) {
      if (at(j) === ',') parts.push([]);
      else {
        parts[parts.length - 1].push(j);
        if ((at(j) === '(' || at(j) === '[' || at(j) === '{') && match[j] > 0) j = match[j];
      }
    }
    if (open === '[') {
      // `[a, , b = 1]`: a name where the element is an identifier (defaults allowed), null otherwise.
      return { elements: parts.map((p) => (p.length > 0 && toks[p[0]].ident && (p.length === 1 || at(p[1]) === '=') ? toks[p[0]].t : null)) };
    }
    if (open === '{') {
      const keys: Record<string, string> = {};
      for (const p of parts) {
        if (p.length === 0 || !toks[p[0]].ident) continue;
        if (p.length === 1 || at(p[1]) === '=') keys[toks[p[0]].t] = toks[p[0]].t;
        else if (at(p[1]) === ':' && toks[p[2]]?.ident && (p.length === 3 || at(p[3]) === '=')) keys[toks[p[0]].t] = toks[p[2]].t;
      }
      return { keys };
    }
    return undefined;
  };
  const chainHead = (k: number): number => chainSpanOf(toks, match, k).head;

  // Brace stack: for each open `{`, whether it is a function body and the record name it carries.
  const braces: { fn: boolean; record?: string }[] = [];
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    const t = tok.t;
    if (t === '{') {
      const prev = at(k - 1);
      let fn = prev === '=>';
      if (prev === ')' && match[k - 1] >= 0) fn = !BLOCK_KEYWORDS.has(at(match[k - 1] - 1));
      braces.push({ fn: fn || recordBodies.has(k), record: recordBodies.get(k) });
      continue;
    }
    if (t === '}') {
      braces.pop();
      continue;
    }
    // for (const PATTERN of ...): the iteration probe sits at `for`.
    if (t === 'for' && at(k + 1) === '(' && DECL.has(at(k + 2))) {
      const b = k + 3;
      const pattern = toks[b]?.ident && at(b + 1) === 'of' ? toks[b].t : (at(b) === '[' || at(b) === '{') && at(match[b] + 1) === 'of' ? parsePattern(b) : undefined;
      if (pattern !== undefined) patterns.set(posKey(tok.line, tok.col), pattern);
    }
    // const [a, b] = CALL / const { a, b } = CALL: the call's results are named element by element.
    if (DECL.has(t) && (at(k + 1) === '[' || at(k + 1) === '{') && match[k + 1] > 0) {
      let e = match[k + 1] + 1;
      if (at(e) === ':') while (e < toks.length && at(e) !== '=' && at(e) !== ';') e++;
      const pattern = parsePattern(k + 1);
      const head = at(e) === '=' ? chainHead(e + 1) : -1;
      if (pattern !== undefined && head >= 0) patterns.set(posKey(toks[head].line, toks[head].col), pattern);
      continue;
    }
    if (DECL.has(t) && toks[k + 1]?.ident) {
      // const NAME (: Type)? = CALL  (also `let a = f(), b = g()`)
      let j = k + 1;
      for (;;) {
        const name = toks[j].t;
        let e = j + 1;
        let depth = 0;
        while (e < toks.length) {
          const x = at(e);
          if (x === '(' || x === '[' || x === '{' || x === '<') depth++;
          else if (x === ')' || x === ']' || x === '}' || x === '>') {
            // `for (const x of xs) h = f()`: the loop head ends before any `=`; x is not bound to f().
            if (--depth < 0) break;
          } else if (depth <= 0 && (x === '=' || x === ';' || x === ',' || x === 'of' || x === 'in')) break;
          e++;
        }
        if (at(e) !== '=') break;
        bindChain(name, e + 1);
        // Find the `,` that starts the next declarator at depth 0 on this statement.
        let f = e + 1;
        while (f < toks.length) {
          const x = at(f);
          if ((x === '(' || x === '[' || x === '{') && match[f] > 0) f = match[f];
          else if (x === ';' || x === ',' || x === ')' || x === '}') break;
          else if (toks[f].line > toks[f - 1].line && toks[f].ident && DECL.has(x)) break;
          f++;
        }
        if (at(f) === ',' && toks[f + 1]?.ident && at(f + 2) !== '(') j = f + 1;
        else break;
      }
      continue;
    }
    if (tok.ident && at(k + 1) === '=' && !DECL.has(t)) {
      const prev = toks[k - 1];
      // A statement also starts right after a loop's or an if's head: `for (const x of xs) h = f(x)`.
      const afterHead = prev?.t === ')' && match[k - 1] >= 0 && BLOCK_KEYWORDS.has(at(match[k - 1] - 1));
      const statementStart = !prev || prev.t === ';' || prev.t === '{' || prev.t === '}' || prev.line < tok.line || afterHead;
      if (statementStart) bindChain(t, k + 2);
      continue;
    }
    if (t === 'return') {
      for (let b = braces.length - 1; b >= 0; b--) {
        if (!braces[b].fn) continue;
        if (braces[b].record) bindChain(braces[b].record!, k + 1);
        break;
      }
    }
  }
  nameArguments(toks, match, names, parsePattern);
  return { names, patterns };
}

/**
 * The call chain starting at token k (`await`, `new`, `a.b.c(...)(...).d(...)`): its head token (the
 * last identifier before the last call, or -1), its `new`, its last identifier, the `(` of its last
 * call, and the token after it.
 */
function chainSpanOf(toks: Token[], match: Int32Array, k: number): { head: number; newTok: number; last: number; lastCallOpen: number; end: number } {
  const at = (i: number): string => toks[i]?.t ?? '';
  while (at(k) === 'await') k++;
  let newTok = -1;
  if (at(k) === 'new') newTok = k++;
  if (!toks[k]?.ident) return { head: -1, newTok, last: -1, lastCallOpen: -1, end: k };
  let last = k;
  let head = -1;
  let lastCallOpen = -1;
  k++;
  for (;;) {
    const t = at(k);
    if ((t === '.' || t === '?.') && toks[k + 1]?.ident) {
      last = k + 1;
      k += 2;
    } else if (t === '(' && match[k] > 0) {
      head = last;
      lastCallOpen = k;
      k = match[k] + 1;
    } else if (t === '[' && match[k] > 0) k = match[k] + 1;
    else if (t === '!') k++;
    else break;
  }
  return { head, newTok, last, lastCallOpen, end: k };
}

/** Splits the tokens between bracket `open` and its match at top-level commas: [first, end) per part. */
function splitList(toks: Token[], match: Int32Array, open: number): [number, number][] {
  const parts: [number, number][] = [];
  const close = match[open];
  let from = open + 1;
  for (let j = open + 1; j <= close; j++) {
    const t = toks[j].t;
    if (j === close || t === ',') {
      if (j > from) parts.push([from, j]);
      from = j + 1;
    } else if ((t === '(' || t === '[' || t === '{') && match[j] > j) j = match[j] - 1;
  }
  return parts;
}

/**
 * An unnamed temporary passed to a function of the file takes the parameter's name:
 * `lossOf(tf.add(a, b))` with `function lossOf(w)` names the Add `w`, as `const w = tf.add(a, b)`
 * would. Only where the argument is a whole call chain (a temporary) and its head has no name yet;
 * only for functions declared once in the file (`function f(…)`, `const f = (…) => …`,
 * `const f = function (…)`); a rest parameter or a spread argument ends the matching. A
 * destructured parameter names the calls in an object or array literal passed for it
 * (`({ x, scale }) => …` called with `{ x: tf.reshape(a, [2]), scale: tf.fill([2], 3) }`).
 */
function nameArguments(toks: Token[], match: Int32Array, names: NameIndex, parsePattern: (k: number) => Pattern | undefined): void {
  const at = (k: number): string => toks[k]?.t ?? '';
  /** Skips a TypeScript type-parameter list `<…>` starting at k. */
  const skipAngles = (k: number): number => {
    if (at(k) !== '<') return k;
    let depth = 0;
    for (; k < toks.length; k++) {
      const t = at(k);
      if (t === '<') depth++;
      else if (t === '>') depth--;
      else if (t === '>>') depth -= 2;
      else if (t === ';') return k;
      if (depth <= 0) return k + 1;
    }
    return k;
  };
  const paramsAt = (open: number): (Pattern | null)[] => {
    const out: (Pattern | null)[] = [];
    for (const [a] of splitList(toks, match, open)) {
      if (at(a) === '...') break;
      if (at(a) === 'this' && at(a + 1) === ':') continue; // TypeScript's `this` parameter is not one
      out.push(toks[a].ident ? toks[a].t : at(a) === '[' || at(a) === '{' ? (parsePattern(a) ?? null) : null);
    }
    return out;
  };
  /** Names the head of the call chain that is exactly tokens [a, b), unless it has a name. */
  const nameCall = (a: number, b: number, name: string): void => {
    const span = chainSpanOf(toks, match, a);
    const end = at(span.end) === 'as' || at(span.end) === 'satisfies' ? b : span.end;
    if (span.head < 0 || end !== b) return;
    for (const t of [span.head, span.newTok]) {
      if (t < 0) continue;
      const key = posKey(toks[t].line, toks[t].col);
      if (!names.has(key)) names.set(key, name);
    }
  };
  /** An argument [a, b) for a parameter: a call takes its name; a literal, its pattern's names. */
  const nameArgument = (a: number, b: number, param: Pattern): void => {
    if (typeof param === 'string') return nameCall(a, b, param);
    if (match[a] !== b - 1) return; // not one literal
    const items = splitList(toks, match, a);
    if ('elements' in param && at(a) === '[') {
      items.forEach(([x, y], i) => {
        const name = param.elements[i];
        if (name) nameCall(x, y, name);
      });
    } else if ('keys' in param && at(a) === '{') {
      for (const [x, y] of items) {
        const name = toks[x].ident && at(x + 1) === ':' ? param.keys[toks[x].t] : undefined;
        if (name) nameCall(x + 2, y, name);
      }
    }
  };
  const declared = new Map<string, (Pattern | null)[] | null>();
  const declare = (name: string, params: (Pattern | null)[]): void => {
    // Declared twice (scopes this scan does not see): which one a call means is unknown.
    declared.set(name, declared.has(name) ? null : params);
  };
  for (let k = 0; k < toks.length; k++) {
    if (at(k) === 'function') {
      let j = k + 1;
      if (at(j) === '*') j++;
      if (!toks[j]?.ident) continue;
      const open = skipAngles(j + 1);
      if (at(open) === '(' && match[open] > open) declare(toks[j].t, paramsAt(open));
    } else if (DECL.has(at(k)) && toks[k + 1]?.ident && at(k + 2) === '=') {
      let j = k + 3;
      if (at(j) === 'async') j++;
      if (at(j) === 'function') {
        j++;
        if (at(j) === '*') j++;
        if (toks[j]?.ident) j++;
      }
      j = skipAngles(j);
      if (toks[j]?.ident && at(j + 1) === '=>') declare(toks[k + 1].t, [toks[j].t]);
      else if (at(j) === '(' && match[j] > j) {
        const after = match[j] + 1;
        const arrowOrBody = at(k + 3) === 'function' || at(k + 4) === 'function' || at(after) === '=>' || at(after) === ':';
        if (arrowOrBody) declare(toks[k + 1].t, paramsAt(j));
      }
    }
  }
  if (declared.size === 0) return;
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    const params = tok.ident ? declared.get(tok.t) : undefined;
    if (!params || at(k + 1) !== '(' || !(match[k + 1] > k + 1)) continue;
    const prev = at(k - 1);
    if (prev === '.' || prev === '?.' || prev === 'function') continue;
    // `name(…) {` or `name(…): T {` is a method's definition, not a call.
    const after = at(match[k + 1] + 1);
    if (after === '{' || after === ':') continue;
    const args = splitList(toks, match, k + 1);
    for (let i = 0; i < args.length && i < params.length; i++) {
      const [a, b] = args[i];
      if (at(a) === '...') break;
      const param = params[i];
      if (param !== null) nameArgument(a, b, param);
    }
  }
}
