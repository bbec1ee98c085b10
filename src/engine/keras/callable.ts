/**
 * Callable class instances, as Python's `__call__`: Keras layers, models and losses are called
 * like functions (`layer(x, { training })`, `lossFn(yTrue, yPred)`) and are still class instances
 * (subclassing, fields, `instanceof`).
 *
 * A class extends `Callable` and implements `__call__`. Its constructor returns a function whose
 * prototype is the instance's class prototype, so a subclass's field assignments land on that
 * function (a derived constructor's `this` is whatever the base constructor returned).
 */
export abstract class Callable {
  constructor() {
    const self = function (this: unknown, ...args: unknown[]): unknown {
      return (self as unknown as Callable).__call__(...args);
    };
    // A function's own `name` and `length` are read-only; Keras objects assign `name`.
    delete (self as { name?: string }).name;
    delete (self as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    return self as unknown as Callable;
  }

  abstract __call__(...args: unknown[]): unknown;
}

/**
 * TypeScript cannot express "an instance of this class is also callable" on the class itself;
 * the public classes declare their call signature with this (`interface Dense extends CallableOf<…>`).
 */
export type CallableOf<Args extends unknown[], R> = (...args: Args) => R;
