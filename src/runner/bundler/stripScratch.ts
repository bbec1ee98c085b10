/**
 * The bundle of a scratch file that needs no bundling: one file whose only imports are of
 * `"gradtape"`. Node's own type stripping (`module.stripTypeScriptTypes`, Node ≥ 22.13, in both
 * VS Code's and code-server's runtimes) blanks its types in place, so the code keeps every line and
 * column of the file and needs no source map; its imports become `require` calls on their own lines.
 *
 * Why: esbuild's WebAssembly build (what the .vsix ships) costs ~150 ms of CPU to start, and a first
 * run after activation had to wait for it, on the two cores the window and the TypeScript server
 * are starting on too; stripping costs ~45 ms of CPU the first time and under a millisecond after.
 *
 * Anything this does not do exactly as esbuild's bundle would returns undefined, and esbuild bundles
 * the file: other imports (esbuild drops the ones used only as types, resolves relative ones), an
 * `export`, a dynamic `import()` or `import.meta`, a top-level `this` (esbuild makes it undefined),
 * an import after other statements (imports are hoisted), code after an import on its line (whose
 * columns the rewrite moves), TypeScript that emits code (enums, namespaces: stripping refuses them)
 * and every syntax error (esbuild's message is the one users get).
 */
import module from 'node:module';
import { parse } from 'acorn';
import { INSTRUMENT_MAX_CHARS, isNode, type AstNode } from '../shared/instrument';

/** The one module a stripped file may import: the engine (the run thread answers it). */
const ENGINE = 'gradtape';

export interface Stripped {
  /** The file's text with types blanked and imports rewritten: same length per line, except import lines. */
  code: string;
  /** 1-based lines holding a rewritten import: their code is ours, not the user's. */
  importLines: Set<number>;
}

type Strip = (code: string, options?: { mode?: 'strip' }) => string;
const stripTypes = (module as unknown as { stripTypeScriptTypes?: Strip }).stripTypeScriptTypes;

/** Whether this runtime can strip types at all (Node 20, and runtimes built without it, cannot). */
export const canStrip = typeof stripTypes === 'function';

export function stripScratch(file: string, text: string): Stripped | undefined {
  // A file over the instrumenting's limit is data more than code: esbuild, as before (its limits apply).
  if (!stripTypes || !/\.[mc]?ts$/.test(file) || text.startsWith('#!') || text.length > INSTRUMENT_MAX_CHARS) return undefined;
  let code: string;
  try {
    code = stripTypes(text, { mode: 'strip' });
  } catch {
    return undefined;
  }
  if (!onlyBlanked(text, code)) return undefined;
  let ast: AstNode;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true }) as unknown as AstNode;
  } catch {
    return undefined;
  }
  const body = ast.body as AstNode[];
  const importLines = new Set<number>();
  let out = '';
  let from = 0;
  let leading = 0;
  while (leading < body.length && body[leading].type === 'ImportDeclaration') leading++;
  if (body.slice(leading).some((n) => n.type === 'ImportDeclaration')) return undefined;
  for (let i = 0; i < leading; i++) {
    const decl = body[i];
    const next = body[i + 1];
    if (next && next.loc.start.line === decl.loc.end.line) return undefined;
    const binding = requireOf(decl);
    if (binding === undefined) return undefined;
    // The require goes where the import starts; the rest of the import's lines stay, blank.
    out += code.slice(from, decl.start) + binding + code.slice(decl.start, decl.end).replace(/[^\n]+/g, '');
    from = decl.end;
    importLines.add(decl.loc.start.line);
  }
  out += code.slice(from);
  if (!plainScript(ast)) return undefined;
  return { code: out, importLines };
}

/** `import … from "gradtape"` as a declaration with the values esbuild's bundle binds (the module's exports). */
function requireOf(decl: AstNode): string | undefined {
  const source = (decl.source as { value: unknown }).value;
  if (source !== ENGINE) return undefined;
  const req = `require(${JSON.stringify(ENGINE)})`;
  const specs = decl.specifiers as AstNode[];
  if (specs.length === 0) return `${req};`;
  const whole = specs.filter((s) => s.type !== 'ImportSpecifier');
  const named = specs.filter((s) => s.type === 'ImportSpecifier');
  const local = (s: AstNode): string => (s.local as { name: string }).name;
  const imported = (s: AstNode): { name: string; key: string } => {
    const id = s.imported as { type: string; name?: string; value?: string };
    return id.type === 'Identifier' ? { name: id.name!, key: id.name! } : { name: id.value!, key: JSON.stringify(id.value) };
  };
  // Default and namespace imports of a CommonJS module are both its exports in esbuild's Node mode,
  // so `{ default as x }` is too, which a destructured `default` would not be.
  if (whole.length > 1 || named.some((s) => imported(s).name === 'default')) return undefined;
  const parts: string[] = [];
  if (whole.length === 1) parts.push(`${local(whole[0])} = ${req}`);
  if (named.length) {
    const keys = named.map((s) => (imported(s).key === local(s) ? local(s) : `${imported(s).key}: ${local(s)}`));
    parts.push(`{ ${keys.join(', ')} } = ${whole.length ? local(whole[0]) : req}`);
  }
  return `const ${parts.join(', ')};`;
}

/** Stripping only replaces characters with blanks; anything else (a runtime that shifts offsets) is not ours to map. */
function onlyBlanked(text: string, code: string): boolean {
  if (code.length !== text.length) return false;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c !== text.charCodeAt(i) && c !== 32) return false;
  }
  return true;
}

/** Nodes with a `this` of their own (an arrow function's is the code around it). */
const OWN_THIS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ClassBody']);

/** No exports, no `import()` or `import.meta`, no `this` outside functions and classes. */
function plainScript(ast: AstNode): boolean {
  const ok = (n: AstNode, top: boolean): boolean => {
    switch (n.type) {
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
      case 'ImportExpression':
        return false;
      case 'MetaProperty':
        return (n.meta as { name: string }).name !== 'import';
      case 'ThisExpression':
        return !top;
      case 'ImportDeclaration':
        return true; // the leading ones, checked by the caller
    }
    const inner = top && !OWN_THIS.has(n.type);
    for (const key in n) {
      const v = n[key];
      if (Array.isArray(v)) {
        for (const x of v) if (isNode(x) && !ok(x, inner)) return false;
      } else if (key !== 'loc' && isNode(v) && !ok(v, inner)) return false;
    }
    return true;
  };
  return ok(ast, true);
}
