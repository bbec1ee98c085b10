// Golden traces: every fixture under test/fixtures and every example under examples/, run through
// the runner (runScratch, real worker), must give the trace stored in test/runner/golden/. What
// legitimately varies is normalised: times, the checkout's path, and for runs stopped by a limit
// everything past their first step. Regenerate after an intended change:
//   UPDATE_GOLDEN=1 npx mocha test/runner/golden.test.ts
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SourcePos, Trace } from '../../src/protocol/trace';
import { runScratch, type RunOptions } from '../../src/runner/host/scratchRun';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { stripScratch } from '../../src/runner/bundler/stripScratch';
import { buildRunner, EXAMPLES, FIXTURES, ROOT, WORKER } from './helpers';

const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Runs ended by a limit: how far they get depends on the machine, so only their first step is compared. */
const LIMITED: Record<string, Partial<RunOptions>> = {
  'runner-infinite-loop.grad.ts': { timeoutMs: 1000 },
  'runner-timeout-training.grad.ts': { timeoutMs: 1500 },
  'runner-huge-allocation.grad.ts': { memoryMb: 64 },
  'runner-huge-tensor.grad.ts': { memoryMb: 128 },
};

/** Every program the golden covers: [golden name, file, text when it is not the file's own]. */
function programs(): [string, string, string | undefined][] {
  const out: [string, string, string | undefined][] = [];
  for (const f of fs.readdirSync(FIXTURES).sort()) {
    if (f.endsWith('.grad.ts')) out.push([f, path.join(FIXTURES, f), undefined]);
    // A syntax error kept out of the type checker: run under a .grad.ts name with its text.
    if (f.endsWith('.grad.txt')) out.push([f, path.join(FIXTURES, f.replace(/\.txt$/, '.ts')), fs.readFileSync(path.join(FIXTURES, f), 'utf8')]);
  }
  for (const f of fs.readdirSync(EXAMPLES).sort()) if (f.endsWith('.grad.ts')) out.push([`examples-${f}`, path.join(EXAMPLES, f), undefined]);
  return out;
}

const sha = (v: unknown): string => `sha256 ${createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32)}`;

/**
 * The trace without what varies from run to run and checkout to checkout. With `digestSteps` (the
 * examples: training loops of a hundred steps), a loop's tapes and gradient calls past its first two
 * steps are stored as their ids, step and a digest: still compared exactly, but a Keras model's
 * step (its tape's nodes, a summary of every gradient) does not make a golden of megabytes.
 */
export function normalise(t: Trace, limited: boolean, digestSteps = false): unknown {
  // A long list of values is stored as its length and digest: still compared exactly, but a conv
  // net's feature maps do not make a golden file of megabytes.
  const digest = (k: string, v: unknown): unknown => (k === 'values' && Array.isArray(v) && v.length > 64 ? `${v.length} values, ${sha(v)}` : v);
  const copy = JSON.parse(JSON.stringify(t, digest).split(ROOT).join('<root>')) as Trace & Record<string, unknown>;
  if (digestSteps) {
    const tapes = copy.tapes as unknown[];
    const gradients = copy.gradients as unknown[];
    copy.tapes.forEach((tape, i) => {
      if (tape.step >= 2) tapes[i] = { id: tape.id, step: tape.step, detailed: tape.detailed, nodeCount: tape.nodeCount, rest: sha(tape) };
    });
    copy.gradients.forEach((g, i) => {
      if (g.step >= 2) gradients[i] = { id: g.id, tapeId: g.tapeId, step: g.step, rest: sha(g) };
    });
  }
  delete (copy as Partial<Trace>).startedAt;
  delete (copy as Partial<Trace>).durationMs;
  for (const line of copy.console) line.timeMs = 0;
  if (limited) {
    // Past the first step of each loop, a limited run's content depends on how fast the machine was.
    copy.tapes = copy.tapes.filter((tape) => tape.step === 0);
    const kept = new Set(copy.tapes.map((tape) => tape.id));
    copy.gradients = copy.gradients.filter((g) => kept.has(g.tapeId));
    copy.curves = copy.curves.map((c) => ({ ...c, points: c.points.slice(0, 1) }));
    delete (copy as Partial<Trace>).stats;
    // How many rows a long run thinned depends on its speed too, and so do the lines seen running
    // outside a tape: on a loaded machine the limit can end the run before the batch that says so.
    delete (copy as Partial<Trace>).thinned;
    delete (copy as Partial<Trace>).unrecordedLines;
    // So does the line a limit stops it at (a loop's body has several), and for memory which check
    // saw it first (the run thread's, at an op or a call, or the host's): the message up to where.
    const byLimit = copy.error?.kind === 'timeout' || copy.error?.kind === 'memory';
    const stoppedAt = (pos: unknown): unknown => (byLimit ? undefined : pos);
    const limitText = (m: string): string => (byLimit ? m.replace(/ \(\d+ MB in use\)|;.*$/g, '') : m).replace(/\d+/g, 'N');
    if (copy.error) copy.error = { ...copy.error, message: limitText(copy.error.message), pos: stoppedAt(copy.error.pos) as SourcePos };
    copy.diagnostics = copy.diagnostics.map((d) => ({ ...d, message: limitText(d.message), pos: stoppedAt(d.pos) as SourcePos }));
  }
  return copy;
}

describe('runner: golden traces of every fixture and example', function () {
  this.timeout(120_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  // Each program bundled by esbuild; and where the runtime can strip types (Node ≥ 22.13: `npm test`
  // runs these under the host's Node 24 too) and the program needs no bundling, also with its types
  // stripped (src/runner/bundler/stripScratch.ts), to the same golden.
  for (const [name, file, text] of programs()) for (const strip of [false, true]) {
    if (strip && (UPDATE || !stripScratch(file, text ?? fs.readFileSync(file, 'utf8')))) continue;
    it(strip ? `${name}, types stripped` : name, async () => {
      const limits = LIMITED[name];
      // runner-stream.grad.ts waits for this file to exist: it does.
      process.env.GRADTAPE_TEST_FLAG = file;
      const t = await runScratch({ file, ...(text !== undefined ? { text } : {}), workerFile: WORKER, timeoutMs: 60_000, strip, ...limits });
      // Through JSON, as stored (an undefined property is absent).
      const got: unknown = JSON.parse(JSON.stringify(normalise(t, limits !== undefined, name.startsWith('examples-'))));
      const goldenFile = path.join(GOLDEN, `${name}.json`);
      if (UPDATE || !fs.existsSync(goldenFile)) {
        if (!UPDATE) assert.fail(`no golden for ${name}: run UPDATE_GOLDEN=1 npx mocha test/runner/golden.test.ts`);
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(goldenFile, `${JSON.stringify(got, null, 1)}\n`);
        return;
      }
      assert.deepEqual(got, JSON.parse(fs.readFileSync(goldenFile, 'utf8')));
    });
  }
});
