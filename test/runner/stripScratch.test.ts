// A file that needs no bundling only has its types stripped (src/runner/bundler/stripScratch.ts). In
// a runtime that can (Node ≥ 22.13: `npm test` runs this file under the host's Node 24 too), the
// result must run as esbuild's bundle would: the same bindings, the same positions, the same
// names; everything it cannot do exactly goes to esbuild. The golden test compares whole traces.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { bundleScratch } from '../../src/runner/bundler/bundleScratch';
import { canStrip, stripScratch } from '../../src/runner/bundler/stripScratch';
import { compileBundle } from '../../src/runner/run/compileBundle';
import type { BundleOutput } from '../../src/protocol/worker';
import { EXAMPLES } from './helpers';

const FILE = path.join(EXAMPLES, 'strip-test.grad.ts');

/** Runs a bundle as the run thread does (a function body), with `require("gradtape")` answered by `engine`; returns what it exported through `out`. */
function runWith(b: BundleOutput, engine: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const req = (id: string): unknown => (id === 'gradtape' ? engine : id === 'out' ? out : assert.fail(`require(${id})`));
  const probe = (_: number, v: unknown): unknown => v;
  const { body } = compileBundle(b.code, FILE, false);
  body.call(undefined, {}, req, { exports: {} }, FILE, EXAMPLES, {}, probe, () => [], probe, () => undefined, probe);
  return out;
}

(canStrip ? describe : describe.skip)('runner: type stripping instead of esbuild, for a file that needs no bundling', function () {
  this.timeout(60_000);

  it('strips every example that imports only "gradtape", and keeps each line but the imports character for character or blank', () => {
    const stripped: string[] = [];
    for (const f of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.grad.ts')).sort()) {
      const text = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
      const s = stripScratch(path.join(EXAMPLES, f), text);
      const relative = /from "\.\//.test(text);
      assert.equal(s === undefined, relative, `${f}: stripped only without relative imports`);
      if (!s) continue;
      stripped.push(f);
      const src = text.split('\n');
      const got = s.code.split('\n');
      assert.equal(got.length, src.length, f);
      got.forEach((line, i) => {
        if (s.importLines.has(i + 1)) return assert.match(line, /^const tf = require\("gradtape"\);/, `${f}:${i + 1}`);
        assert.equal(line.length, src[i].length, `${f}:${i + 1}`);
        for (let c = 0; c < line.length; c++) if (line[c] !== src[i][c]) assert.equal(line[c], ' ', `${f}:${i + 1}:${c + 1}`);
      });
    }
    assert.ok(stripped.length >= 8, `stripped: ${stripped.join(', ')}`);
  });

  it("binds every form of import as esbuild's bundle does, on the import's own line", async () => {
    const text = [
      'import * as tf from "gradtape";',
      'import gt from "gradtape";',
      'import { constant, variable as v, type Tensor } from "gradtape";',
      'import {',
      '  square,',
      '} from "gradtape";',
      'import "gradtape";',
      'const t: Tensor | undefined = undefined;',
      'const out = require("out");',
      'out.ns = tf.constant; out.def = gt.constant; out.named = constant; out.alias = v; out.multi = square; out.t = t;',
    ].join('\n');
    const engine = { constant: 'constant()', variable: 'variable()', square: 'square()' };
    const stripped = await bundleScratch('native', FILE, text);
    const bundled = await bundleScratch('native', FILE, text, { strip: false });
    assert.ok('code' in stripped && 'code' in bundled);
    assert.equal(stripped.madeBy, 'strip');
    assert.equal(stripped.map, undefined);
    assert.equal(bundled.madeBy, 'esbuild');
    const want = { ns: 'constant()', def: 'constant()', named: 'constant()', alias: 'variable()', multi: 'square()', t: undefined };
    assert.deepEqual(runWith(stripped, engine), want);
    assert.deepEqual(runWith(bundled, engine), want);
    const s = stripScratch(FILE, text)!;
    assert.deepEqual([...s.importLines], [1, 2, 3, 4, 7]);
    assert.equal(s.code.split('\n')[4], '', 'a multi-line import keeps its lines, blank');
  });

  it("gives every call the position and names esbuild's source map gives", async () => {
    for (const f of ['01-squared-difference.grad.ts', '03-training-loop.grad.ts', '10-keras-iris.grad.ts', '11-keras-subclassed-model.grad.ts']) {
      const file = path.join(EXAMPLES, f);
      const text = fs.readFileSync(file, 'utf8');
      const stripped = await bundleScratch('native', file, text);
      const bundled = await bundleScratch('native', file, text, { strip: false });
      assert.ok('code' in stripped && 'code' in bundled && stripped.instrumented && bundled.instrumented, f);
      assert.equal(stripped.madeBy, 'strip', f);
      // esbuild's import machinery maps its calls to the import's line; the stripped require is given none.
      const importLines = stripScratch(file, text)!.importLines;
      const calls = (b: BundleOutput): string[] =>
        b.instrumented!.positions.flatMap((p) => (p && !importLines.has(p.line) ? [`${p.line}:${p.column}`] : [])).sort();
      assert.deepEqual(calls(stripped), calls(bundled), `${f}: call positions`);
      const names = (b: BundleOutput): string[] => [...b.instrumented!.params.map((p) => JSON.stringify(p)), ...b.instrumented!.bindings.map((x) => JSON.stringify(x))].sort();
      assert.deepEqual(names(stripped), names(bundled), `${f}: parameter and binding names`);
    }
  });

  it('leaves to esbuild what it cannot do exactly as esbuild would', () => {
    const cases: Record<string, string> = {
      'a relative import': 'import { digits } from "./digits";\nconst x = 1;',
      'another module': 'import fs from "node:fs";\nconst x = fs;',
      'an export': 'import * as tf from "gradtape";\nexport const x = tf.constant(1);',
      'a dynamic import': 'const m = import("gradtape");',
      'import.meta': 'const u = import.meta.url;',
      'a top-level this': 'const self = this;',
      'an import after code': 'const a = 1;\nimport * as tf from "gradtape";',
      'code after an import on its line': 'import * as tf from "gradtape"; const x = tf.constant(1);',
      'a default imported by name': 'import { default as tf } from "gradtape";\nconst x = tf;',
      'an enum (TypeScript that emits code)': 'enum E { A, B }\nconst x = E.A;',
      'a syntax error': 'const x = ;',
      'a decorator': 'function d(c: unknown) { return c; }\n@d class A {}',
      'a hashbang': '#!/usr/bin/env node\nconst x = 1;',
      'a .tsx file': '',
    };
    for (const [what, text] of Object.entries(cases)) {
      const file = what === 'a .tsx file' ? FILE.replace(/\.ts$/, '.tsx') : FILE;
      assert.equal(stripScratch(file, text), undefined, what);
    }
    // …and does what it can: `this` inside functions and classes, `new.target`, type-only imports of anything.
    const fine = [
      'class A { x = this; m() { return this; } static { this.y = 1; } }',
      'function F(this: unknown) { return new.target ? this : undefined; }',
      'import type { Foo } from "./types";\nconst x: Foo | 1 = 1;',
      'const x = (a: number): number => a * 2;\nawait Promise.resolve(x);',
    ];
    for (const text of fine) assert.ok(stripScratch(FILE, text), text);
  });
});

(canStrip ? describe.skip : describe)('runner: a runtime without type stripping (Node 20)', () => {
  it('leaves every file to esbuild', () => {
    assert.equal(stripScratch(FILE, 'import * as tf from "gradtape";\nconst x: number = 1;'), undefined);
  });
});
