// The bad-input corpus (test/corpus/cases.ts) through the CLI: each case's exit code, message, line,
// wall time and peak memory. Cases run a few at a time; each `it` waits for its own case's result,
// so a slow case delays only itself and the reports stay per case.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRunner, CLI } from '../runner/helpers';
import { boundMb, CASES, DEFAULT_MS, type CorpusCase } from './cases';
import { runCli, type CaseResult } from './runCli';

/** Cases in flight at once: each starts two Node processes (and a worker thread). */
const CONCURRENCY = Math.max(2, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));

/** `FILE:LINE:COL: ` at the start of a line of stderr: where the CLI placed the error. */
function placedLine(stderr: string, c: CorpusCase): number | null {
  const name = path.basename(c.fileName ?? `${c.name}.grad.ts`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${name}:(\\d+):\\d+: `, 'm').exec(stderr);
  return m ? Number(m[1]) : null;
}

describe('corpus: bad input through the CLI', function () {
  // Each case has its own time bound; this is only the harness's backstop.
  this.timeout(10 * 60_000);
  let dir: string;
  const results = new Map<string, Promise<CaseResult>>();

  before(async () => {
    await buildRunner();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-corpus-'));
    // Bounded concurrency: a queue of the cases, drained by CONCURRENCY runners.
    const queue = [...CASES];
    const waiting = new Map<string, (r: CaseResult) => void>();
    for (const c of CASES) results.set(c.name, new Promise((resolve) => waiting.set(c.name, resolve)));
    const drain = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) waiting.get(c.name)!(await runCli(CLI, c, dir));
    };
    for (let i = 0; i < CONCURRENCY; i++) void drain();
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has at least 100 cases with unique names', () => {
    assert.ok(CASES.length >= 100, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  for (const c of CASES) {
    const bounds = `≤ ${((c.maxMs ?? DEFAULT_MS) / 1000).toFixed(0)} s, ≤ ${boundMb(c)} MB`;
    it(`${c.name}: exit ${c.exit}${c.line ? ` at line ${c.line}` : ''}, ${bounds}`, async () => {
      const r = await results.get(c.name)!;
      const shown = `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stderr\n${r.stderr.slice(0, 3000)}\n--- stdout\n${r.stdout.slice(0, 1500)}`;
      assert.equal(r.code, c.exit, shown);
      assert.match(c.stream === 'stdout' ? r.stdout : r.stderr, c.message, shown);
      if (c.line !== undefined) assert.equal(placedLine(r.stderr, c), c.line, shown);
      // A usage error or a script's own failure is reported once, not as an internal error or a trace.
      assert.doesNotMatch(r.stderr, /internal error|the run's worker (failed|exited unexpectedly)|bundler (thread|process)/, shown);
      assert.ok(r.ms <= (c.maxMs ?? DEFAULT_MS), `took ${Math.round(r.ms)} ms, bound ${c.maxMs ?? DEFAULT_MS} ms`);
      if (r.peakMb !== undefined) assert.ok(r.peakMb <= boundMb(c), `peak ${Math.round(r.peakMb)} MB, bound ${boundMb(c)} MB`);
    });
  }
});
