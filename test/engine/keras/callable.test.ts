import { strict as assert } from 'node:assert';
import { Callable } from '../../../src/engine/keras/callable';

class Base extends Callable {
  name = 'base';
  __call__(x: unknown): unknown {
    return this.call(x);
  }
  call(x: unknown): unknown {
    return ['base', x];
  }
}

class Doubler extends Base {
  factor = 2;
  override call(x: unknown): unknown {
    return (x as number) * this.factor;
  }
}

describe('keras/callable', () => {
  it('an instance is a function that dispatches to __call__, and still an instance of its class', () => {
    const b = new Base() as Base & ((x: unknown) => unknown);
    assert.deepEqual(b(3), ['base', 3]);
    assert.ok(b instanceof Base);
    assert.ok(b instanceof Callable);
    assert.equal(typeof b, 'function');
  });

  it('subclass fields land on the callable and overriding call works', () => {
    const d = new Doubler() as Doubler & ((x: number) => number);
    assert.equal(d(5), 10);
    d.factor = 3;
    assert.equal(d(5), 15);
    assert.ok(d instanceof Doubler && d instanceof Base);
  });

  it('name is an ordinary writable field (a function would make it read-only)', () => {
    const b = new Base();
    b.name = 'dense_1';
    assert.equal(b.name, 'dense_1');
    assert.deepEqual(Object.keys(b).sort(), ['name']);
  });
});
