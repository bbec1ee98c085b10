// A .grad.py's print() within the same console budget as a .grad.ts (src/runner/shared/consoleBudget.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONSOLE_LIMITS } from '../../src/runner/shared/consoleBudget';
import { disposePython, runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, WORKER } from '../runner/helpers';

describe('python: print() within the console budget', function () {
  this.timeout(180_000);
  before(() => buildRunner());
  after(() => disposePython());

  it('keeps 5,000 lines, cuts long ones, and counts every dropped line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-py-console-'));
    const file = path.join(dir, 'flood.grad.py');
    fs.writeFileSync(file, 'print("y" * 100000)\nfor i in range(20000):\n    print(i)\n');
    const trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 120_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(trace.error, undefined, JSON.stringify(trace.error));
    const note = trace.console[trace.console.length - 1].text;
    const dropped = Number(/^… (\d+) console lines dropped/.exec(note)?.[1]);
    assert.equal(trace.console.length - 1, CONSOLE_LIMITS.lines, note);
    assert.equal(trace.console.length - 1 + dropped, 20_001);
    assert.ok(Buffer.byteLength(trace.console[0].text) <= CONSOLE_LIMITS.lineBytes);
    assert.match(trace.console[0].text, /^y+… \(\d+ more bytes\)$/);
  });
});
