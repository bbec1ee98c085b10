// One printer (src/format/): the same tensor, shape and NaN/Inf read identically in the engine's
// print, the CLI report, a hover and the panel. The tensor travels the real way: a scratch program
// prints it and records it, the runner makes the trace, and each consumer formats it from there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../../src/engine/index';
import { formatNumber as cliNumber, formatReport } from '../../src/cli/report';
import { formatNumber as hoverNumber } from '../../src/extension/format/numbers';
import { formatTensorHover } from '../../src/extension/format/hover';
import { TraceIndex } from '../../src/extension/format/traceIndex';
import type { Trace } from '../../src/protocol/trace';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runScratch } from '../../src/runner/host/scratchRun';
import { formatScalar, formatShape, formatValue } from '../../webview/model/format';
import { buildRunner, WORKER } from '../runner/helpers';

const PROGRAM = `import * as tf from "gradtape";
const x = tf.variable([[-0.39999998, NaN], [Infinity, -Infinity], [1.5, 2]]);
const tape = new tf.GradientTape();
const y = tape.record(() => tf.math.multiply(x, 1));
y.print();
const z = tf.constant(NaN);
z.print();
`;

/** numpy's repr body with its layout (column padding, line breaks) taken out: `[[-0.39999998, nan], ...]`. */
function unpadded(repr: string): string {
  const body = /array\(([\s\S]*?)(?:, dtype=\w+)?\)>?$/.exec(repr)?.[1];
  assert.ok(body, repr);
  return body.replace(/\s+/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']').replace(/ ,/g, ',');
}

describe('one printer: print, the CLI, a hover and the panel agree', function () {
  this.timeout(60_000);
  let trace: Trace;
  before(async () => {
    await buildRunner();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-printer-'));
    const file = path.join(dir, 'printer.grad.ts');
    fs.writeFileSync(file, PROGRAM);
    trace = await runScratch({ file, workerFile: WORKER, timeoutMs: 30_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(trace.ok, true, JSON.stringify(trace.error));
  });
  after(() => disposeBundlers());

  it('formats the same tensor, shape and NaN/Inf identically in all four', () => {
    const node = trace.tapes[0].nodes.find((n) => n.name === 'y');
    assert.ok(node, 'y is recorded');
    // The panel's formatter is the reference text.
    const panelValue = formatValue(node.output);
    const panelShape = formatShape(node.output.shape);
    assert.equal(panelValue, '[[-0.39999998, nan], [inf, -inf], [1.5, 2.]]');
    assert.equal(panelShape, '(3, 2)');

    // print(): TensorFlow's repr around numpy's array, the same elements once the padding is out.
    const printed = trace.console[0].text;
    assert.ok(printed.startsWith(`<tf.Tensor: shape=${panelShape}, dtype=float32, numpy=`), printed);
    assert.equal(unpadded(printed), panelValue);
    // The engine in this process prints the same as the run thread did.
    assert.equal(tf.math.multiply(tf.constant([[-0.39999998, NaN], [Infinity, -Infinity], [1.5, 2]]), 1).toString(), printed);

    // The CLI report's node row: the same shape and value text.
    const row = formatReport(trace).split('\n').find((l) => /^\s+y\s+Mul\s/.test(l));
    assert.ok(row, formatReport(trace));
    // (The ⚠ after the value marks a tensor holding NaN or Inf.)
    assert.deepEqual(row.trim().split(/\s{2,}/).slice(2, 4), [panelShape, `${panelValue} ⚠`]);

    // A hover on `y`: the value line and the type line.
    const index = TraceIndex.of(trace);
    const hover = formatTensorHover(index, index.latestByName('y')!, { docUri: 'file:///printer.grad.ts' });
    assert.ok(hover.includes(`y = ${panelValue}\n`), hover);
    assert.ok(hover.includes(`shape=${panelShape}, dtype=float32`), hover);
  });

  it('a scalar NaN reads `nan` in all four', () => {
    const z = trace.console[1].text;
    assert.equal(z, '<tf.Tensor: shape=(), dtype=float32, numpy=nan>');
    assert.equal(formatScalar('NaN'), 'nan');
    assert.equal(formatValue({ shape: [], dtype: 'float32', size: 1, min: 'NaN', max: 'NaN', mean: 'NaN', nanCount: 1, infCount: 0, first: ['NaN'], values: ['NaN'] }), 'nan');
    // A number on its own: the CLI's curve ends and the hover's curve trend print it so.
    assert.equal(cliNumber('NaN'), 'nan');
    assert.equal(hoverNumber('-Infinity'), '-inf');
    assert.equal(cliNumber(Math.fround(-0.39999998)), hoverNumber(Math.fround(-0.39999998)));
  });
});
