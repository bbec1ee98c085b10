// The .pyi stubs shipped in dist/python/ (scripts/pyStubs.mjs, written by src/python/runtime/_gradtape_stubs.py):
// they parse as Python, and they name exactly the public names the runtime's modules export, module by module.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildPyStubs } from '../../scripts/pyStubs.mjs';
import { buildRunner, ROOT, WORKER } from '../runner/helpers';

const STUBS = path.join(ROOT, 'dist', 'python');

/** Each stub's module name (`tensorflow/keras/layers.pyi` → tensorflow.keras.layers) and text. */
function readStubs(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(STUBS, { recursive: true }).map(String)) {
    if (!rel.endsWith('.pyi')) continue;
    const mod = rel.replace(/\.pyi$/, '').replace(/[\\/]__init__$/, '').split(/[\\/]/).join('.');
    out[mod] = fs.readFileSync(path.join(STUBS, rel), 'utf8');
  }
  return out;
}

describe('python: the .pyi stubs', function () {
  this.timeout(300_000);
  before(async () => {
    await buildRunner();
    await buildPyStubs();
  });
  after(() => disposePython());

  it("parse with Python's ast and name every public name of every runtime module, and no other", async () => {
    const stubs = readStubs();
    assert.ok(stubs['tensorflow'] && stubs['tensorflow.keras.layers'] && stubs['numpy'] && stubs['matplotlib.pyplot'], Object.keys(stubs).join(', '));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-stubs-')), 'stubs.grad.py');
    fs.writeFileSync(
      file,
      `import ast, json, sys, types
import tensorflow, numpy, matplotlib.pyplot
stubs = json.loads(${JSON.stringify(JSON.stringify(stubs))})
def names(text, mod):
    out = set()
    for node in ast.parse(text, mod + ".pyi").body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            out.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update(a.asname for a in node.names if a.asname)  # a stub re-exports only \`import x as y\`
    return {n for n in out if not n.startswith("_")}
report = {}
for mod, m in sorted(sys.modules.items()):
    if mod.split(".")[0] in ("tensorflow", "numpy", "matplotlib") and isinstance(m, types.ModuleType):
        have = {k for k in dir(m) if not k.startswith("_")}
        stub = names(stubs.pop(mod, ""), mod)
        report[mod] = {"count": len(have), "missing": sorted(have - stub), "extra": sorted(stub - have)}
report["(stubs of no module)"] = sorted(stubs)
print(json.dumps(report))
`,
    );
    const trace = await runScratch({ file, workerFile: WORKER, warm: true, timeoutMs: 120_000 });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    const report = JSON.parse(trace.console.map((l) => l.text).join('')) as Record<string, { count: number; missing: string[]; extra: string[] }> & { '(stubs of no module)': string[] };
    assert.deepEqual(report['(stubs of no module)'], []);
    for (const [mod, r] of Object.entries(report)) {
      if (Array.isArray(r)) continue;
      assert.deepEqual([mod, r.missing, r.extra], [mod, [], []]);
    }
    assert.ok(report['tensorflow'].count > 100 && report['tensorflow.math'].count > 30 && report['numpy'].count > 40, JSON.stringify(report));
  });

  it("take the engine's parameters from the signature table, and TF's Python-only ones from the runtime", () => {
    const tf = readStubs()['tensorflow'];
    // reduceSum(x, axis, keepdims) in the engine; returns a Tensor.
    assert.match(tf, /^def reduce_sum\(x: Any = \.\.\., axis: Any = \.\.\., keepdims: Any = \.\.\., \*, name: Any = \.\.\., \*\*kwargs: Any\) -> Tensor: \.\.\.$/m);
    assert.match(tf, /^class GradientTape:\n {4}def __init__\(self, persistent: Any = \.\.\., watch_accessed_variables: Any = \.\.\.\) -> None: \.\.\.$/m);
    assert.match(tf, /^ {4}def __mul__\(self, other: Any\) -> Tensor: \.\.\.$/m);
    assert.match(tf, /^float32: DType$/m);
    assert.match(tf, /^class InvalidArgumentError\(OpError\):/m);
    const layers = readStubs()['tensorflow.keras.layers'];
    assert.match(layers, /^class Dense:\n {4}def __init__\(self, units: Any = \.\.\., \*, activation: Any = \.\.\., use_bias: Any = \.\.\./m);
  });
});
