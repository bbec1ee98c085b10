// The webview computes no math of its own and holds no table of ops: no registered op name appears
// under webview/ as a string literal (the inspector's numbers and texts come from the engine).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { registry } from '../../src/engine/op';
import '../../src/engine/index';

const root = path.resolve(__dirname, '..', '..', 'webview');
const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

/** Every string literal of a TypeScript file ('…', "…", and the text parts of `…`). */
function literals(text: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;
  for (let m; (m = re.exec(text)); ) {
    if (m[3] !== undefined) out.push(...m[3].split(/\$\{[^}]*\}/));
    else out.push(m[1] ?? m[2]);
  }
  return out;
}

describe('webview: no table of ops', () => {
  it('no op name of the engine registry is a string literal under webview/', () => {
    const names = new Set(registry.map((op) => op.name));
    assert.ok(names.size >= 50, `${names.size} ops`);
    const found: string[] = [];
    // Op names as object keys too (`{ MatMul: … }`, a table).
    const asKey = new RegExp(`(?:^|[{,])\\s*(${[...names].join('|')})\\s*:`, 'm');
    for (const f of files(root)) {
      const text = fs.readFileSync(f, 'utf8');
      for (const s of literals(text)) if (names.has(s.trim())) found.push(`${path.relative(root, f)}: '${s}'`);
      const key = asKey.exec(text);
      if (key) found.push(`${path.relative(root, f)}: key ${key[1]}`);
    }
    assert.deepEqual(found, []);
  });

  it('the scan would see one (an op name in a webview-like source is found)', () => {
    assert.ok(literals(`const x = { MatMul: 1, op: 'MatMul', b: "Sum", c: \`Relu\` };`).includes('MatMul'));
    assert.ok(literals('if (op === "Sum") {}').includes('Sum'));
  });
});
