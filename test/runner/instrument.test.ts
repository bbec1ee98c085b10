import assert from 'node:assert/strict';
import vm from 'node:vm';
import { instrument, PROBE_PARAMS } from '../../src/runner/shared/instrument';
import type { SourcePos } from '../../src/protocol/trace';

// Every call head is "user code" here; a position is the call head's own line/column.
const here = (line: number, column: number): SourcePos => ({ line, column });

/** Runs instrumented `code` with probes that log which call index was current when `seen()` ran. */
function runWith(code: string): { log: string[]; positions: (SourcePos | undefined)[] } {
  const lines = code.split('\n');
  // `seen` is the test's own probe: not instrumented, so it reports the call that was current.
  const inst = instrument(code, (line, column) => (lines[line - 1].startsWith('seen', column - 1) ? undefined : here(line, column)));
  assert.ok(inst, 'the code parses');
  let at = -1;
  const log: string[] = [];
  const pos = (): string => {
    const p = inst.positions[at];
    return p ? `${p.line}:${p.column}` : '?';
  };
  const probes = [
    (id: number, v: unknown) => ((at = id), v),
    (id: number) => ((at = id), []),
    (id: number, it: Iterable<unknown>) => ({
      [Symbol.iterator]: () => {
        const inner = it[Symbol.iterator]();
        return { next: () => ((at = id), inner.next()), return: (v: unknown) => inner.return?.(v) ?? { done: true, value: v } };
      },
    }),
  ];
  const fn = vm.compileFunction(inst.code, ['seen', ...PROBE_PARAMS]);
  fn((label: string) => log.push(`${label}@${pos()}`), ...probes);
  return { log, positions: inst.positions };
}

