// What the host accepts from outside: a panel's revealSource position, a showInGraph/deserializer URI.
import assert from 'node:assert/strict';
import { isGradDocument } from '../../src/extension/commands/commandIds';
import { traceRefersTo } from '../../src/protocol/fileRefs';
import { squaredDifferenceTrace } from './traces';

describe('revealSource accepts only references the run made', () => {
  function traceWithConsole() {
    const t = squaredDifferenceTrace();
    t.console.push({ level: 'log', text: 'loaded /ws/lib/helpers.ts:12:3 and then /etc/passwd says hi', timeMs: 1 });
    t.error = { kind: 'exception', name: 'Error', message: 'boom', stack: 'Error: boom\n    at f (/ws/lib/util.mts:40:7)\n    at /ws/01-squared-difference.grad.ts:9:1' };
    t.tapes[0].nodes[0] = { ...t.tapes[0].nodes[0], pos: { line: 5, column: 2, file: '/ws/lib/model.ts' } };
    return t;
  }

  it('accepts a file:line parsed from console text, the stack, or a recorded position', () => {
    const t = traceWithConsole();
    assert.equal(traceRefersTo(t, { file: '/ws/lib/helpers.ts', line: 12, column: 3 }), true);
    assert.equal(traceRefersTo(t, { file: '/ws/lib/util.mts', line: 40, column: 1 }), true);
    assert.equal(traceRefersTo(t, { file: '/ws/lib/model.ts', line: 5, column: 2 }), true);
  });

  it('refuses substrings of the text, paths without a line reference, and other lines', () => {
    const t = traceWithConsole();
    for (const file of ['/', '/ws', '/ws/lib', '/etc/passwd', 'helpers.ts', '/ws/lib/helpers']) {
      assert.equal(traceRefersTo(t, { file, line: 12, column: 1 }), false, file);
    }
    assert.equal(traceRefersTo(t, { file: '/ws/lib/helpers.ts', line: 13, column: 1 }), false);
    assert.equal(traceRefersTo(t, { file: '/ws/lib/model.ts', line: 6, column: 1 }), false);
  });

  it('a position in the scratch file itself (no file) is always the run’s own', () => {
    assert.equal(traceRefersTo(squaredDifferenceTrace(), { line: 3, column: 1 }), true);
  });
});

describe('panels open only for .grad.ts and .grad.py documents', () => {
  it('accepts scratch files on disk and untitled ones', () => {
    assert.equal(isGradDocument({ scheme: 'file', path: '/ws/a.grad.ts' }), true);
    assert.equal(isGradDocument({ scheme: 'file', path: '/ws/a.grad.py' }), true);
    assert.equal(isGradDocument({ scheme: 'untitled', path: '/ws/scratch.grad.ts' }), true);
  });

  it('refuses other files, other schemes and look-alikes', () => {
    for (const uri of [
      { scheme: 'file', path: '/ws/a.ts' },
      { scheme: 'file', path: '/etc/passwd' },
      { scheme: 'file', path: '/ws/a.grad.ts.bak' },
      { scheme: 'file', path: '/ws/a.grad.tsx' },
      { scheme: 'file', path: '/ws/grad.ts' },
      { scheme: 'https', path: '/evil.grad.ts' },
      { scheme: 'vscode-userdata', path: '/settings.grad.ts' },
    ]) assert.equal(isGradDocument(uri), false, JSON.stringify(uri));
    assert.equal(isGradDocument(undefined), false);
  });
});
