/**
 * Names of tensors for the trace: the names the source gives (a destructuring, a for-of), a
 * variable's own, and labels from the op that made a tensor no name covers. Names live on the
 * tensors (TensorDebug.name), not in maps that would grow with every step.
 */
import type { Tensor, Variable } from '../../engine/tensor';
import type { Pattern } from './names';
import { nameOf, setName, type EngineAccess } from './recordState';

export class Naming {
  /** A variable's name without TensorFlow's `:0`, by its name (computed once, not per gradient call). */
  private readonly varNames = new Map<string, string>();

  constructor(private readonly engine: EngineAccess) {}

  /**
   * A value bound by a destructuring (or a for-of variable) in the source: its tensors take the
   * names the pattern gives them (`for (const [x, y] of dataset)`, `const [g1, g2] = tape.gradient(…)`).
   */
  nameValue(value: unknown, pattern: Pattern): void {
    forEachBound(value, pattern, this.engine.isTensor, setName);
  }

  /**
   * A label for a tensor no source name covers, from the op that made it: `reshape(x)` for
   * `tf.reshape(x, [1, 2])` run outside any tape. Inputs are named, or labelled the same way
   * (two levels deep), or `…`.
   */
  label(t: Tensor, depth = 0): string | undefined {
    const named = nameOf(t);
    if (named !== undefined) return named;
    if (this.engine.isVariable(t)) return this.variableName(t);
    const origin = t._debug?.origin;
    if (!origin || depth > 1) return undefined;
    return this.callLabel(origin.op, origin.inputs, origin.runningSum ? origin.inputs.length : 0, depth);
  }

  /**
   * `op(args)` for label(). A gradient's running sum of `terms` terms (TensorDebug origin.runningSum)
   * reads as it ran: add(the sum of the first terms - 1, the last), its partial sums unnamed.
   */
  private callLabel(opName: string, inputs: readonly Tensor[], terms: number, depth: number): string {
    const op = opName.charAt(0).toLowerCase() + opName.slice(1);
    const args =
      terms > 2
        ? `${depth + 1 > 1 ? '…' : this.callLabel(opName, inputs, terms - 1, depth + 1)}, ${this.label(inputs[terms - 1], depth + 1) ?? '…'}`
        : (terms === 2 ? inputs.slice(0, 2) : inputs).map((i) => this.label(i, depth + 1) ?? '…').join(', ');
    const text = `${op}(${args})`;
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  }

  /** `w:0` → `w`, once per variable name. */
  variableName(v: Variable): string {
    let name = this.varNames.get(v.name);
    if (name === undefined) this.varNames.set(v.name, (name = v.name.replace(/:\d+$/, '')));
    return name;
  }

  /** A source's name: the source's own, or a variable's. */
  sourceName(t: Tensor): string | undefined {
    return nameOf(t) ?? (this.engine.isVariable(t) ? this.variableName(t) : undefined);
  }
}

/** Each tensor of `value` that `pattern` binds, with the name it gives (a whole value, array elements, object keys). */
export function forEachBound(value: unknown, pattern: Pattern, isTensor: (x: unknown) => x is Tensor, fn: (t: Tensor, name: string) => void): void {
  if (typeof pattern === 'string') {
    if (isTensor(value)) fn(value, pattern);
  } else if ('elements' in pattern) {
    if (!Array.isArray(value)) return;
    pattern.elements.forEach((name, i) => {
      const v: unknown = value[i];
      if (name !== null && isTensor(v)) fn(v, name);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, name] of Object.entries(pattern.keys)) {
      const v: unknown = (value as Record<string, unknown>)[key];
      if (isTensor(v)) fn(v, name);
    }
  }
}
