// The bundle step runs in a process of its own (src/runner/host/bundlerProcess.ts), with V8 flags the
// extension host could not take: esbuild's WebAssembly build there runs on Liftoff only, which starts
// faster, builds no slower, and costs nothing while idle (with TurboFan, the tier-up went on compiling
// the 14 MB module for seconds after the first build: ~1 s of CPU). Linux (/proc).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { bundleInProcess, disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { alive, buildRunner, fixture, WORKER } from './helpers';

const FILE = fixture('runner-console.grad.ts');
const TEXT = 'import * as tf from "gradtape";\nconst x: number = 2;\nconsole.log(tf.add(1, x).dataSync()[0]);\n';

/** This process's children whose command line mentions dist/bundler.js: pid and argv. */
function bundlers(): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    for (const pid of fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (argv.some((a) => a.endsWith('bundler.js'))) out.push({ pid, argv });
      } catch {
        // gone meanwhile
      }
    }
  }
  return out;
}

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), here 11 and 12 after the name; in clock ticks (100 per second on Linux).
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

(process.platform === 'linux' ? describe : describe.skip)('runner: the bundler process', function () {
  this.timeout(120_000);
  before(() => buildRunner());
  afterEach(() => disposeBundlers());

  for (const backend of ['wasm', 'native'] as const) {
    it(`${backend}: bundles in a child process started with --liftoff-only, which disposeBundlers ends`, async () => {
      assert.deepEqual(bundlers(), [], 'no bundler process before the first bundle');
      const r = await bundleInProcess(WORKER, backend, FILE, TEXT);
      assert.ok('code' in r, JSON.stringify(r));
      assert.match(r.code, /console\.log/);
      const [p, ...rest] = bundlers();
      assert.ok(p, 'a bundler process runs');
      assert.equal(rest.length, 0, 'one process per backend');
      assert.ok(p.argv.includes('--liftoff-only'), p.argv.join(' '));
      assert.equal(p.argv[p.argv.length - 1], backend);
      await disposeBundlers();
      assert.equal(alive(p.pid), false, 'disposeBundlers killed it');
    });
  }

  it('wasm: the idle service costs next to no CPU after its builds (no tier-up compiling in the background)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await bundleInProcess(WORKER, 'wasm', FILE, `${TEXT}// ${i}\n`);
      assert.ok('code' in r, JSON.stringify(r));
    }
    const [p] = bundlers();
    const before = cpuMs(p.pid);
    // A measuring window, not a wait for a condition: with TurboFan this window held ~0.5-1 s of CPU.
    await new Promise((r) => setTimeout(r, 1500));
    const used = cpuMs(p.pid) - before;
    assert.ok(used < 150, `the idle bundler process used ${used} ms of CPU in 1.5 s`);
    // Still up and warm: the next build needs no restart.
    const again = await bundleInProcess(WORKER, 'wasm', FILE, `${TEXT}// again\n`);
    assert.ok('code' in again, JSON.stringify(again));
    assert.equal(bundlers()[0]?.pid, p.pid, 'the same process answers');
  });
});