describe('runner/instrument: call positions without stack captures', () => {
  it('sets the position after the arguments, just before the callee runs', () => {
    const code = ['function f(x, y) { seen("f"); return x + y; }', 'function g(x) { seen("g"); return x; }', 'f(g(1), g(2));'].join('\n');
    const { log } = runWith(code);
    // g's calls sit at columns 3 and 9 of line 3, f's head at column 1.
    assert.deepEqual(log, ['g@3:3', 'g@3:9', 'f@3:1']);
  });

  it('handles zero arguments, spreads, member and optional calls, and new', () => {
    const code = [
      'const o = { m() { seen("m"); }, n(...xs) { seen("n" + xs.length); } };',
      'function C() { seen("C"); }',
      'o.m();',
      'o.n(...[1, 2]);',
      'o?.m?.();',
      'new C();',
      'new C;',
      'seen(Math.max());',
    ].join('\n');
    const { log } = runWith(code);
    // `new C` without parentheses gets them (and the probe): it reports its own line, not 6:1.
    assert.deepEqual(log.slice(0, 5), ['m@3:3', 'n2@4:3', 'm@5:4', 'C@6:1', 'C@7:1']);
    // Math.max() still gets no arguments (a stray undefined would make it NaN).
    assert.equal(log[5], '-Infinity@8:11');
  });

  it('sets the for-of position for each step of the iteration and keeps break working', () => {
    const code = [
      'function* gen() { try { seen("a"); yield 1; seen("b"); yield 2; } finally { seen("done"); } }',
      'for (const x of gen()) {',
      '  if (x === 1) continue;',
      '  break;',
      '}',
    ].join('\n');
    const { log } = runWith(code);
    assert.deepEqual(log, ['a@2:1', 'b@2:1', 'done@2:1']);
  });

  it('leaves code it cannot place alone, and reports unparsable code', () => {
    const inst = instrument('f(1);\nvar x = 2;', (line) => (line === 2 ? here(2, 1) : undefined));
    assert.equal(inst?.code, 'f(1);\nvar x = 2;');
    assert.equal(instrument('this is not javascript', here), undefined);
  });

  it('tells a top-level await (or for await) from one inside a function', () => {
    assert.equal(instrument('f(1);\nasync function g() { await f(2); }', here)?.topLevelAwait, false);
    assert.equal(instrument('const g = async () => { for await (const x of f()) f(x); };', here)?.topLevelAwait, false);
    assert.equal(instrument('const x = await f(1);', here)?.topLevelAwait, true);
    assert.equal(instrument('for await (const x of f()) f(x);', here)?.topLevelAwait, true);
    assert.equal(instrument('if (f()) { const y = [await f(2)]; }', here)?.topLevelAwait, true);
  });

  it('probes keep their positions in code that awaits at the top level (run as an async body)', async () => {
    const code = ['seen("start");', 'const v = await Promise.resolve(f(1));', 'f(v,', '  await g(2));'].join('\n');
    const lines = code.split('\n');
    const inst = instrument(code, (line, column) => (lines[line - 1].startsWith('seen', column - 1) ? undefined : here(line, column)))!;
    assert.equal(inst.topLevelAwait, true);
    let at = -1;
    const log: string[] = [];
    const where = (): string => `${inst.positions[at]?.line}:${inst.positions[at]?.column}`;
    const f = (x: unknown): unknown => (log.push(`f@${where()}`), x);
    const g = async (x: unknown): Promise<unknown> => (log.push(`g@${where()}`), x);
    // The same head the run thread puts in front (same line, so line numbers do not move).
    const fn = vm.compileFunction(`return (async () => {${inst.code}\n})();`, ['seen', 'f', 'g', ...PROBE_PARAMS]);
    await fn(() => {}, f, g, (id: number, v: unknown) => ((at = id), v), (id: number) => ((at = id), []), (_: number, it: unknown) => it);
    // Each callee sees its own call: f(1) on line 2, g(2) awaited inside the outer f's arguments, then that f.
    assert.deepEqual(log, ['f@2:33', 'g@4:9', 'f@3:1']);
  });

  describe('parameters: __gtN passes the values bound to them as the function starts', () => {
    /** Instruments with every identifier named `src:<its text>` except `anon`, runs it, logs each __gtN call. */
    const withParams = (code: string): { code: string; calls: string[] } => {
      const lines = code.split('\n');
      const nameOf = (line: number, column: number): string | undefined => {
        const id = /^[\w$]+/.exec(lines[line - 1].slice(column - 1))?.[0];
        return id === 'anon' ? undefined : `src:${id}`;
      };
      const inst = instrument(code, () => undefined, nameOf)!;
      const calls: string[] = [];
      const probeN = (id: number, ...values: unknown[]): void => {
        calls.push(inst.params[id].map((n, i) => `${n}=${String(values[i])}`).join(' '));
      };
      const noop = (_id: number, v?: unknown): unknown => v;
      vm.compileFunction(inst.code, PROBE_PARAMS.slice())(noop, () => [], noop, probeN);
      return { code: inst.code, calls };
    };

    it('declarations, expressions, arrows with block or expression bodies, methods; results unchanged', () => {
      const { calls } = withParams(
        [
          'function f(a, b) { return a + b; }',
          'const g = function (c) { return c * 2; };',
          'const h = (d) => ({ d });',
          'const o = { m(e) { return e; }, set s(v) {} };',
          'if (f(1, 2) !== 3 || g(4) !== 8 || h(5).d !== 5 || o.m(6) !== 6) throw new Error("changed");',
          'o.s = 7;',
        ].join('\n'),
      );
      assert.deepEqual(calls, ['src:a=1 src:b=2', 'src:c=4', 'src:d=5', 'src:e=6', 'src:v=7']);
    });

    it('destructuring, defaults and rest bind each identifier; no parameters, or none named, no probe', () => {
      const { code, calls } = withParams(
        [
          'function f({ x, y: [p, q = 9] }, k = 3, ...rest) { return x; }',
          'function none() { return 1; }',
          'function hidden(anon) { return anon; }',
          'f({ x: 1, y: [2] }, undefined, 4, 5); none(); hidden(0);',
        ].join('\n'),
      );
      assert.deepEqual(calls, ['src:x=1 src:p=2 src:q=9 src:k=3 src:rest=4,5']);
      assert.equal(code.split('\n')[1], 'function none() { return 1; }');
      assert.equal(code.split('\n')[2], 'function hidden(anon) { return anon; }');
    });

    it('stays after a "use strict" prologue (the function stays strict), and adds no line', () => {
      const src = ['function s(a) { "use strict"', '  return this; }', 'if (s(1) !== undefined) throw new Error("not strict");'].join('\n');
      const { code, calls } = withParams(src);
      assert.deepEqual(calls, ['src:a=1']);
      assert.equal(code.split('\n').length, 3);
    });
  });

  it('each turn of a loop without calls sets the loop position, so its code is not placed at the last call', () => {
    const code = [
      'let i = 0, s = "";',
      'f(0);',
      'while (i < 2) { i++; s += seen; }',
      'do s += seen; while (++i < 3);',
      'for (const k in { a: 1 }) s += seen;',
      'for (;;) { if (i++ > 3) break; }',
      'seen2(s);',
    ].join('\n');
    const lines = code.split('\n');
    // `seen` is read as a getter here (an implicit call): it logs the position current at that moment.
    const inst = instrument(code, (line, column) => (lines[line - 1].startsWith('seen', column - 1) ? undefined : here(line, column)))!;
    let at = -1;
    const log: string[] = [];
    const ctx = { get seen(): string {
      log.push(`${inst.positions[at]?.line}:${inst.positions[at]?.column}`);
      return '';
    } };
    const f = (): void => {};
    vm.runInNewContext(`(function (f, seen2, ${PROBE_PARAMS.join(', ')}) { with (ctx) { ${inst.code} } })`, { ctx })(f, () => {}, (id: number, v: unknown) => ((at = id), v), (id: number) => ((at = id), []), (_: number, it: unknown) => it);
    assert.deepEqual(log, ['3:1', '3:1', '4:1', '5:1']);
    // A loop that calls something is placed by its calls: no probe of its own (a hot loop pays nothing).
    assert.equal(instrument('for (;;) { g(1); }', here)?.code, 'for (;;) { g(__gtP(0, 1)); }');
  });

  it('nests closings right where a loop body and an arrow body end together', () => {
    const code = 'let h; for (const k of [1]) h = (w) => w\nh(2);';
    const inst = instrument(code, here, () => 'w')!;
    const got: unknown[] = [];
    vm.compileFunction(inst.code, PROBE_PARAMS.slice())((_: number, v: unknown) => v, () => [], (_: number, v: unknown) => v, (_: number, w: unknown) => got.push(w));
    assert.deepEqual(got, [2]);
  });

  it('maps columns of the instrumented code back to the original', () => {
    const code = 'f(a, b); throw new Error("x");';
    const inst = instrument(code, here)!;
    const col = inst.code.indexOf('throw') + 1;
    assert.deepEqual(inst.toBundle(1, col), { line: 1, column: code.indexOf('throw') + 1 });
    assert.deepEqual(inst.toBundle(1, 1), { line: 1, column: 1 });
  });
});
