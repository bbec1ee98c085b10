/**
 * An op's attributes as plain JSON for the Trace (TraceNode.attrs): typed arrays become lists;
 * functions, tensors and other objects are left out (they cannot be replayed from data).
 */
import type { TraceAttr, TraceAttrScalar } from '../../protocol/trace';

function scalar(v: unknown): TraceAttrScalar | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  // JSON has no NaN or Infinity: such an attribute travels as the Trace's Num strings.
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  return undefined;
}

function list(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return undefined;
}

function plain(v: unknown): TraceAttr | undefined {
  const s = scalar(v);
  if (s !== undefined) return s;
  const l = list(v);
  if (!l) return undefined;
  if (l.every((x) => list(x) === undefined)) return l.map((x) => scalar(x) ?? null);
  return l.map((x) => (list(x) ?? []).map((y) => scalar(y) ?? null));
}

/** The attributes to record for a node, or undefined when the op has none. */
export function traceAttrs(attrs: unknown): { [key: string]: TraceAttr } | undefined {
  if (attrs === undefined || attrs === null || typeof attrs !== 'object') return undefined;
  const out: { [key: string]: TraceAttr } = {};
  for (const k of Object.keys(attrs)) {
    const p = plain((attrs as Record<string, unknown>)[k]);
    if (p !== undefined) out[k] = p;
  }
  return out;
}

/** True when two nodes' recorded attributes are the same (both absent, or equal as JSON). */
export function sameAttrs(a: { [key: string]: TraceAttr } | undefined, b: { [key: string]: TraceAttr } | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
