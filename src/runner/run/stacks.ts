/**
 * Stack frames → the user's positions: where a call is when the bundle is not instrumented, where
 * an error was thrown (a stack overflow: the recursive call), and error stacks that show .grad.ts
 * positions with engine and Node frames folded away.
 */
import type { SourcePos } from '../../protocol/trace';
import type { Instrumented } from '../shared/instrument';

type Site = NodeJS.CallSite;

export interface StackPositions {
  /** The first user frame on the current stack (a stack capture: a few µs). */
  stackLocate(): SourcePos | undefined;
  /** Error.prepareStackTrace for the run: records each error's position in `errorPos`. */
  prepareStackTrace(err: Error, sites: Site[]): string;
  /** The position each formatted error was thrown at. */
  errorPos: WeakMap<object, SourcePos>;
}

/**
 * `bundleFile`: the name the bundle is compiled under; `mapPosition`: bundle → source; `inst`: the
 * instrumented bundle, whose columns shift back to the bundle's; `linePrefix()`: columns line 1 has
 * before the bundle's (the async head).
 */
export function stackPositions(file: string, bundleFile: string, mapPosition: (line: number, column: number) => SourcePos | undefined, inst: Instrumented | undefined, linePrefix: () => number): StackPositions {
  const rawSites = (_e: Error, sites: Site[]): Site[] => sites;
  /** A stack frame of the (instrumented) bundle → the user's position. */
  const sitePos = (s: Site): SourcePos | undefined => {
    const line = s.getLineNumber() ?? 0;
    // An async body starts with ASYNC_HEAD on line 1 (compileBundle.ts).
    const column = (s.getColumnNumber() ?? 0) - (line === 1 ? linePrefix() : 0);
    const b = inst ? inst.toBundle(line, column) : { line, column };
    return mapPosition(b.line, b.column);
  };
  const firstUserPos = (sites: Site[]): SourcePos | undefined => {
    for (const s of sites) {
      if (s.getFileName() === bundleFile) {
        const p = sitePos(s);
        if (p) return p;
      }
    }
    return undefined;
  };
  /** A stack overflow: the user position repeated most on the stack is the recursive call. */
  const recursionPos = (sites: Site[]): SourcePos | undefined => {
    const counts = new Map<SourcePos, number>();
    let best: SourcePos | undefined;
    for (const s of sites) {
      if (s.getFileName() !== bundleFile) continue;
      const p = sitePos(s);
      if (!p) continue;
      const n = (counts.get(p) ?? 0) + 1;
      counts.set(p, n);
      if (!best || n > counts.get(best)!) best = p;
    }
    return best ?? firstUserPos(sites);
  };
  const stackLocate = (): SourcePos | undefined => {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = rawSites as typeof Error.prepareStackTrace;
    // A user call is usually a few frames up: capture few frames first, more only if needed.
    let pos: SourcePos | undefined;
    for (const depth of [8, 40]) {
      Error.stackTraceLimit = depth;
      const holder: { stack?: Site[] } = {};
      Error.captureStackTrace(holder, stackLocate);
      const sites = holder.stack;
      pos = Array.isArray(sites) ? firstUserPos(sites) : undefined;
      if (pos || !Array.isArray(sites) || sites.length < depth) break;
    }
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    return pos;
  };

  // Errors' stacks show .grad.ts positions; engine and Node frames are folded away.
  const errorPos = new WeakMap<object, SourcePos>();
  const prepareStackTrace = (err: Error, sites: Site[]): string => {
    const pos = err instanceof RangeError && /call stack/i.test(String(err.message)) ? recursionPos(sites) : firstUserPos(sites);
    if (pos) errorPos.set(err, pos);
    let header: string;
    try {
      header = `${err.name ?? 'Error'}: ${err.message ?? ''}`;
    } catch {
      header = 'Error';
    }
    const lines = [header];
    let folded = false;
    for (const s of sites) {
      const p = s.getFileName() === bundleFile ? sitePos(s) : undefined;
      if (p) {
        const where = `${p.file ?? file}:${p.line}:${p.column}`;
        const fn = s.getFunctionName();
        lines.push(fn ? `    at ${fn} (${where})` : `    at ${where}`);
        folded = false;
      } else if (!folded && s.getFileName() !== bundleFile && !String(s.getFileName() ?? '').startsWith('node:')) {
        lines.push('    at (gradtape engine)');
        folded = true;
      }
    }
    return lines.join('\n');
  };
  return { stackLocate, prepareStackTrace, errorPos };
}
