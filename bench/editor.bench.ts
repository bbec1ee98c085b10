// The editor's speed: activation (≤ 30 ms), Compute Gradients → hovers ready on the seed training
// loop (≤ 300 ms warm), and what a hover costs. Two parts:
//  - in the real host: code-server + Chromium load bench/editor/inHost.ts as the extension tests module,
//    once per bundler backend: esbuild's WebAssembly build first (what the .vsix ships, so what users
//    get), then the native binary (what a clone with node_modules, the CLI and the tests use); and per
//    backend twice: the first start after an install (an empty cache folder: no compile cache, esbuild's
//    WebAssembly not yet unpacked) and a usual start (the cache the first one left);
//  - in plain Node: a real trace from the runner, then the hover's own work (index, resolve, format).
// Needs `npm run build` and the host (`node scripts/host.mjs`). Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { runScratch } from '../src/runner/host/scratchRun';
import { TraceIndex } from '../src/extension/format/traceIndex';
import { formatHover, resolveHover } from '../src/extension/format/hover';
import { codeLenses, inlineValues } from '../src/extension/format/editorMarks';

const root = path.resolve(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MARK = '[gradtape-bench] ';

async function inHost(backend: 'wasm' | 'native', start: string, cacheDir: string): Promise<void> {
  const host = await import('../scripts/host.mjs');
  if (!host.hostInstalled()) {
    console.log('editor (host): code-server is not installed; run `node scripts/host.mjs` first');
    return;
  }
  const { HostSession, copyWorkspace } = await import('../scripts/codeServer.mjs');
  const entry = path.join(root, 'out', 'bench', 'editorInHost.js');
  await esbuild.build({ entryPoints: [path.join(root, 'bench/editor/inHost.ts')], outfile: entry, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
  // The extension host inherits it through code-server's environment (src/runner/host/scratchRun.ts chooseBackend).
  process.env.GRADTAPE_BUNDLER = backend;
  // The extension's cache folder (src/runner/shared/cache.ts), kept from one session to the next.
  process.env.GRADTAPE_CACHE_DIR = cacheDir;
  const label = `editor (host, esbuild ${backend}, ${start})`;
  const session = new HostSession();
  const ws = copyWorkspace('editor');
  try {
    const server = await session.server({ workspaceTrust: false });
    const browser = await session.browser();
    const page = await (await browser.newContext()).newPage();
    let done!: (code: unknown) => void;
    const exited = new Promise((r) => { done = r; });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => done(code));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      for (const a of Array.isArray(args) ? args : [args]) {
        const s = typeof a === 'string' ? a : JSON.stringify(a);
        const i = s.indexOf(MARK);
        if (i >= 0) console.log(`${label}: ${s.slice(i + MARK.length)}`);
      }
    });
    await page.goto(server.url({ folder: ws.dir, extensionDevelopmentPath: root, extensionTestsPath: entry }));
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 180_000))]);
    if (code !== 0) console.log(`${label}: the in-host part ended with ${String(code)}`);
  } finally {
    ws.remove();
    await session.close();
  }
}

async function inNode(): Promise<void> {
  const file = path.join(root, 'examples', '03-training-loop.grad.ts');
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  await runScratch({ file, text }); // warm the bundler and worker paths
  const runs: number[] = [];
  const prep: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < 10; i++) {
    let t = performance.now();
    const trace = await runScratch({ file, text });
    runs.push(performance.now() - t);
    t = performance.now();
    const index = TraceIndex.of(trace);
    codeLenses(trace, lines);
    inlineValues(trace);
    prep.push(performance.now() - t);
    const col = lines[12].indexOf('weights');
    t = performance.now();
    for (let k = 0; k < 100; k++) {
      const s = resolveHover(index, { line: 13, startColumn: col + 1, endColumn: col + 8, word: 'weights' })!;
      formatHover(index, s, { docUri: 'file:///x.grad.ts' });
    }
    hover.push((performance.now() - t) / 100);
  }
  console.log(`editor (node): runScratch on the seed training loop ${median(runs).toFixed(1)} ms; index + CodeLens + inline values ${median(prep).toFixed(3)} ms; one hover (resolve + format) ${(median(hover) * 1000).toFixed(1)} µs`);
}

async function main() {
  await inNode();
  for (const backend of ['wasm', 'native'] as const) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-cache-'));
    try {
      await inHost(backend, 'first start', cacheDir);
      await inHost(backend, 'usual start', cacheDir);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
