import assert from 'node:assert/strict';
import { posKey, scanBindings, scanNames, tokenize } from '../../src/runner/names';

// Positions are where V8 puts a call's frame: the callee's last identifier (or `new`).
const at = (src: string, line: number, needle: string): string => posKey(line, src.split('\n')[line - 1].indexOf(needle) + 1);

describe('runner/names: which identifier a call is assigned to', () => {
  it('names a binding by the head of its outermost call, not the calls in its arguments', () => {
    const src = 'const output = tf.linalg.matmul(tf.reshape(x, [1, 2]), w);';
    const names = scanNames(src);
    assert.equal(names.get(at(src, 1, 'matmul')), 'output');
    assert.equal(names.get(at(src, 1, 'reshape')), undefined);
  });

  it('maps a return inside tape.record to the variable receiving record', () => {
    const src = ['const loss = tape.record(() => {', '  const out = tf.matmul(a, b);', '  return tf.math.squaredDifference(y, out);', '});'].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 3, 'squaredDifference')), 'loss');
    assert.equal(names.get(at(src, 2, 'matmul')), 'out');
    assert.equal(names.get(at(src, 1, 'record')), 'loss');
  });

  it('handles arrow bodies, new, type annotations, several declarators and plain assignments', () => {
    const src = [
      'const y = tape.record(() => tf.square(x));',
      'const tape2 = new tf.GradientTape({ persistent: true });',
      'const w: tf.Tensor = tf.variable([1]), b = tf.zeros([2]);',
      'x = tf.add(x, 1);',
    ].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 1, 'square')), 'y');
    assert.equal(names.get(at(src, 2, 'GradientTape')), 'tape2');
    assert.equal(names.get(at(src, 2, 'new')), 'tape2');
    assert.equal(names.get(at(src, 3, 'variable')), 'w');
    assert.equal(names.get(at(src, 3, 'zeros')), 'b');
    assert.equal(names.get(at(src, 4, 'add')), 'x');
  });

  it('does not name returns of ordinary functions, nor code in strings and comments', () => {
    const src = [
      'function f(a) {',
      '  return tf.exp(a);',
      '}',
      '// const fake = tf.log(a);',
      'const s = "const q = tf.sin(a)";',
    ].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 2, 'exp')), undefined);
    assert.equal([...names.values()].includes('fake'), false);
    assert.equal([...names.values()].includes('q'), false);
  });

  it('tokenizes template literals with nested expressions without losing lines', () => {
    const toks = tokenize('const a = `x${`y${1}`}\n`;\nconst b = 2;');
    const b = toks.find((t) => t.t === 'b');
    assert.deepEqual(b && { line: b.line, col: b.col }, { line: 3, col: 7 });
  });

  it('finds destructuring patterns: for-of (at `for`), array and object bindings (at the call head)', () => {
    const src = [
      'for (const [x, y] of dataset) {',
      '  const [g1, , g2 = 0] = tape.gradient(loss, [w1, b1, w2]);',
      '  const { a, b: bee } = tf.foo(x);',
      '}',
      'for (let item of items) f(item);',
      'for (const [k, [n]] of pairs) g(k);',
    ].join('\n');
    const { patterns } = scanBindings(src);
    assert.deepEqual(patterns.get(posKey(1, 1)), { elements: ['x', 'y'] });
    assert.deepEqual(patterns.get(at(src, 2, 'gradient')), { elements: ['g1', null, 'g2'] });
    assert.deepEqual(patterns.get(at(src, 3, 'foo')), { keys: { a: 'a', b: 'bee' } });
    assert.equal(patterns.get(posKey(5, 1)), 'item');
    assert.deepEqual(patterns.get(posKey(6, 1)), { elements: ['k', null] });
    assert.equal(patterns.size, 5);
  });
});
