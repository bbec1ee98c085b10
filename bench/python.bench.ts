// Python scratch files (.grad.py): Pyodide's cold start, a warm run of each seed program end to end
// (runScratch: request → trace, as the extension runs it with a warm worker), and the overhead of an
// op called from Python against the same op called from TypeScript, both recorded in a run worker.
//   npm run bench -- python
// Prints figures; asserts nothing. Needs dist/ (node scripts/build.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { disposeBundlers, disposePython, prewarmPython, pythonWarm, runScratch } from '../src/runner/host/scratchRun';
import { cpuModel } from './workloads';

const root = path.resolve(__dirname, '..');
const WORKER = path.join(root, 'dist', 'worker.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-pybench-'));
const ms = (x: number): string => `${x.toFixed(0)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(file: string, warm: boolean): Promise<{ ms: number; out: string[] }> {
  if (warm) {
    prewarmPython(WORKER);
    await pythonWarm();
  }
  const t0 = performance.now();
  const trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 120_000 });
  const t = performance.now() - t0;
  if (trace.error) throw new Error(`${file}: ${trace.error.name}: ${trace.error.message}`);
  return { ms: t, out: trace.console.map((l) => l.text) };
}

async function main(): Promise<void> {
  // The warm worker is unref'd (an idle one never keeps a process alive): while this waits for it,
  // nothing else would, and Node would exit mid-bench.
  const alive = setInterval(() => undefined, 1 << 30);
  console.log(`${cpuModel()}, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const seeds = ['01-squared-difference', '02-watch-persistent', '03-training-loop'].map((n) => path.join(root, 'examples', `${n}.grad.py`));

  // Cold: a new worker loads Pyodide and imports the runtime, then runs the program. In a fresh cache
  // folder the first start makes Pyodide's memory snapshot (src/python/snapshot.ts), the next restore it.
  const saved = process.env.GRADTAPE_CACHE_DIR;
  process.env.GRADTAPE_CACHE_DIR = fs.mkdtempSync(path.join(tmp, 'cache-'));
  const first = (await timed(seeds[2], false)).ms;
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) cold.push((await timed(seeds[2], false)).ms);
  if (saved === undefined) delete process.env.GRADTAPE_CACHE_DIR;
  else process.env.GRADTAPE_CACHE_DIR = saved;
  console.log(`cold start + 03-training-loop.grad.py: first (no snapshot yet) ${ms(first)}; then median ${ms(median(cold))} (${cold.map(ms).join(', ')}); goal ≤ 4 s`);

  // Warm: the worker has Python loaded before the request.
  for (const f of seeds) {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) runs.push((await timed(f, true)).ms);
    console.log(`warm ${path.basename(f)}: median ${ms(median(runs))} (best ${ms(Math.min(...runs))})${f === seeds[2] ? '; goal ≤ 300 ms' : ''}`);
  }

  // Per op: the same multiplications of a recorded run, timed inside the script: best of 40 rounds
  // of 2,000 (the machine is shared; a short round's best is the least disturbed).
  const N = 2_000;
  const R = 40;
  const pyFile = path.join(tmp, 'ops.grad.py');
  // Each round prints its wall time and its CPU time per op (the run's process: the run thread and an idle relay).
  fs.writeFileSync(pyFile, `import time\nfrom js import process\nimport tensorflow as tf\ndef cpu():\n    u = process.cpuUsage()\n    return u.user + u.system\nx = tf.constant([1.5, 2.0])\nw = tf.constant(1.0001)\nfor k in range(${R}):\n    c0 = cpu()\n    t0 = time.perf_counter()\n    for i in range(${N}):\n        y = x * w\n    t = time.perf_counter() - t0\n    print(t * 1e6 / ${N}, (cpu() - c0) / ${N})\n`);
  const tsFile = path.join(tmp, 'ops.grad.ts');
  fs.writeFileSync(tsFile, `import * as tf from "gradtape";\nconst x = tf.constant([1.5, 2.0]);\nconst w = tf.constant(1.0001);\nconst cpu = (): number => { const u = process.cpuUsage(); return u.user + u.system; };\nfor (let k = 0; k < ${R}; k++) {\n  const c0 = cpu();\n  const t0 = performance.now();\n  for (let i = 0; i < ${N}; i++) {\n    const y = tf.multiply(x, w);\n  }\n  const t = performance.now() - t0;\n  console.log(t * 1000 / ${N}, (cpu() - c0) / ${N});\n}\n`);
  const rows = (out: string[]): number[][] => out.map((l) => l.split(' ').map(Number));
  const pyRowsNoTape = rows((await timed(pyFile, true)).out);
  const tsRowsNoTape = rows((await timed(tsFile, false)).out);
  const best = (rs: number[][], i: number): number => Math.min(...rs.map((r) => r[i]));
  const [py, pyCpu] = [best(pyRowsNoTape, 0), best(pyRowsNoTape, 1)];
  const [ts, tsCpu] = [best(tsRowsNoTape, 0), best(tsRowsNoTape, 1)];
  console.log(`per op (x * w, observed, no tape, best of ${R} × ${N}): wall: Python ${py.toFixed(2)} µs, TypeScript ${ts.toFixed(2)} µs, ratio ${(py / ts).toFixed(1)}×; CPU: Python ${pyCpu.toFixed(2)} µs, TypeScript ${tsCpu.toFixed(2)} µs, ratio ${(pyCpu / tsCpu).toFixed(1)}×; goal ≤ 3×`);
  // The floor of any design that runs Python per op, in this Pyodide on this machine: a bare
  // `__mul__` that makes the result object and does nothing else, and one FFI call passing three
  // numbers (what an operator's crossing passes) to a JS function that does nothing. Best of many
  // short rounds, so a loaded machine's descheduling shows less.
  const floorFile = path.join(tmp, 'floor.grad.py');
  fs.writeFileSync(floorFile, [
    'import time',
    'from js import Math',
    'N = 2000',
    'def best(f):',
    '    r = []',
    '    for k in range(100):',
    '        t0 = time.perf_counter(); f(); r.append((time.perf_counter() - t0) * 1e6 / N)',
    '    return min(r)',
    'class T:',
    '    __slots__ = ("_h", "_p")',
    '    def __mul__(self, other):',
    '        t = object.__new__(T); t._h = 0; t._p = None',
    '        return t',
    'x, w = T(), T()',
    'ffi = Math.max',
    'def empty():',
    '    for i in range(N): pass',
    'def mul():',
    '    for i in range(N): y = x * w',
    'def call():',
    '    for i in range(N): y = ffi(1, 2, 3)',
    'e = best(empty)',
    'print(best(mul) - e, best(call) - e)',
    '',
  ].join('\n'));
  const [bare, ffi] = (await timed(floorFile, true)).out[0].split(' ').map(Number);
  console.log(`floor per op (best of 100 × 2,000): bare Python __mul__ making its result ${bare.toFixed(2)} µs + one FFI call with 3 numbers ${ffi.toFixed(2)} µs = ${(bare + ffi).toFixed(2)} µs = ${((bare + ffi) / ts).toFixed(1)}× TypeScript's op; 3× TypeScript is ${(3 * ts).toFixed(2)} µs`);
  // The same inside a tape (each op recorded, with its position), and a module function (tf.multiply).
  const M = 5_000;
  const pyTape = path.join(tmp, 'tape.grad.py');
  fs.writeFileSync(pyTape, `import time\nimport tensorflow as tf\nx = tf.Variable([1.5, 2.0])\nw = tf.constant(1.0001)\nfor k in range(3):\n    with tf.GradientTape() as tape:\n        t0 = time.perf_counter()\n        for i in range(${M}):\n            y = x * w\n        a = (time.perf_counter() - t0) * 1e6 / ${M}\n        t0 = time.perf_counter()\n        for i in range(${M}):\n            y = tf.multiply(x, w)\n        print(a, (time.perf_counter() - t0) * 1e6 / ${M})\n`);
  const tsTape = path.join(tmp, 'tape.grad.ts');
  fs.writeFileSync(tsTape, `import * as tf from "gradtape";\nconst x = tf.variable([1.5, 2.0]);\nconst w = tf.constant(1.0001);\nfor (let k = 0; k < 3; k++) {\n  const tape = new tf.GradientTape();\n  tape.record(() => {\n    const t0 = performance.now();\n    for (let i = 0; i < ${M}; i++) {\n      const y = tf.multiply(x, w);\n    }\n    console.log(((performance.now() - t0) * 1000) / ${M});\n  });\n}\n`);
  const pyRows = (await timed(pyTape, true)).out.map((l) => l.split(' ').map(Number));
  const tsRec = Math.min(...(await timed(tsTape, false)).out.map(Number));
  const pyOp = Math.min(...pyRows.map((r) => r[0]));
  const pyFn = Math.min(...pyRows.map((r) => r[1]));
  console.log(`per op in a tape (best of 3 × ${M}): Python x * w ${pyOp.toFixed(2)} µs, tf.multiply(x, w) ${pyFn.toFixed(2)} µs, TypeScript ${tsRec.toFixed(2)} µs, ratio ${(pyOp / tsRec).toFixed(1)}× / ${(pyFn / tsRec).toFixed(1)}×; goal ≤ 3×`);
  await disposePython();
  await disposeBundlers();
  clearInterval(alive);
}

void main();
