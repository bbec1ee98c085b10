// The run limits' defaults are package.json's settings, read in one place (src/protocol/settings.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from '../../src/protocol/settings';
import * as runner from '../../src/runner/host/scratchRun';
import { ROOT } from './helpers';

describe('runner: setting defaults come from package.json', () => {
  it('timeoutMs and memoryMb are the defaults package.json declares', () => {
    const props = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties;
    assert.equal(DEFAULT_TIMEOUT_MS, props['gradtape.timeoutMs'].default);
    assert.equal(DEFAULT_MEMORY_MB, props['gradtape.memoryMb'].default);
    assert.equal(runner.DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    assert.equal(runner.DEFAULT_MEMORY_MB, DEFAULT_MEMORY_MB);
  });

  it('no other source writes them', () => {
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /(timeoutMs|memoryMb|TIMEOUT_MS|MEMORY_MB)\b[^\n]*[=:(,]\s*(10_?000|1024)\b/.test(fs.readFileSync(p, 'utf8'))) hits.push(path.relative(ROOT, p));
      }
    };
    for (const d of ['src/extension', 'src/cli', 'src/runner', 'src/python']) if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
    assert.deepEqual(hits, []);
  });
});
