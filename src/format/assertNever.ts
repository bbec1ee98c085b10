/**
 * The exhaustiveness check of a `switch` over a union: a case added to the union and not handled
 * fails to compile here. Lives in the leaf (src/format/) because every layer may import it.
 */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
