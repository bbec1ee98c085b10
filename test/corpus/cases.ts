// The bad-input corpus: programs and CLI invocations a careless or hostile user could give gradtape,
// each with what must happen. test/corpus/corpus.test.ts runs every case through the CLI and asserts
// the exit code, the message, the line it is placed at, and bounds on wall time and peak memory.
// The bounds are generous (the suite shares two cores with other work); they catch what the issue
// saw: a run that outlives its time limit by 40 s, or a "256 MB" run that reaches 3 GB.

export interface CorpusCase {
  /** Unique; also the file name (`NAME.grad.ts`) unless `fileName` says otherwise. */
  name: string;
  /** The file's contents; omitted for cases about a file that does not exist. */
  source?: string | Uint8Array;
  fileName?: string;
  /** The command line after `node dist/cli.js`; `{file}` is the case's file. Default `run {file}`. */
  args?: string[];
  exit: 0 | 1 | 2;
  /** Must match the stream (stderr unless `stream` says stdout). */
  message: RegExp;
  stream?: 'stdout' | 'stderr';
  /** The line of the `FILE:LINE:COL:` that places the error; null: the error names no line. */
  line?: number | null;
  /** Wall time bound in ms (default {@link DEFAULT_MS}). */
  maxMs?: number;
  /** Peak resident memory bound of the command in MB (default: {@link boundMb}). */
  maxMb?: number;
  /** Also run in the extension host's sample (test/integration/hardening.test.ts). */
  editor?: boolean;
}

export const DEFAULT_MS = 30_000;
export const DEFAULT_MB = 700;
/**
 * A loop stopped by its time limit under the default 1 GB memory limit: the trace is bounded (the row
 * budget, src/runner/host/rowBudget.ts) and so are chains of op origins (OpDebug.depth), so what such a
 * run holds no longer grows with the machine's speed. Measured at load average ~20 (2 cores): 3 s of
 * `x = tf.add(x, 1)` 115 MB at 1.6 M ops (429 MB at 381 k ops before), 8 s of a training loop 187 MB
 * (324 MB before). On an idle machine 3 s of ops reached 1.1 GB before. A margin over the default for
 * a fast machine's garbage between collections. A program that keeps its own memory for ever (an
 * endless promise chain) has its own bound.
 */
export const TIME_STOPPED_MB = 800;

/** The peak-memory bound of a case: its own, else by how it ends. */
export function boundMb(c: CorpusCase): number {
  const stoppedByTime = /Timeout: stopped/.test(String(c.message)) && !c.args?.includes('--memory');
  return c.maxMb ?? (stoppedByTime ? TIME_STOPPED_MB : DEFAULT_MB);
}

const TF = `import * as tf from 'gradtape';\n`;
/** A program: the engine imported on line 1, then `lines` from line 2. */
const p = (...lines: string[]): string => TF + lines.join('\n') + '\n';

