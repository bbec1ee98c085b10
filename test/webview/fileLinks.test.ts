import assert from 'node:assert/strict';
import { splitFileRefs } from '../../src/protocol/fileRefs';

describe('console file:line links', () => {
  const scratch = '/ws/examples/03-training-loop.grad.ts';
  it('links the scratch file by full path or base name, without a file field', () => {
    const parts = splitFileRefs(`Error: boom\n    at ${scratch}:14:12\n    at 03-training-loop.grad.ts:9`, scratch);
    const links = parts.filter((p) => p.pos);
    assert.deepEqual(links.map((p) => p.pos), [{ line: 14, column: 12 }, { line: 9, column: 1 }]);
    assert.equal(parts.map((p) => p.text).join(''), `Error: boom\n    at ${scratch}:14:12\n    at 03-training-loop.grad.ts:9`);
  });
  it('links other absolute files with their path and leaves relative ones as text', () => {
    const parts = splitFileRefs('at /ws/lib/helpers.ts:3:5 and lib/x.ts:4', scratch);
    assert.deepEqual(parts.filter((p) => p.pos).map((p) => p.pos), [{ line: 3, column: 5, file: '/ws/lib/helpers.ts' }]);
  });
  it('leaves text without references alone', () => {
    assert.deepEqual(splitFileRefs('loss = 0.25', scratch), [{ text: 'loss = 0.25' }]);
  });
});
