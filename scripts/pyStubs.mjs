// The Python runtime's type stubs (.pyi) in dist/python/, next to its modules, for Pylance in .grad.py files
// (docs/python.md, "In the editor"). Python writes them from the imported modules themselves
// (src/python/runtime/_gradtape_stubs.py), so every public name the runtime exports has a stub; the engine's
// parameters come from the signature table. Needs the built dist/worker.js; rerun only when the runtime's
// modules, the signature table or Pyodide changed (a key of their contents in dist/python/.stubs-key).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function inputsKey() {
  const h = crypto.createHash('sha256');
  const runtime = path.join(root, 'src/python/runtime');
  const walk = (dir) => {
    for (const f of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, f.name);
      if (f.isDirectory()) walk(full);
      else if (f.name.endsWith('.py')) h.update(f.name).update(fs.readFileSync(full));
    }
  };
  walk(runtime);
  h.update(fs.readFileSync(path.join(root, 'src/python/generated/signatures.json')));
  h.update(fs.readFileSync(path.join(root, 'dist/pyodide/package.json')));
  return h.digest('hex');
}

export async function buildPyStubs() {
  const out = path.join(root, 'dist/python');
  const keyFile = path.join(out, '.stubs-key');
  const key = inputsKey();
  if (fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return;
  const worker = new Worker(path.join(root, 'dist/worker.js'), { workerData: { role: 'python', memoryMb: 2048 } });
  try {
    const files = await new Promise((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the Python worker exited (${code}) before writing the stubs`)));
      worker.on('message', (m) => {
        if (m.type === 'pythonReady') worker.postMessage({ type: 'stubs' });
        else if (m.type === 'stubs') resolve(m.files);
        else if (m.type === 'didFinish' && m.error) reject(new Error(m.error.message));
      });
    });
    for (const f of fs.readdirSync(out, { recursive: true })) if (String(f).endsWith('.pyi')) fs.rmSync(path.join(out, String(f)));
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      fs.writeFileSync(path.join(out, rel), text);
    }
    fs.writeFileSync(keyFile, key);
  } finally {
    await worker.terminate();
  }
}
