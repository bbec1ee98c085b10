// The dependency rules of eslint.config.mjs fail on a file that breaks them (and pass the imports
// the architecture allows): each case lints a small text as if it were a file at that path.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..');
const RULE = '@typescript-eslint/no-restricted-imports';

/** [file the text pretends to be, its text, whether the dependency rules must reject it]. */
const CASES: [string, string, boolean][] = [
  ['src/engine/lintProbe.ts', "import type { Trace } from '../protocol/trace';\nexport type T = Trace;\n", true],
  ['src/engine/ops/lintProbe.ts', "import { runScratch } from '../../runner/host/scratchRun';\nexport const f = runScratch;\n", true],
  ['src/engine/lintProbe.ts', "import fs from 'node:fs';\nexport const f = fs;\n", true],
  ['src/engine/lintProbe.ts', "import { formatShape } from '../format/numbers';\nexport const f = formatShape;\n", false],
  ['src/engine/lintProbe.ts', "import { Tensor } from './tensor';\nexport const f = Tensor;\n", false],
  ['webview/lintProbe.ts', "import { add } from '../src/engine/index';\nexport const f = add;\n", true],
  ['src/cli/lintProbe.ts', "import type { Tensor } from '../engine/tensor';\nexport type T = Tensor;\n", true],
  ['src/extension/lintProbe.ts', "import { add } from '../engine';\nexport const f = add;\n", true],
  ['src/extension/lintProbe.ts', "import * as vscode from 'vscode';\nexport const f = vscode;\n", false],
  ['src/runner/run/lintProbe.ts', "import * as vscode from 'vscode';\nexport const f = vscode;\n", true],
  ['src/runner/run/lintProbe.ts', "import { add } from '../../engine/index';\nexport const f = add;\n", false],
  ['src/runner/host/lintProbe.ts', "import { add } from '../../engine/index';\nexport const f = add;\n", true],
  ['src/runner/host/lintProbe.ts', "import type { Tensor } from '../../engine/tensor';\nexport type T = Tensor;\n", false],
  ['src/protocol/lintProbe.ts', "import type { SourcePos } from '../engine/debugTypes';\nexport type T = SourcePos;\n", false],
  ['src/protocol/lintProbe.ts', "import { Tensor } from '../engine/tensor';\nexport const f = Tensor;\n", true],
  ['src/format/lintProbe.ts', "import type { Tensor } from '../engine/tensor';\nexport type T = Tensor;\n", true],
  ['webview/lintProbe.ts', "import * as vscode from 'vscode';\nexport const f = vscode;\n", true],
];

describe('lint: the dependency rules', function () {
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: ROOT });

  for (const [file, text, rejected] of CASES) {
    const first = text.split('\n')[0];
    it(`${rejected ? 'rejects' : 'allows'} in ${file}: ${first}`, async () => {
      const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
      const errors = result.messages.filter((m) => m.ruleId === RULE);
      assert.equal(errors.length > 0, rejected, JSON.stringify(result.messages));
      // Nothing else in these texts is wrong: a parse error would make "allows" pass vacuously.
      assert.deepEqual(result.messages.filter((m) => m.ruleId !== RULE), []);
    });
  }
});
