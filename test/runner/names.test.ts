import assert from 'node:assert/strict';
import { posKey, scanBindings, scanNames, tokenize } from '../../src/runner/run/names';

// Positions are where V8 puts a call's frame: the callee's last identifier (or `new`).
const at = (src: string, line: number, needle: string): string => posKey(line, src.split('\n')[line - 1].indexOf(needle) + 1);

describe('runner/names: which identifier a call is assigned to', () => {
  it('names a binding by the head of its outermost call, not the calls in its arguments', () => {
    const src = 'const output = tf.linalg.matmul(tf.reshape(x, [1, 2]), w);';
    const names = scanNames(src);
    assert.equal(names.get(at(src, 1, 'matmul')), 'output');
    assert.equal(names.get(at(src, 1, 'reshape')), undefined);
  });

  it('after a loop head, names the assignment of its body, not the loop variable (issue 17: the RNN\'s Tanh read "x")', () => {
    const src = ['for (const x of xs) h = tf.tanh(tf.add(tf.multiply(w, h), x));', 'for (let i = 0; i < 3; i++) s = tf.add(s, 1);', 'if (ok) y = tf.square(y);'].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 1, 'tanh')), 'h');
    assert.equal(names.get(at(src, 2, 'add')), 's');
    assert.equal(names.get(at(src, 3, 'square')), 'y');
    assert.ok(![...names.values()].includes('x'), [...names.entries()].join(' '));
  });

  it('maps a return inside tape.record to the variable receiving record', () => {
    const src = ['const loss = tape.record(() => {', '  const out = tf.matmul(a, b);', '  return tf.math.squaredDifference(y, out);', '});'].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 3, 'squaredDifference')), 'loss');
    assert.equal(names.get(at(src, 2, 'matmul')), 'out');
    assert.equal(names.get(at(src, 1, 'record')), 'loss');
  });

  it('handles arrow bodies, new (with or without parentheses), type annotations, several declarators and plain assignments', () => {
    const src = [
      'const y = tape.record(() => tf.square(x));',
      'const tape2 = new tf.GradientTape({ persistent: true });',
      'const w: tf.Tensor = tf.variable([1]), b = tf.zeros([2]);',
      'x = tf.add(x, 1);',
      'const tape3 = new tf.GradientTape;',
    ].join('\n');
    const names = scanNames(src);
    assert.equal(names.get(at(src, 1, 'square')), 'y');
    assert.equal(names.get(at(src, 2, 'GradientTape')), 'tape2');
    assert.equal(names.get(at(src, 2, 'new')), 'tape2');
    assert.equal(names.get(at(src, 3, 'variable')), 'w');
    assert.equal(names.get(at(src, 3, 'zeros')), 'b');
    assert.equal(names.get(at(src, 4, 'add')), 'x');
    assert.equal(names.get(at(src, 5, 'new')), 'tape3');
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

  describe('arguments take the names of the parameters they are passed for', () => {
    it('a call passed to a function of the file is named after the parameter, whatever form declares it', () => {
      const src = [
        'function lossOf(w: tf.Tensor, scale = 2) { return tf.reduceSum(w); }',
        'const step = async (grad, lr) => grad;',
        'const apply = function <T>(update: T) { return update; };',
        'lossOf(tf.add(a, b), tf.constant(3));',
        'step(await tape.gradient(loss, w), tf.scalar(0.1) as tf.Tensor);',
        'apply(new Thing(x));',
      ].join('\n');
      const names = scanNames(src);
      assert.equal(names.get(at(src, 4, 'add')), 'w');
      assert.equal(names.get(at(src, 4, 'constant')), 'scale');
      assert.equal(names.get(at(src, 5, 'gradient')), 'grad');
      assert.equal(names.get(at(src, 5, 'scalar')), 'lr');
      assert.equal(names.get(at(src, 6, 'Thing')), 'update');
      assert.equal(names.get(at(src, 6, 'new')), 'update');
    });

    it('only whole calls (temporaries), never over a name a binding gave, and not past a spread or rest', () => {
      const src = [
        'function f(a, b, ...rest) { return a; }',
        'f(x, tf.add(x, 1) + 1, tf.neg(x));',
        'const kept = f(tf.square(x));',
        'const y = tf.exp(x); f(tf.exp(x));',
        'f(...list, tf.abs(x));',
      ].join('\n');
      const names = scanNames(src);
      // An identifier is a name already; `tf.add(x, 1) + 1` is not one call; `rest` collects, it names nothing.
      assert.equal(names.get(at(src, 2, 'add')), undefined);
      assert.equal(names.get(at(src, 2, 'neg')), undefined);
      assert.equal(names.get(at(src, 3, 'square')), 'a');
      assert.equal(names.get(at(src, 3, 'f(')), 'kept');
      assert.equal(names.get(at(src, 4, 'exp')), 'y');
      assert.equal(names.get(at(src, 5, 'abs')), undefined);
    });

    it('destructured parameters name the calls of an object or array literal passed for them', () => {
      const src = [
        'const scaled = ({ x, scale: s }: Args) => tf.mul(x, s);',
        'function pair([p, , q]) { return p; }',
        'scaled({ x: tf.reshape(a, [2]), scale: tf.fill([2], 3), other: tf.ones([1]) });',
        'pair([tf.exp(a), tf.neg(a), tf.abs(a)]);',
      ].join('\n');
      const names = scanNames(src);
      assert.equal(names.get(at(src, 3, 'reshape')), 'x');
      assert.equal(names.get(at(src, 3, 'fill')), 's');
      assert.equal(names.get(at(src, 3, 'ones')), undefined);
      assert.equal(names.get(at(src, 4, 'exp')), 'p');
      assert.equal(names.get(at(src, 4, 'neg')), undefined);
      assert.equal(names.get(at(src, 4, 'abs')), 'q');
    });

    it('not for methods, a TypeScript `this` parameter, or a name declared twice', () => {
      const src = [
        'function g(this: Model, v) { return v; }',
        'function twice(a) {}',
        'function twice(b) {}',
        'class M { g(z) { return z; } h(): void { g(tf.exp(q)); } }',
        'twice(tf.neg(q)); obj.g(tf.abs(q));',
      ].join('\n');
      const names = scanNames(src);
      assert.equal(names.get(at(src, 4, 'exp')), 'v');
      assert.equal(names.get(at(src, 5, 'neg')), undefined);
      assert.equal(names.get(at(src, 5, 'abs')), undefined);
    });
  });
});
