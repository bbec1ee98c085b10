// Top-level await in scratch files: through runScratch (a real worker), in-process (how the
// benchmark runs a bundle), and through the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { Trace } from '../../src/protocol/trace';
import type { RunWorkerMessage } from '../../src/protocol/worker';
import { bundleScratch } from '../../src/runner/bundler/bundleScratch';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runInThisThread } from '../../src/runner/run/runThread';
import { runScratch, type RunOptions } from '../../src/runner/host/scratchRun';
import { buildRunner, CLI, fixture, FIXTURES, WORKER } from './helpers';

const run = (name: string, opts: Partial<RunOptions> = {}): Promise<Trace> => runScratch({ file: fixture(name), workerFile: WORKER, timeoutMs: 5000, ...opts });

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: FIXTURES });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Bundles `text` as if it were `fixture(name)` and runs it in this thread, collecting the worker messages. */
async function runInProcess(name: string, text: string, instrument = true): Promise<{ messages: RunWorkerMessage[]; syncFinish: boolean; done: Promise<void>; restore: () => void }> {
  const file = fixture(name);
  const out = await bundleScratch('native', file, text);
  assert.ok('code' in out, JSON.stringify(out));
  const messages: RunWorkerMessage[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const restore = runInThisThread({ role: 'run', file, text, bundle: out, memoryMb: 4096, startedAtMs: Date.now() }, (m) => {
    messages.push(m);
    if (m.type === 'didFinish') finished();
  }, { endOnReturn: true, instrument });
  return { messages, syncFinish: messages.some((m) => m.type === 'didFinish'), done, restore };
}

describe('runner: top-level await', function () {
  this.timeout(30_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('awaits at the top level, with relative imports, names and positions after each await', async () => {
    const t = await run('runner-tla.grad.ts');
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.tapes.length, 1);
    const nodes = t.tapes[0].nodes;
    assert.deepEqual(nodes.map((n) => n.op), ['MatMul', 'Add', 'Relu', 'Sum']);
    // The imported helper's ops keep that file's positions; the tape's own op is line 11 of the fixture.
    assert.match(nodes[0].pos?.file ?? '', /runner-lib[/\\]layers\.ts$/);
    assert.deepEqual([nodes[3].name, nodes[3].pos?.line, nodes[3].pos?.file], ['out', 11, undefined]);
    assert.equal(t.tapes[0].pos?.line, 10);
    assert.deepEqual(t.tapes[0].leaves.map((l) => l.name).sort(), ['b', 'w', 'x']);
    assert.equal(t.gradients.length, 1);
    assert.deepEqual([t.gradients[0].pos?.line, t.gradients[0].pos?.column], [13, 23]);
    assert.deepEqual(t.gradients[0].sources.map((s) => s.gradient?.values), [[1, 0, -2, 0], [1, 0]]);
    // Console lines carry the lines that printed them, including inside a top-level `for await`.
    assert.deepEqual(t.console.map((c) => [c.text, c.pos?.line]), [
      ['after await 2x2 2', 14],
      ['squared <tf.Tensor: shape=(), dtype=float32, numpy=4.0>', 17],
      ['squared <tf.Tensor: shape=(), dtype=float32, numpy=9.0>', 17],
    ]);
  });

  it('a rejected top-level await fails the run at the line that threw, keeping the tape before it', async () => {
    const t = await run('runner-tla-rejection.grad.ts');
    assert.equal(t.ok, false);
    assert.deepEqual([t.error?.kind, t.error?.name], ['exception', 'InvalidArgumentError']);
    assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [10, 11]);
    assert.match(t.error?.stack ?? '', /runner-tla-rejection\.grad\.ts:10:11/);
    assert.equal(t.tapes.length, 1);
    assert.equal(t.tapes[0].nodes[0].name, 'y');
    assert.deepEqual(t.console.map((c) => [c.text, c.pos?.line]), [['gradient <tf.Tensor: shape=(), dtype=float32, numpy=4.0>', 8]]);
    assert.equal(t.diagnostics[0].pos.line, 10);
  });

  it('a top-level await that can never settle ends the run with an error at the await, not a hang', async () => {
    const t = await run('runner-tla-unsettled.grad.ts');
    assert.equal(t.error?.kind, 'exception');
    assert.match(t.error?.message ?? '', /top-level await never settled/);
    assert.equal(t.error?.pos?.line, 6);
    assert.deepEqual(t.console.map((c) => c.text), ['before 3']);
  });

  it('a syntax error in a file with a top-level await still has its line and column', async () => {
    const text = 'import * as tf from "gradtape";\nconst x = await Promise.resolve(1);\nconst y = tf.constant(x) +* 2;\n';
    const t = await runScratch({ file: fixture('runner-tla-syntax.grad.ts'), text, workerFile: WORKER });
    assert.equal(t.error?.kind, 'syntax');
    assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [3, 27]);
  });

  it('a throw before the first await is reported at its line and column', async () => {
    const text = 'throw new RangeError("first line"); await 0;\n';
    const t = await runScratch({ file: fixture('runner-tla-first-line.grad.ts'), text, workerFile: WORKER });
    assert.deepEqual([t.error?.name, t.error?.message], ['RangeError', 'first line']);
    assert.deepEqual([t.error?.pos?.line, t.error?.pos?.column], [1, 7]);
  });

  it('import.meta (a syntax error in a script) is the entry file\'s, and an `export` in the file is harmless', async () => {
    const file = fixture('runner-tla-meta.grad.ts');
    const text = 'console.log(import.meta.url, import.meta.filename === __filename);\nexport const answer = 42;\n';
    const t = await runScratch({ file, text, workerFile: WORKER });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.deepEqual(t.console.map((c) => c.text), [`${pathToFileURL(file).href} true`]);
  });

  describe('in-process (the benchmark path, endOnReturn)', () => {
    it('a sync script still ends as its top level returns', async () => {
      const r = await runInProcess('runner-sync-inprocess.grad.ts', 'import * as tf from "gradtape";\nconst y = tf.square(tf.constant(3));\n');
      try {
        assert.equal(r.syncFinish, true);
        const finish = r.messages.find((m) => m.type === 'didFinish');
        assert.ok(finish && !('error' in finish && finish.error));
      } finally {
        r.restore();
      }
    });

    it('a script with a top-level await ends when its promise settles, after its ops ran', async () => {
      const text = 'import * as tf from "gradtape";\nawait new Promise((r) => setTimeout(r, 5));\nconst y = tf.square(tf.constant(3));\nconsole.log(y.dataSync()[0]);\n';
      const r = await runInProcess('runner-tla-inprocess.grad.ts', text);
      try {
        assert.equal(r.syncFinish, false, 'not finished before the await resumed');
        await r.done;
        const logs = r.messages.filter((m) => m.type === 'didLog');
        assert.deepEqual(logs.map((m) => [m.line.text, m.line.pos?.line]), [['9', 4]]);
        const last = r.messages.at(-1);
        assert.equal(last?.type, 'didFinish');
        assert.equal(last?.type === 'didFinish' ? last.error : 'none', undefined);
      } finally {
        r.restore();
      }
    });

    it('without instrumentation (positions by stack captures) a failed plain compile tells it awaits', async () => {
      const text = 'import * as tf from "gradtape";\nconst c = await Promise.resolve(tf.constant(2));\nconsole.log(tf.square(c).dataSync()[0]);\n';
      const r = await runInProcess('runner-tla-stacks.grad.ts', text, false);
      try {
        await r.done;
        const logs = r.messages.filter((m) => m.type === 'didLog');
        assert.deepEqual(logs.map((m) => [m.line.text, m.line.pos?.line]), [['4', 3]]);
      } finally {
        r.restore();
      }
    });
  });

  it('the CLI runs it (exit 0) and reports a rejection as file:line:col with a code frame (exit 1)', async () => {
    const ok = await cli(['run', 'runner-tla.grad.ts']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /after await 2x2 2/);
    assert.match(ok.stdout, /out\s+Sum\s+\(\)\s+0\.1\s+1\.0\s+line 11/);
    const bad = await cli(['run', 'runner-tla-rejection.grad.ts']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /runner-tla-rejection\.grad\.ts:10:11: InvalidArgumentError: Matrix size-incompatible/);
    assert.match(bad.stderr, /> 10 \| tf\.linalg\.matmul/);
  });
});
