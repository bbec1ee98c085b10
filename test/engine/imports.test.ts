// The engine's import graph: no cycles, and nothing outside src/engine but the printer leaf
// (src/format/). A cycle ties files together (observer.ts importing ./index once made 77 engine
// files one circle); the ESLint rules in eslint.config.mjs keep the directions, this keeps the loops out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const ENGINE = path.join(ROOT, 'src', 'engine');

interface Edge {
  to: string;
  typeOnly: boolean;
}

/** Relative imports, re-exports and requires of a TypeScript source, with whether each is type-only. */
export function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push({ spec: m[3], typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  return undefined;
}

function engineFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assembly' ? [] : engineFiles(p); // AssemblyScript sources, not TypeScript modules
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const rel = (f: string): string => path.relative(ENGINE, f);

describe('engine: its import graph', () => {
  const files = engineFiles(ENGINE);
  const edges = new Map<string, Edge[]>();
  const outside: string[] = [];
  for (const f of files) {
    const list: Edge[] = [];
    for (const { spec, typeOnly } of importsOf(fs.readFileSync(f, 'utf8'))) {
      const to = resolve(f, spec);
      if (to === undefined) continue; // a package or Node built-in (ESLint's rules cover those)
      if (to.startsWith(ENGINE + path.sep)) list.push({ to, typeOnly });
      else outside.push(`${rel(f)} -> ${path.relative(ROOT, to)}`);
    }
    edges.set(f, list);
  }
  /** The graph without the one type-only back edge the observer contract needs (see below). */
  const graph = (keep: (from: string, e: Edge) => boolean): Map<string, string[]> =>
    new Map([...edges].map(([f, es]) => [f, es.filter((e) => keep(f, e)).map((e) => e.to)]));

  it('the cycle finder finds a cycle, a self-import, and none in a chain', () => {
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])), [['a', 'b', 'c']]);
    assert.deepEqual(cycles(new Map([['a', ['a']]])), [['a']]);
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
    assert.deepEqual(importsOf("import type { A } from './a';\nexport { b } from './b';\nimport './c';\nconst d = require('./d');"), [
      { spec: './a', typeOnly: true },
      { spec: './b', typeOnly: false },
      { spec: './c', typeOnly: false },
      { spec: './d', typeOnly: false },
    ]);
  });

  it('reads the whole engine', () => {
    assert.ok(files.length > 50, `${files.length} files`);
    assert.ok(edges.get(path.join(ENGINE, 'index.ts'))!.length > 10);
  });

  it('no cycle among the imports that load code', () => {
    assert.deepEqual(cycles(graph((_f, e) => !e.typeOnly)).map((c) => c.map(rel)), []);
  });

  it('no cycle among all imports, types included, but observer.ts naming the Tensor type it is told about', () => {
    // tensor.ts tells the observer about itself, so the observer's interface names Tensor: a
    // type-only import, erased at build time. Any other loop is a real one.
    const observer = path.join(ENGINE, 'observer.ts');
    const tensor = path.join(ENGINE, 'tensor.ts');
    assert.ok(edges.get(observer)!.some((e) => e.to === tensor && e.typeOnly));
    assert.deepEqual(cycles(graph((f, e) => !(f === observer && e.to === tensor))).map((c) => c.map(rel)), []);
  });

  it('imports nothing outside src/engine but the printer leaf (src/format/)', () => {
    assert.deepEqual(
      outside.filter((o) => !o.split(' -> ')[1].startsWith(`src${path.sep}format${path.sep}`)),
      [],
    );
  });
});