const syntax: CorpusCase[] = [
  { name: 'syntax-missing-paren', source: p('const x = tf.constant(1;'), exit: 1, message: /SyntaxError: Expected "\)" but found ";"/, line: 2 },
  { name: 'syntax-unterminated-string', source: p(`const s = 'abc;`, 'console.log(s);'), exit: 1, message: /SyntaxError: Unterminated string literal/, line: 2 },
  { name: 'syntax-unterminated-template', source: p('const s = `abc ${1};'), exit: 1, message: /SyntaxError: Unterminated string literal/, line: 3 },
  { name: 'syntax-unclosed-block', source: p('function f() {', '  return 1;'), exit: 1, message: /SyntaxError: Unexpected end of file/, line: 4 },
  { name: 'syntax-unclosed-comment', source: p('/* never closed', 'const x = 1;'), exit: 1, message: /SyntaxError: Expected "\*\/" to terminate multi-line comment/, line: 4 },
  { name: 'syntax-bad-token', source: p('const x = 1 @ 2;'), exit: 1, message: /SyntaxError: Expected ";" but found "@"/, line: 2 },
  { name: 'syntax-const-without-value', source: p('const x;'), exit: 1, message: /SyntaxError: The constant "x" must be initialized/, line: 2 },
  { name: 'syntax-duplicate-let', source: p('let a = 1;', 'let a = 2;'), exit: 1, message: /SyntaxError: The symbol "a" has already been declared/, line: 3 },
  { name: 'syntax-bad-type-annotation', source: p('let x: = 1;'), exit: 1, message: /SyntaxError: Unexpected "="/, line: 2 },
  { name: 'syntax-await-in-plain-function', source: p('function f() { await tf.constant(1); }'), exit: 1, message: /SyntaxError: "await" can only be used inside an "async" function/, line: 2 },
  { name: 'syntax-invalid-regex-flags', source: p('const r = /a/gg;'), exit: 1, message: /SyntaxError: Duplicate flag "g" in regular expression/, line: 2 },
  { name: 'syntax-with-statement', source: p('with (Math) { console.log(PI); }'), exit: 1, message: /SyntaxError: With statements cannot be used/, line: 2 },
  { name: 'syntax-legacy-octal', source: p('const n = 0777;'), exit: 1, message: /SyntaxError: Legacy octal literals cannot be used/, line: 2 },
  { name: 'syntax-delete-identifier', source: p('let v = 1;', 'delete v;'), exit: 1, message: /SyntaxError: Delete of a bare identifier cannot be used in an ECMAScript module/, line: 3 },
  { name: 'syntax-return-outside-function', source: p('const a = 1;', 'return a;'), exit: 1, message: /SyntaxError: Top-level return cannot be used inside an ECMAScript module/, line: 3 },
  { name: 'syntax-unknown-module', source: p(`import { nope } from './does-not-exist';`, 'console.log(nope);'), exit: 1, message: /SyntaxError: Cannot find module '\.\/does-not-exist' \(looked next to /, line: 2 },
  { name: 'syntax-unknown-package', source: p(`import left from 'left-pad-that-is-not-installed';`, 'console.log(left);'), exit: 1, message: /Error: Cannot find module 'left-pad-that-is-not-installed'/, line: 2 },
  { name: 'syntax-jsx-in-ts', source: p('const el = <div>hi</div>;'), exit: 1, message: /SyntaxError: Unterminated regular expression/, line: 2 },
  { name: 'syntax-stray-closing-brace', source: p('const a = 1;', '}'), exit: 1, message: /SyntaxError: Unexpected "}"/, line: 3 },
  { name: 'syntax-garbage-text', source: 'This is not a program, just a sentence someone pasted.\nIt has two lines.\n', exit: 1, message: /SyntaxError: Expected ";" but found "is"/, line: 1 },
];

const runtime: CorpusCase[] = [
  { name: 'runtime-reference-error', source: p('const x = tf.constant(1);', 'console.log(y);'), exit: 1, message: /ReferenceError: y is not defined/, line: 3, editor: true },
  { name: 'runtime-call-undefined', source: p('const o: any = {};', 'o.missing();'), exit: 1, message: /TypeError: o\.missing is not a function/, line: 3 },
  { name: 'runtime-null-property', source: p('const o: any = null;', 'console.log(o.x);'), exit: 1, message: /TypeError: Cannot read properties of null \(reading 'x'\)/, line: 3 },
  { name: 'runtime-undefined-property', source: p('let o: any;', 'o.x = 1;'), exit: 1, message: /TypeError: Cannot set properties of undefined \(setting 'x'\)/, line: 3 },
  { name: 'runtime-throw-error', source: p('const x = tf.constant(1);', 'throw new Error("deliberate");'), exit: 1, message: /Error: deliberate/, line: 3 },
  { name: 'runtime-throw-string', source: p('const x = tf.add(tf.constant(1), 1);', '', 'throw "a string";'), exit: 1, message: /a non-Error value was thrown: 'a string'/, line: 4 },
  { name: 'runtime-throw-object', source: p('tf.constant(1);', '', 'throw { code: 7 };'), exit: 1, message: /a non-Error value was thrown: \{ code: 7 \}/, line: 4 },
  { name: 'runtime-custom-error-class', source: p('class MyError extends Error { name = "MyError"; }', 'tf.constant(1);', 'throw new MyError("custom");'), exit: 1, message: /MyError: custom/, line: 4 },
  { name: 'runtime-range-invalid-array', source: p('const a = new Array(-1);'), exit: 1, message: /RangeError: Invalid array length/, line: 2 },
  { name: 'runtime-deep-recursion', source: p('function f(n: number): number {', '  return f(n + 1) + 1;', '}', 'f(0);'), exit: 1, message: /RangeError: Maximum call stack size exceeded/, line: 3 },
  { name: 'runtime-json-parse', source: p('JSON.parse("{not json");'), exit: 1, message: /SyntaxError: .*JSON/, line: 2 },
  { name: 'runtime-uri-error', source: p('decodeURIComponent("%");'), exit: 1, message: /URIError: URI malformed/, line: 2 },
  { name: 'runtime-bigint-mix', source: p('const a: any = 1n;', 'console.log(a + 1);'), exit: 1, message: /TypeError: Cannot mix BigInt and other types/, line: 3 },
  { name: 'runtime-frozen-define', source: p('const o = Object.freeze({ a: 1 });', 'Object.defineProperty(o, "a", { value: 2 });'), exit: 1, message: /TypeError: Cannot redefine property: a/, line: 3 },
  { name: 'runtime-async-rejection', source: p('async function f() { throw new Error("async boom"); }', 'f();'), exit: 1, message: /Error: async boom/, line: 2 },
  { name: 'runtime-tla-rejection', source: p('const x = tf.constant(1);', 'await Promise.reject(new Error("tla boom"));'), exit: 1, message: /Error: tla boom/, line: 3 },
  { name: 'runtime-tla-never-settles', source: p('await new Promise(() => {});'), exit: 1, message: /a top-level await never settled/, line: 2 },
  { name: 'runtime-timer-throws', source: p('setTimeout(() => { throw new Error("later"); }, 1);'), exit: 1, message: /Error: later/, line: 2 },
  { name: 'runtime-process-exit-3', source: p('tf.constant(1);', 'process.exit(3);'), exit: 1, message: /ProcessExit: the script called process\.exit\(3\) at line 3/, line: 3 },
  { name: 'runtime-process-exit-0', source: p('console.log("leaving early");', 'process.exit(0);', 'console.log("never");'), exit: 0, stream: 'stdout', message: /^leaving early$/m },
  { name: 'runtime-require-missing', source: p('const m = require("no-such-module-xyz");'), exit: 1, message: /Cannot find module 'no-such-module-xyz'/, line: 2 },
  { name: 'runtime-error-in-record', source: p('const tape = new tf.GradientTape();', 'tape.record(() => {', '  throw new Error("inside record");', '});'), exit: 1, message: /Error: inside record/, line: 4 },
  { name: 'runtime-error-after-tape', source: p('const w = tf.variable(2);', 'const tape = new tf.GradientTape();', 'const y = tape.record(() => tf.square(w));', 'tape.gradient(y, w).print();', 'null!.toString();'), exit: 1, message: /TypeError: Cannot read properties of null/, line: 6 },
  { name: 'runtime-error-getter', source: p('const o = { get bad(): number { throw new RangeError("getter"); } };', 'console.log(o.bad);'), exit: 1, message: /RangeError: getter/, line: 2 },
  { name: 'runtime-symbol-to-string', source: p('const s: any = Symbol("s");', 'console.log(`${s}`);'), exit: 1, message: /TypeError: Cannot convert a Symbol value to a string/, line: 3 },
];

const tfErrors: CorpusCase[] = [
  { name: 'tf-matmul-shapes', source: p('const a = tf.ones([2, 3]);', 'const b = tf.ones([2, 3]);', 'tf.linalg.matmul(a, b);'), exit: 1, message: /InvalidArgumentError: .*Matrix size-incompatible/, line: 4, editor: true },
  { name: 'tf-add-broadcast', source: p('tf.add(tf.ones([2, 3]), tf.ones([4]));'), exit: 1, message: /InvalidArgumentError: Incompatible shapes: \[2,3\] vs\. \[4\]/, line: 2 },
  { name: 'tf-reshape-size', source: p('tf.reshape(tf.ones([2, 3]), [4]);'), exit: 1, message: /InvalidArgumentError: .*reshape/i, line: 2 },
  { name: 'tf-ragged-constant', source: p('tf.constant([[1, 2], [3]]);'), exit: 1, message: /InvalidArgumentError: Can't convert non-rectangular Python sequence to Tensor\./, line: 2 },
  { name: 'tf-non-persistent-twice', source: p('const w = tf.variable(3);', 'const tape = new tf.GradientTape();', 'const y = tape.record(() => tf.square(w));', 'tape.gradient(y, w);', 'tape.gradient(y, w);'), exit: 1, message: /RuntimeError: .*non-persistent/, line: 6 },
  { name: 'tf-variable-assign-shape', source: p('const v = tf.variable([1, 2]);', 'v.assign(tf.constant([1, 2, 3]));'), exit: 1, message: /InvalidArgumentError: Cannot assign value to variable .*Shape mismatch/, line: 3 },
  { name: 'tf-concat-mismatch', source: p('tf.concat([tf.ones([2, 2]), tf.ones([3, 3])], 0);'), exit: 1, message: /InvalidArgumentError: ConcatOp : Dimension 1 in both shapes must be equal/, line: 2 },
  { name: 'tf-transpose-perm', source: p('tf.transpose(tf.ones([2, 3]), [0, 0]);'), exit: 1, message: /InvalidArgumentError: 1 is missing from \{0,0\}/, line: 2 },
  { name: 'tf-squeeze-non-one', source: p('tf.squeeze(tf.ones([2, 3]), [0]);'), exit: 1, message: /InvalidArgumentError: Can not squeeze dim\[0\], expected a dimension of 1, got 2/, line: 2 },
  { name: 'tf-zeros-negative', source: p('tf.zeros([-1, 2]);'), exit: 1, message: /InvalidArgumentError: Dimension -1 must be >= 0/, line: 2 },
  { name: 'tf-zeros-fractional', source: p('tf.zeros([2.5, 2]);'), exit: 1, message: /TypeError: zeros\(shape\) expects an array of non-negative integers, got 2\.5 at index 0/, line: 2 },
  { name: 'tf-gather-out-of-range', source: p('tf.gather(tf.constant([1, 2, 3]), tf.constant([5], "int32"));'), exit: 1, message: /InvalidArgumentError: indices\[0\] = 5 is not in \[0, 3\)/, line: 2 },
  { name: 'tf-unknown-dtype', source: p('tf.constant([1, 2], "float128" as any);'), exit: 1, message: /TypeError: Cannot convert value "float128" to a TensorFlow DType/, line: 2 },
  { name: 'tf-gradient-of-string', source: p('const tape = new tf.GradientTape();', 'tape.gradient("loss" as any, []);'), exit: 1, message: /InvalidArgumentError: Expected a Tensor, an array or an object of tensors, got loss/, line: 3 },
  { name: 'tf-custom-gradient-object', source: p('const f = tf.customGradient(((x: tf.Tensor) => ({ value: x, gradFunc: (dy: tf.Tensor) => dy })) as any);', 'f(tf.constant(1));'), exit: 1, message: /TypeError: customGradient: f must return \[y, gradFn\]/, line: 3 },
  { name: 'tf-custom-gradient-one-element', source: p('const f = tf.customGradient(((x: tf.Tensor) => [x]) as any);', 'f(tf.constant(1));'), exit: 1, message: /customGradient: f must return \[y, gradFn\]/, line: 3 },
  {
    name: 'tf-custom-gradient-count',
    source: p('const f = tf.customGradient((a: tf.Tensor, b: tf.Tensor) => [tf.multiply(a, b), (dy: tf.Tensor) => [dy]]);', 'const a = tf.variable(2), b = tf.variable(3);', 'const tape = new tf.GradientTape();', 'const y = tape.record(() => f(a, b));', 'tape.gradient(y, [a, b]);'),
    exit: 1,
    message: /customGradient: custom_gradient function expected to return 2 gradients, but returned 1 instead\./,
    line: 6,
  },
  { name: 'tf-stack-mismatch', source: p('tf.stack([tf.ones([2]), tf.ones([3])]);'), exit: 1, message: /InvalidArgumentError: Shapes of all inputs must match: values\[0\]\.shape = \[2\] != values\[1\]\.shape = \[3\]/, line: 2 },
  { name: 'tf-slice-out-of-range', source: p('tf.slice(tf.ones([3]), [2], [5]);'), exit: 1, message: /InvalidArgumentError: Expected size\[0\] in \[0, 1\], but got 5/, line: 2 },
  { name: 'tf-reduce-bad-axis', source: p('tf.reduceSum(tf.ones([2, 2]), 5);'), exit: 1, message: /InvalidArgumentError: Invalid reduction dimension \(5 for input with 2 dimension\(s\)/, line: 2 },
  { name: 'tf-nan-is-a-warning', source: p('const x = tf.log(tf.constant(-1));', 'x.print();'), exit: 0, stream: 'stdout', message: /NaN/ },
  { name: 'tf-gradient-none-source', source: p('const tape = new tf.GradientTape();', 'const x = tf.constant(2);', 'const y = tape.record(() => tf.square(x));', 'console.log(String(tape.gradient(y, x)));'), exit: 0, stream: 'stdout', message: /^null$/m },
  { name: 'tf-int-gradient', source: p('const x = tf.variable(tf.constant([1, 2], "int32"));', 'const tape = new tf.GradientTape();', 'const y = tape.record(() => tf.reduceSum(tf.square(x)));', 'console.log(String(tape.gradient(y, x)));'), exit: 0, stream: 'stdout', message: /integer/i },
];

const loops: CorpusCase[] = [
  { name: 'loop-while-true', source: p('let i = 0;', 'while (true) { i++; }'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; it was at line 3/, line: 3, maxMs: 20_000, editor: true },
  { name: 'loop-for-ever-with-ops', source: p('let x = tf.constant(1);', 'for (;;) { x = tf.add(x, 1); }'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; the last op ran at line 3/, line: 3, maxMs: 20_000 },
  { name: 'loop-in-record', source: p('const tape = new tf.GradientTape();', 'tape.record(() => {', '  for (;;) tf.square(tf.constant(2));', '});'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; the last op ran at line 4/, line: 4, maxMs: 20_000 },
  // Each tick's promise waits on the next: the program's own memory grows until the memory limit (1 GB + Node's own).
  { name: 'loop-async-forever', source: p('async function tick(): Promise<void> { await null; return tick(); }', 'tick();'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s/, maxMs: 20_000, line: 2, maxMb: 1400 },
  // A training loop for ever: its trace is thinned to the row budget (issue 15: 657,000 steps and a 503 MB trace in 8 s before).
  { name: 'loop-training-forever', source: p('const w = tf.variable(1);', 'for (let i = 0; ; i++) {', '  const tape = new tf.GradientTape();', '  const loss = tape.record(() => tf.square(tf.subtract(w, 3)));', '  w.assignSub(tf.multiply(0.01, tape.gradient(loss, w)));', '  tf.summary.scalar("loss", loss, { step: i });', '}'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; the last op ran at line [4-7]/, maxMs: 20_000 },
  { name: 'loop-set-interval', source: p('setInterval(() => tf.constant(1), 1);'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s/, maxMs: 20_000, line: 2 },
  { name: 'loop-await-in-loop', source: p('for (;;) await new Promise((r) => setTimeout(r, 5));'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s/, maxMs: 20_000, line: 2 },
  { name: 'loop-execsync-sleep', source: p(`import { execSync } from 'node:child_process';`, 'tf.constant(1);', `execSync('sleep 45');`), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; it was at line 4/, line: 4, maxMs: 20_000, editor: true },
  { name: 'loop-atomics-wait', source: p('const a = new Int32Array(new SharedArrayBuffer(4));', 'Atomics.wait(a, 0, 0);'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s; it was at line 3/, line: 3, maxMs: 20_000 },
  { name: 'loop-sync-read-of-stdin-pipe', source: p(`import fs from 'node:fs';`, `import { execSync } from 'node:child_process';`, `execSync('sleep 40 | cat');`), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s/, line: 4, maxMs: 20_000 },
  { name: 'loop-console-flood', source: p('for (let i = 0; ; i++) console.log("line", i);'), args: ['run', '{file}', '--timeout', '3'], exit: 1, message: /Timeout: stopped after 3 s/, maxMs: 20_000, line: 2 },
  { name: 'loop-default-timeout-fractional', source: p('for (;;) {}'), args: ['run', '{file}', '--timeout', '1.5'], exit: 1, message: /Timeout: stopped after 1\.5 s/, line: 2, maxMs: 20_000 },
];

const memory: CorpusCase[] = [
  { name: 'mem-huge-tensor', source: p('const a = tf.zeros([10_000, 10_000]);', 'tf.add(a, 1);'), args: ['run', '{file}', '--memory', '128'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 128 MB memory limit/, maxMb: 1200, line: 2 },
  { name: 'mem-js-array-growth', source: p('const keep: number[][] = [];', 'for (let i = 0; ; i++) keep.push(new Array(1_000_000).fill(i));'), args: ['run', '{file}', '--memory', '256', '--timeout', '60'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit/, maxMb: 1200, line: 3 },
  { name: 'mem-string-doubling', source: p('let s = "x";', 'for (;;) s += s;'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /RangeError: Invalid string length/, maxMb: 1600, line: 3 },
  { name: 'mem-impossible-typed-array', source: p('const a = new Float64Array(1e12);'), exit: 1, message: /RangeError: .*(Invalid typed array length|Array buffer allocation failed)/, line: 2 },
  { name: 'mem-impossible-tensor', source: p('tf.zeros([1e6, 1e6]);'), exit: 1, message: /RangeError: .*\(the tensor is too large to allocate\)/, line: 2 },
  { name: 'mem-tensors-in-loop', source: p('const keep: tf.Tensor[] = [];', 'for (;;) keep.push(tf.ones([1000, 1000]));'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit( \(\d+ MB in use\))?; the last op ran at line 3/, line: 3, maxMb: 1200 },
  // Memory outside engine ops and outside the V8 heap: typed arrays and Buffers the script makes itself.
  { name: 'mem-float64-arrays', source: p('const keep: Float64Array[] = [];', 'for (let i = 0; i < 3000; i++) { const a = new Float64Array(131072); a.fill(i); keep.push(a); }', 'console.log(keep.length);'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit( \(\d+ MB in use\))?; it was at line 3/, line: 3, maxMb: 900, editor: true },
  { name: 'mem-buffers', source: p('const keep: Buffer[] = [];', 'for (let i = 0; i < 3000; i++) keep.push(Buffer.alloc(1 << 20, 1));'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit( \(\d+ MB in use\))?; it was at line 3/, line: 3, maxMb: 900 },
  { name: 'mem-one-huge-array-filled', source: p('const a = new Float64Array(400_000_000);', 'a.fill(1);', 'console.log(a.length);'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit/, line: 3, maxMb: 1300 }, // filled in place between two checks: 520 MB to 1.1 GB of growth seen
  { name: 'mem-array-buffers-no-calls', source: p('const keep: ArrayBuffer[] = [];', 'let i = 0;', 'while (i < 3000) { keep[i] = new ArrayBuffer(1 << 20); new Uint8Array(keep[i]).fill(1); i++; }'), args: ['run', '{file}', '--memory', '256'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit/, line: 4, maxMb: 900 },
  { name: 'mem-default-limit-typed', source: p('const keep: Float64Array[] = [];', 'for (;;) keep.push(new Float64Array(1 << 20).fill(1));'), args: ['run', '{file}', '--timeout', '60'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 1024 MB memory limit/, line: 3, maxMs: 75_000, maxMb: 2200 },
  { name: 'mem-map-growth', source: p('const m = new Map<number, number[]>();', 'for (let i = 0; ; i++) m.set(i, new Array(1000).fill(i));'), args: ['run', '{file}', '--memory', '256', '--timeout', '60'], exit: 1, message: /OutOfMemory: stopped: the script needed more than its 256 MB memory limit/, line: 3, maxMb: 1200 },
];

const options: CorpusCase[] = [
  { name: 'opt-no-command', source: p('tf.constant(1);'), args: [], exit: 2, message: /gradtape: missing command/ },
  { name: 'opt-unknown-command', source: p('tf.constant(1);'), args: ['go', '{file}'], exit: 2, message: /gradtape: unknown command 'go'/ },
  { name: 'opt-missing-file-arg', source: p('tf.constant(1);'), args: ['run'], exit: 2, message: /gradtape: missing FILE/ },
  { name: 'opt-no-such-file', args: ['run', 'nowhere.grad.ts'], exit: 2, message: /gradtape: no such file: nowhere\.grad\.ts/ },
  { name: 'opt-directory', args: ['run', '.'], exit: 2, message: /gradtape: no such file: \./ },
  { name: 'opt-two-files', source: p('tf.constant(1);'), args: ['run', '{file}', 'other.grad.ts'], exit: 2, message: /gradtape: unexpected argument 'other\.grad\.ts'/ },
  { name: 'opt-unknown-option', source: p('tf.constant(1);'), args: ['run', '{file}', '--fast'], exit: 2, message: /gradtape: unknown option '--fast'/ },
  { name: 'opt-timeout-word', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout', 'soon'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-timeout-negative', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout=-1'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-timeout-zero', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout', '0'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-timeout-empty', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout='], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-timeout-missing-value', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-timeout-infinity', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout', 'Infinity'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600/ },
  { name: 'opt-memory-word', source: p('tf.constant(1);'), args: ['run', '{file}', '--memory', 'lots'], exit: 2, message: /--memory needs a number of MB from 32 to 16384/ },
  { name: 'opt-memory-negative', source: p('tf.constant(1);'), args: ['run', '{file}', '--memory=-5'], exit: 2, message: /--memory needs a number of MB from 32 to 16384/ },
  // Out of range after rounding: past setTimeout's 2^31 ms, and values that round to 0 ms / 0 MB.
  { name: 'opt-timeout-overflow', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout', '3000000'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600 \(got '3000000'\)/ },
  { name: 'opt-timeout-rounds-to-zero', source: p('tf.constant(1);'), args: ['run', '{file}', '--timeout', '0.0001'], exit: 2, message: /--timeout needs a number of seconds from 0\.1 to 3600 \(got '0\.0001'\)/ },
  { name: 'opt-memory-rounds-to-zero', source: p('tf.constant(1);'), args: ['run', '{file}', '--memory', '0.4'], exit: 2, message: /--memory needs a number of MB from 32 to 16384 \(got '0\.4'\)/ },
  { name: 'opt-help-wins', source: p('tf.constant(1);'), args: ['run', '{file}', '--bogus', '--help'], exit: 0, stream: 'stdout', message: /^Usage: gradtape run FILE/ },
  { name: 'opt-version', args: ['--version'], exit: 0, stream: 'stdout', message: /^gradtape \d+\.\d+\.\d+$/m },
  { name: 'opt-json-failure', source: p('throw new Error("json failure");'), args: ['run', '{file}', '--json'], exit: 1, stream: 'stdout', message: /"ok":false.*"message":"json failure"/ },
  { name: 'opt-json-success', source: p('tf.constant(1).print();'), args: ['run', '{file}', '--json'], exit: 0, stream: 'stdout', message: /^\{"version":1,/ },
  { name: 'opt-not-grad-extension', source: p('console.log("plain ts");'), fileName: 'plain.ts', args: ['run', '{file}'], exit: 0, stream: 'stdout', message: /^plain ts$/m },
];

/** A deterministic byte soup: no two runs of the corpus differ. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const files: CorpusCase[] = [
  { name: 'file-random-bytes', source: bytes(4096, 1), exit: 1, message: /SyntaxError: Unexpected/, line: 1 },
  { name: 'file-nul-bytes', source: new Uint8Array(512), exit: 1, message: /SyntaxError: Unexpected "\\x00"/, line: 1 },
  { name: 'file-png-header', source: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), exit: 1, message: /SyntaxError: Unexpected/, line: 1 },
  { name: 'file-utf16-bom', source: Uint8Array.from([0xff, 0xfe, ...Buffer.from('console.log(1);\n', 'utf16le')]), exit: 1, message: /SyntaxError: Unexpected/, line: 1 },
  { name: 'file-empty', source: '', exit: 0, stream: 'stdout', message: /0 ops/ },
  { name: 'file-only-bom', source: '\ufeff', exit: 0, stream: 'stdout', message: /0 ops/ },
  { name: 'file-utf8-bom-program', source: '\ufeff' + p('console.log("bom ok");'), exit: 0, stream: 'stdout', message: /^bom ok$/m },
  { name: 'file-invalid-utf8', source: Uint8Array.from([...Buffer.from('const s = "'), 0xc3, 0x28, 0xff, ...Buffer.from('";\nconsole.log(s.length);\n')]), exit: 0, stream: 'stdout', message: /^\d+$/m },
  { name: 'file-crlf-error-line', source: p('const a = 1;', 'const b = 2;', 'throw new Error("crlf");').replace(/\n/g, '\r\n'), exit: 1, message: /Error: crlf/, line: 4 },
  { name: 'file-cr-only-lines', source: 'const a = 1;\rconst b = 2;\rthrow new Error("cr");\r', exit: 1, message: /Error: cr/, line: 3 },
  { name: 'file-long-comment-line', source: p(`// ${'x'.repeat(200_000)}`, 'throw new Error("after a long line");'), exit: 1, message: /Error: after a long line/, line: 3 },
  { name: 'file-many-lines', source: p(...Array.from({ length: 20_000 }, (_, i) => `const v${i} = ${i};`), 'throw new Error("at the end");'), exit: 1, message: /Error: at the end/, line: 20_002 },
];

const control: CorpusCase[] = [
  { name: 'ctl-nul-in-string', source: p('const s = "a\\u0000b";', 'throw new Error(s);'), exit: 1, message: /Error: a/, line: 3 },
  { name: 'ctl-escape-in-source-string', source: p('const s = "\u001b[31mred\u001b[0m";', 'throw new Error("plain after " + s.length);'), exit: 1, message: /Error: plain after 12/, line: 3 },
  { name: 'ctl-bell-and-backspace', source: p('console.log("ok\\u0007\\u0008");'), exit: 0, stream: 'stdout', message: /ok/ },
  { name: 'ctl-zero-width-identifier', source: p('const a\u200b = 1;', 'console.log(a\u200b);'), exit: 1, message: /SyntaxError: Expected ";" but found "\\u200b"/, line: 2 },
  { name: 'ctl-rtl-override-in-string', source: p('console.log("\u202eevil\u202c");'), exit: 0, stream: 'stdout', message: /evil/ },
];

const placement: CorpusCase[] = [
  { name: 'place-error-in-helper', source: p('function helper(): never {', '  throw new TypeError("from helper");', '}', 'tf.constant(1);', 'helper();'), exit: 1, message: /TypeError: from helper/, line: 3 },
  { name: 'place-error-in-callback', source: p('[1, 2, 3].map((v) => {', '  if (v === 2) throw new Error("in map");', '  return v;', '});'), exit: 1, message: /Error: in map/, line: 3 },
  { name: 'place-error-in-class', source: p('class Model {', '  call(): void {', '    tf.linalg.matmul(tf.ones([2, 2]), tf.ones([3, 3]));', '  }', '}', 'new Model().call();'), exit: 1, message: /InvalidArgumentError: Matrix size-incompatible: In\[0\]: \[2,2\], In\[1\]: \[3,3\]/, line: 4 },
  { name: 'place-error-in-async-fn', source: p('async function train(): Promise<void> {', '  await null;', '  tf.reshape(tf.ones([4]), [3]);', '}', 'await train();'), exit: 1, message: /InvalidArgumentError: Input to reshape is a tensor with 4 values, but the requested shape has 3/, line: 4 },
  { name: 'place-error-after-many-ops', source: p('let x = tf.constant(0);', 'for (let i = 0; i < 1000; i++) x = tf.add(x, 1);', 'tf.add(x, tf.reshape(tf.ones([7, 7, 7]), [7, 49, 2]));'), exit: 1, message: /InvalidArgumentError: Input to reshape is a tensor with 343 values/, line: 4 },
];

const relative: CorpusCase[] = [
  { name: 'rel-import-self', source: p(`import './rel-import-self.grad';`, 'console.log("self import ran");'), exit: 0, stream: 'stdout', message: /self import ran/ },
  { name: 'rel-import-json-missing', source: p(`import data from './missing.json';`, 'console.log(data);'), exit: 1, message: /SyntaxError: Cannot find module '\.\/missing\.json'/, line: 2 },
  { name: 'rel-dynamic-import-missing', source: p(`await import('./nowhere-dynamic.js');`), exit: 1, message: /SyntaxError: Cannot find module '\.\/nowhere-dynamic\.js'/, line: 2 },
];

/** An array literal of about `mb` MB on one line: data pasted into a scratch file. */
const literal = (mb: number): string => {
  const n = Math.floor((mb * 1e6) / 6);
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = `0.${String(i % 1000).padStart(3, '0')}`;
  return `[${parts.join(',')}]`;
};

// Files too large to instrument (over 1 MB) run with positions from stacks; far larger ones stop at
// the bundle step's own limit (30 s) or the run's memory limit, whichever the machine reaches first.
const large: CorpusCase[] = [
  { name: 'big-literal-2mb', source: p(`const data = ${literal(2)};`, 'console.log(data.length);'), exit: 0, stream: 'stdout', message: /^333333$/m, args: ['run', '{file}', '--timeout', '60'], maxMs: 60_000, maxMb: 1200 },
  { name: 'big-literal-error-line', source: p(`const data = ${literal(2)};`, 'const t = tf.constant(data);', 'tf.reshape(t, [2, -1]);'), exit: 1, message: /InvalidArgumentError: Input to reshape is a tensor with 333333 values, but the requested shape requires a multiple of 2/, line: 4, args: ['run', '{file}', '--timeout', '60'], maxMs: 60_000, maxMb: 1200 },
  {
    name: 'big-literal-30mb',
    source: p(`const data = ${literal(30)};`, 'console.log(data.length);'),
    args: ['run', '{file}', '--timeout', '1', '--memory', '256'],
    exit: 1,
    message: /Timeout: bundling the file \(\d+\.\d MB\) took more than 30 s; stopped|OutOfMemory: stopped: the script needed more than its 256 MB memory limit|Timeout: stopped after 1 s/,
    maxMs: 75_000,
    maxMb: 3000,
  },
];

/** Every case; names are unique (the test checks). */
export const CASES: CorpusCase[] = [...syntax, ...runtime, ...tfErrors, ...loops, ...memory, ...options, ...files, ...control, ...placement, ...relative, ...large];
