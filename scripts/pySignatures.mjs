// The signature table of the Python `tensorflow` module (src/python/runtime/tensorflow.py): every function,
// class and method the engine exports, with its parameters' names as the engine declares them, read with the
// TypeScript compiler API from src/engine/index.ts. Python keyword arguments are mapped through it, so the two
// cannot drift. Written to src/python/generated/signatures.json (gitignored), which the run worker bundles;
// rebuilt when a file of src/engine is newer than it.
//
// Entry: a dotted path (`math.squaredDifference`, `data.Dataset.fromTensorSlices`, `GradientTape#gradient`
// for a method, `GradientTape` for a constructor) → a list of parameters, each
//   { p: [parameters], t: 1 when it returns a Tensor }, each parameter
//   { n: name } | { n, t: 1 } (takes a tensor) | { n, o: [option keys] } (an options object: keyword arguments
//   go in it) | { n, r: 1 } (rest).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './editorBuild.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SIGNATURES_FILE = path.join(root, 'src', 'python', 'generated', 'signatures.json');

export async function buildPySignatures({ force = false } = {}) {
  const engineDir = path.join(root, 'src', 'engine');
  if (!force && fs.existsSync(SIGNATURES_FILE) && fs.statSync(SIGNATURES_FILE).mtimeMs >= newestMtime(engineDir)) return;
  const ts = (await import('typescript')).default;
  const program = ts.createProgram([path.join(engineDir, 'index.ts')], { target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(path.join(engineDir, 'index.ts'));
  const table = {};

  /** Property names of an options-object type, or undefined when the type is not one. */
  const optionKeys = (type) => {
    type = checker.getNonNullableType(type);
    if (type.isUnion() || !(type.flags & ts.TypeFlags.Object)) return undefined;
    if (checker.isArrayType(type) || checker.isTupleType(type) || type.getCallSignatures().length) return undefined;
    const sym = type.getSymbol();
    if (sym && sym.flags & ts.SymbolFlags.Class) return undefined;
    const props = type.getProperties().map((p) => p.name);
    return props.length ? props : undefined;
  };
  const params = (sig) => {
    const ps = sig.getParameters().map((p) => {
      const decl = p.valueDeclaration;
      if (decl && ts.isParameter(decl) && decl.dotDotDotToken) return { n: p.name, r: 1 };
      if (decl && ts.isParameter(decl) && ts.isObjectBindingPattern(decl.name)) {
        return { n: 'options', o: decl.name.elements.map((e) => (e.propertyName ?? e.name).getText()) };
      }
      const type = decl && checker.getTypeOfSymbolAtLocation(p, decl);
      const keys = type ? optionKeys(type) : undefined;
      if (keys) return { n: p.name, o: keys };
      return type && /\bTensor(Like)?\b/.test(checker.typeToString(type)) ? { n: p.name, t: 1 } : { n: p.name };
    });
    const ret = checker.typeToString(sig.getReturnType());
    return ret === 'Tensor' || ret === 'Variable' ? { p: ps, t: 1 } : { p: ps };
  };
  const seen = new Map();
  const isEngine = (decl) => decl.getSourceFile().fileName.startsWith(engineDir);
  /** Not private, protected, `@internal` or underscored: what a scratch file may call. */
  const isPublic = (m) => {
    const d = m.valueDeclaration;
    if (!d || m.name.startsWith('_') || m.name.startsWith('#') || !isEngine(d)) return false;
    if (ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
    return !ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal') && !/@internal/.test(d.getFullText().slice(0, d.getLeadingTriviaWidth()));
  };
  const visit = (name, sym, depth) => {
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    if (depth > 4 || name.startsWith('_')) return;
    const decl = sym.valueDeclaration ?? sym.declarations?.[0];
    if (!decl) return;
    const type = checker.getTypeOfSymbolAtLocation(sym, decl);
    const ctor = type.getConstructSignatures()[0];
    if (ctor) {
      // A class exported twice (tf.optimizers.Adam is tf.keras.optimizers.Adam) gets its entries under both paths.
      const first = seen.get(type);
      if (first !== undefined) {
        for (const [k, v] of Object.entries(table)) if (k === first || k.startsWith(`${first}#`) || k.startsWith(`${first}.`)) table[name + k.slice(first.length)] = v;
        return;
      }
      seen.set(type, name);
      table[name] = params(ctor);
      for (const m of ctor.getReturnType().getProperties()) {
        const md = m.valueDeclaration;
        if (!md || !isPublic(m) || !(m.flags & ts.SymbolFlags.Method)) continue;
        const s = checker.getTypeOfSymbolAtLocation(m, md).getCallSignatures()[0];
        if (s) table[`${name}#${m.name}`] = params(s);
      }
      for (const st of type.getProperties()) {
        const sd = st.valueDeclaration;
        if (st.name === 'prototype' || !sd || !isPublic(st) || !isEngine(sd)) continue;
        const s = checker.getTypeOfSymbolAtLocation(st, sd).getCallSignatures()[0];
        if (s) table[`${name}.${st.name}`] = params(s);
      }
      return;
    }
    const call = type.getCallSignatures()[0];
    if (call) {
      table[name] = params(call);
      return;
    }
    if (!isEngine(decl)) return;
    if (sym.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.Variable | ts.SymbolFlags.Property)) {
      const members = sym.flags & ts.SymbolFlags.ValueModule ? checker.getExportsOfModule(sym) : type.getProperties();
      for (const m of members) visit(`${name}.${m.name}`, m, depth + 1);
    }
  };
  for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(index))) visit(sym.name, sym, 0);
  fs.mkdirSync(path.dirname(SIGNATURES_FILE), { recursive: true });
  fs.writeFileSync(SIGNATURES_FILE, '{\n' + Object.entries(table).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n') + '\n}\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void buildPySignatures({ force: true });
