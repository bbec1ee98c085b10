/**
 * The bundle as a function of the run thread: its CommonJS parameters, import.meta and the position
 * probes (src/runner/shared/instrument.ts) are the function's parameters.
 */
import vm from 'node:vm';
import { IMPORT_META } from '../shared/bundleNames';
import { PROBE_PARAMS } from '../shared/instrument';

const BUNDLE_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', IMPORT_META, ...PROBE_PARAMS];
/**
 * A bundle with a top-level await runs as the body of an async arrow inside the compiled function
 * (which keeps `this`, the parameters and the probes in scope). The head shares line 1 with the
 * bundle's first line, so no line moves; only line 1's columns shift, by its length.
 */
export const ASYNC_HEAD = 'return (async () => {';

/**
 * Compiles the bundle as a function body, async when it awaits at the top level. `topLevelAwait`
 * comes from the instrumentation's parse; without one, a plain compile that fails tells.
 */
export function compileBundle(code: string, filename: string, topLevelAwait: boolean | undefined): { body: (...args: unknown[]) => unknown; async: boolean } {
  const compile = (body: string): ((...args: unknown[]) => unknown) => vm.compileFunction(body, BUNDLE_PARAMS, { filename }) as (...args: unknown[]) => unknown;
  const asAsync = (): string => `${ASYNC_HEAD}${code}\n})();`;
  if (topLevelAwait === true) return { body: compile(asAsync()), async: true };
  try {
    return { body: compile(code), async: false };
  } catch (e) {
    // esbuild checked the syntax: a SyntaxError here is an await outside any function (or a real
    // error, which the async compile reports the same).
    if (topLevelAwait === false || !(e instanceof SyntaxError)) throw e;
    try {
      return { body: compile(asAsync()), async: true };
    } catch {
      throw e;
    }
  }
}
