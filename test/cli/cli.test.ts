// The gradtape CLI as people run it: `node dist/cli.js run FILE` in a child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { CONSOLE_LIMITS } from '../../src/runner/shared/consoleBudget';
import { buildRunner, CLI, EXAMPLES, FIXTURES, ROOT, WARNING_CASES } from '../runner/helpers';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = FIXTURES): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli: gradtape run', function () {
  this.timeout(60_000);
  before(() => buildRunner());

  it('seed 01: the script output, the node table and the gradient with its numbers; exit 0', async () => {
    const r = await cli(['run', '01-squared-difference.grad.ts'], EXAMPLES);
    assert.equal(r.code, 0, r.stderr);
    // The script's own print comes first, then the report.
    assert.ok(r.stdout.indexOf('array([[-0.39999998]') < r.stdout.indexOf("tape 'tape' (line 9)"));
    assert.match(r.stdout, /name\s+op\s+shape\s+value\s+gradient/);
    assert.match(r.stdout, /output\s+MatMul\s+\(1, 1\)\s+\[\[0\.55\]\]\s+\[\[-0\.39999998\]\]\s+line 11/);
    assert.match(r.stdout, /loss\s+SquaredDifference\s+\(1, 1\)/);
    assert.match(r.stdout, /01-squared-difference\.grad\.ts:16:\d+\s+gradients = tape\.gradient\(loss, weights\)/);
    assert.match(r.stdout, /∂loss\/∂weights = \[\[-0\.39999998\], \[-0\.79999995\]\]/);
  });

  it('seed 02: both gradients of the persistent tape', async () => {
    const r = await cli(['run', '02-watch-persistent.grad.ts'], EXAMPLES);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[persistent\]/);
    assert.equal(r.stdout.match(/∂loss\/∂weights = \[\[-0\.39999998\], \[-0\.79999995\]\]/g)?.length, 2);
  });

  it('example 04: a Hessian-vector product by forward-over-reverse equals reverse-over-reverse', async () => {
    const r = await cli(['run', '04-hessian-vector-product.grad.ts'], EXAMPLES);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /numpy=array\(\[ 5\., 13\., {2}3\.\]/);
    // acc.jvp(gradient) and the outer tape's gradient print the same H·v.
    assert.equal(r.stdout.match(/numpy=array\(\[ {2}6\.5, {3}7\. , -12\. \]/g)?.length, 2);
    assert.match(r.stdout, /jvp\(.*\) = \[6\.5, 7\.?, -12\.?\]/);
  });

  it('seed 03: the final weights, each step, and the loss curve as a sparkline', async () => {
    const r = await cli(['run', '03-training-loop.grad.ts'], EXAMPLES);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[\[0\.02995202\],\s*\[0\.47385702\]\]/);
    assert.match(r.stdout, /tape 'tape' \(line 11, step 2\)/);
    assert.match(r.stdout, /loss\s+[▁▂▃▄▅▆▇█]{3}\s+12\.25 → 0\.4598197 \(3 points\)/);
    // Names from `for (const [x, y] of dataset)`, and the expression of an unrecorded op.
    assert.match(r.stdout, /^ {2}constant y \(\) = 0\.75$/m);
    assert.match(r.stdout, /^ {2}tensor reshape\(x\) \(1, 2\) = \[\[5\., 2\.\]\]$/m);
    assert.doesNotMatch(r.stdout, /constant \d+|tensor \d+/);
  });

  // The same tape misuse fixtures as the runner's tests: each warning printed as file:line:col: message.
  for (const [file, code, line] of WARNING_CASES) {
    it(`prints the ${code} warning of ${file} at line ${line}`, async () => {
      const r = await cli(['run', file]);
      const warnings = r.stdout.slice(r.stdout.indexOf('\nwarnings\n'));
      assert.ok(r.stdout.includes('\nwarnings\n'), r.stdout);
      assert.match(warnings, new RegExp(`^  ${file.replace(/\./g, '\\.')}:${line}:\\d+: \\S.{20,}$`, 'm'));
    });
  }

  it('a jacobian and a jvp: the jvp prints its result, not the tangent it was given', async () => {
    const r = await cli(['run', 'runner-jacobian-jvp.grad.ts']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /runner-jacobian-jvp\.grad\.ts:7:\d+ {2}jac = tape\.jacobian\(y, x\)\n {4}∂y\/∂x = \[\[2\., 0\.\], \[0\., 4\.\]\]/);
    assert.match(r.stdout, /runner-jacobian-jvp\.grad\.ts:10:\d+ {2}tangent = \w+\.jvp\(z\)\n {4}jvp\(z\) = \[2\., 0\.\]\n {4}tangent of x = \[1\., 0\.\]/);
  });

  // Bad input through the CLI, as the runner's tests check it through runScratch. The huge allocation
  // gets a long time limit: under load it filled 256 MB more slowly than the default 10 s (a Timeout).
  const badInput: [string, string[], number, 'stdout' | 'stderr', RegExp][] = [
    ['runner-deep-recursion.grad.ts', [], 1, 'stderr', /^runner-deep-recursion\.grad\.ts:6:10: RangeError: Maximum call stack size exceeded$/m],
    ['runner-nan.grad.ts', [], 0, 'stdout', /^ {2}runner-nan\.grad\.ts:7:\d+: logged holds NaN or Infinity$/m],
    ['runner-process-exit.grad.ts', [], 1, 'stderr', /^runner-process-exit\.grad\.ts:8:\d+: ProcessExit: the script called process\.exit\(3\) at line 8/m],
    ['runner-huge-allocation.grad.ts', ['--memory', '256', '--timeout', '120'], 1, 'stderr', /OutOfMemory: stopped: the script needed more than its 256 MB memory limit/],
    ['runner-relative-import.grad.ts', [], 0, 'stdout', /runner-relative-import\.grad\.ts:10:\d+ {2}tape\.gradient\(out, \[w, b\]\)/],
  ];
  for (const [file, extra, code, stream, want] of badInput) {
    it(`${file}: exit ${code}, ${want.source.slice(0, 60)}`, async () => {
      const r = await cli(['run', file, ...extra]);
      assert.equal(r.code, code, r.stderr);
      assert.match(r[stream], want);
    });
  }

  it('--json prints the trace and nothing else', async () => {
    const r = await cli(['run', '01-squared-difference.grad.ts', '--json'], EXAMPLES);
    assert.equal(r.code, 0, r.stderr);
    const trace = JSON.parse(r.stdout) as Trace;
    assert.equal(trace.version, 1);
    assert.equal(trace.file, path.join(EXAMPLES, '01-squared-difference.grad.ts'));
    assert.equal(trace.tapes[0].nodes.length, 2);
    assert.equal(trace.console.length, 1);
  });

  it('a nullable gradient shows its reason and file:line', async () => {
    const r = await cli(['run', 'runner-unwatched-constant.grad.ts']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /∂loss\/∂weights = null: .*constant.*\(runner-unwatched-constant\.grad\.ts:5:\d+\)/);
  });

  it('a failing script: file:line:col: message with a code frame, the tapes before it, exit 1', async () => {
    const r = await cli(['run', 'runner-throw-after-tape.grad.ts']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /before the throw/);
    assert.match(r.stdout, /tape 'tape' \(line 5\): 2 ops/);
    assert.match(r.stderr, /runner-throw-after-tape\.grad\.ts:13:7: Error: deliberate failure after the tape/);
    assert.match(r.stderr, /> 13 \| throw new Error/);
    assert.match(r.stderr, /\n\s+\|\s{7}\^/);
  });

  it('a syntax error: its position and exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-cli-'));
    const file = path.join(dir, 'broken.grad.ts');
    fs.copyFileSync(path.join(FIXTURES, 'runner-syntax-error.grad.txt'), file);
    const r = await cli(['run', file], dir);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.grad\.ts:5:23: SyntaxError: /);
  });

  it('--timeout stops an endless script with the limit in the message', async () => {
    const r = await cli(['run', 'runner-infinite-loop.grad.ts', '--timeout', '1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /runner-infinite-loop\.grad\.ts:6:\d+: Timeout: stopped after 1 s/);
  });

  it('--memory limits the script', async () => {
    const r = await cli(['run', 'runner-huge-tensor.grad.ts', '--memory=128']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /128 MB memory limit/);
  });

  it("streams the script's own output as it happens, before the report", async () => {
    const flag = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-stream-')), 'answer');
    const r = await new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', 'runner-stream.grad.ts', '--timeout', '30'], { cwd: FIXTURES, env: { ...process.env, GRADTAPE_TEST_FLAG: flag } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The script waits for this answer: it can only come if "ready" arrived while it ran.
        if (stdout.includes('ready\n') && !fs.existsSync(flag)) fs.writeFileSync(flag, '');
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('ready\nanswered\n'), r.stdout.slice(0, 200));
    assert.ok(r.stdout.indexOf('answered') < r.stdout.indexOf('ops'), 'the report comes after the output');
  });

  it('--timeout and --memory take numbers in their range after rounding: anything else is a usage error naming the range (exit 2)', async () => {
    const bads = [
      ['--timeout', '0'], ['--timeout=-1'], ['--timeout'], ['--timeout', 'soon'], ['--timeout', ' '],
      // past setTimeout's 2^31 ms, and rounding to 0 ms / 0 MB
      ['--timeout', '3000000'], ['--timeout', '0.0001'], ['--timeout=Infinity'],
      ['--memory', 'lots'], ['--memory=0'], ['--memory', '-5'], ['--memory'], ['--memory', '0.4'], ['--memory', '1e9'], ['--memory=NaN'],
    ];
    for (const bad of bads) {
      const r = await cli(['run', '01-squared-difference.grad.ts', ...bad], EXAMPLES);
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
      const range = bad[0].startsWith('--timeout') ? /--timeout needs a number of seconds from 0\.1 to 3600\b/ : /--memory needs a number of MB from 32 to 16384\b/;
      assert.match(r.stderr, range, bad.join(' '));
      assert.match(r.stderr, /Usage: gradtape run FILE/, bad.join(' '));
      assert.equal(r.stdout, '', 'nothing ran');
    }
  });

  it('usage errors exit 2; --help and --version exit 0', async () => {
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: gradtape run FILE/);
    assert.equal((await cli(['run'])).code, 2);
    assert.equal((await cli(['run', 'x.grad.ts', '--bogus'])).code, 2);
    assert.equal((await cli(['run', 'x.grad.ts', '--timeout', 'soon'])).code, 2);
    assert.equal((await cli(['run', 'does-not-exist.grad.ts'])).code, 2);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--json/);
    const version = await cli(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), `gradtape ${pkg.version}`);
  });

  describe('bounded, escaped, quiet output (issue 16)', () => {
    let dir: string;
    const write = (name: string, text: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-cli-out-'))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const LIMIT = CONSOLE_LIMITS;
    // 300 lines of 1 MB, then 30,000 short ones: the bytes run out first, then every line is dropped.
    const FLOOD = `const big = "x".repeat(1 << 20);
for (let i = 0; i < 300; i++) console.log(big);
for (let i = 0; i < 30000; i++) console.log("line", i);
`;
    const FLOOD_LINES = 30_300;

    it('caps output by bytes per line and in total, and says how many lines it dropped (text mode)', async () => {
      write('flood.grad.ts', FLOOD);
      const r = await cli(['run', 'flood.grad.ts'], dir);
      assert.equal(r.code, 0, r.stderr.slice(0, 500));
      assert.ok(r.stdout.length < LIMIT.bytes + 64 * 1024, `${r.stdout.length} bytes of stdout`);
      const printed = r.stdout.split('\n').filter((l) => l.startsWith('xxx'));
      assert.ok(printed.length > 0 && printed.every((l) => Buffer.byteLength(l) <= LIMIT.lineBytes), 'each line within its byte limit');
      assert.match(printed[0], /… \(\d+ more bytes\)$/, 'a cut line says what was cut');
      const dropped = Number(/… (\d+) console lines dropped \(the limit is 5000 lines and 1 MB\)/.exec(r.stderr)?.[1]);
      assert.equal(printed.length + dropped, FLOOD_LINES, 'printed + dropped = every line the program printed');
    });

    it('--json: the same bounds and the same honest count, inside the trace', async () => {
      const r = await cli(['run', 'flood.grad.ts', '--json'], dir);
      assert.equal(r.code, 0, r.stderr.slice(0, 500));
      assert.ok(r.stdout.length < LIMIT.bytes + 256 * 1024, `${r.stdout.length} bytes of JSON`);
      const trace = JSON.parse(r.stdout) as Trace;
      const note = trace.console[trace.console.length - 1].text;
      const dropped = Number(/^… (\d+) console lines dropped/.exec(note)?.[1]);
      assert.equal(trace.console.length - 1 + dropped, FLOOD_LINES, note);
    });

    it('a line cap as well: 100,000 short lines keep 5,000 and count the rest', async () => {
      write('lines.grad.ts', 'for (let i = 0; i < 100000; i++) console.log(i);\n');
      const r = await cli(['run', 'lines.grad.ts'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split('\n').filter((l) => /^\d+$/.test(l)).length, LIMIT.lines);
      assert.match(r.stderr, new RegExp(`… ${100_000 - LIMIT.lines} console lines dropped`));
    });

    it("shows a program's control bytes and ANSI escapes escaped, on stdout and stderr", async () => {
      write('escapes.grad.ts', 'console.log("\\x1b[31mred\\x1b[0m\\r\\x07 done\\ttab");\nconsole.error("\\x1b]0;title\\x07");\nthrow new Error("bad \\x1b[2J");\n');
      const r = await cli(['run', 'escapes.grad.ts'], dir);
      assert.equal(r.code, 1);
      const control = (s: string): boolean => [...s].some((c) => c !== '\n' && c !== '\t' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));
      assert.ok(!control(r.stdout), JSON.stringify(r.stdout));
      assert.ok(!control(r.stderr), JSON.stringify(r.stderr));
      assert.ok(r.stdout.startsWith('\\x1b[31mred\\x1b[0m\\x0d\\x07 done\ttab\n'), JSON.stringify(r.stdout));
      assert.match(r.stderr, /^\\x1b\]0;title\\x07$/m);
      assert.match(r.stderr, /Error: bad \\x1b\[2J/);
    });

    it('a syntax error on a 5 MB line prints a code frame a few lines long', async () => {
      write('long-error.grad.ts', `const a = [${'1,'.repeat(2_500_000)} +];\n`);
      const r = await cli(['run', 'long-error.grad.ts'], dir);
      assert.equal(r.code, 1);
      assert.ok(r.stderr.length < 4096, `${r.stderr.length} bytes of stderr`);
      assert.match(r.stderr, /long-error\.grad\.ts:1:\d+: SyntaxError/);
      assert.match(r.stderr, /> 1 \| …(1,)+/);
    });

    it('piping to head ends quietly: no EPIPE stack trace', async () => {
      write('endless-output.grad.ts', 'for (let i = 0; i < 1e9; i++) console.log("line", i);\n');
      const r = await new Promise<Result>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'run', 'endless-output.grad.ts', '--timeout', '60'], { cwd: dir });
        let stderr = '';
        // Like `head -1`: read a little, then close the pipe.
        child.stdout.once('data', () => child.stdout.destroy());
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout: '', stderr }));
      });
      assert.doesNotMatch(r.stderr, /EPIPE|internal error|at \w+ \(/, r.stderr);
      assert.equal(r.code, 0, r.stderr);
    });
  });
});

