/**
 * tf.Module: a container that finds the variables (and modules, layers) held in its fields, as
 * TensorFlow's does: its own fields by name, then its submodules'. Not callable, as in TF.
 */
import { describeValue } from '../errors';
import type { Variable } from '../tensor';
import { snakeCase } from './initializers';
import { fieldChildren, gatherVariables, VariableSink, type Trackable } from './tracking';

const OWN_FIELDS: ReadonlySet<string> = new Set(['name']);

export class Module implements Trackable {
  name: string;

  constructor(name?: string) {
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
      throw new RangeError(`${describeValue(name)} is not a valid module name. Module names must be valid Python 3 identifiers.`);
    }
    // TF names a module after its class, without numbering.
    this.name = name ?? snakeCase(new.target.name);
  }

  collectVariables(out: VariableSink, frozen: boolean): void {
    if (!out.visit(this)) return;
    const { variables, children } = fieldChildren(this, OWN_FIELDS, true);
    for (const v of variables) out.add(v, frozen);
    for (const c of children) c.collectVariables(out, frozen);
  }


  get variables(): Variable[] {
    return gatherVariables(this, 'all');
  }
  get trainableVariables(): Variable[] {
    return gatherVariables(this, 'trainable');
  }
  get nonTrainableVariables(): Variable[] {
    return gatherVariables(this, 'nonTrainable');
  }
}
