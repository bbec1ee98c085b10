/**
 * Keras's auto-tracking, read from fields: the layers, modules and variables an object holds in
 * its fields (directly, in arrays, in plain objects or Maps), in the order the fields were
 * assigned, which is JavaScript's key order. Python Keras intercepts `__setattr__`; scanning when
 * asked gives the same lists without a proxy on every field write.
 */
import { Tensor, Variable } from '../tensor';

/** What tracking finds: a layer or tf.Module (anything with its own variables) or a bare variable. */
export interface Trackable {
  /** This object's variables, and its children's, trainable ones marked by `frozen` = false. */
  collectVariables(out: VariableSink, frozen: boolean): void;
}

/** Collects variables once each, in order, with whether each counts as trainable. */
export class VariableSink {
  readonly seen = new Set<unknown>();
  readonly all: Variable[] = [];
  readonly trainable: boolean[] = [];

  add(v: Variable, frozen: boolean): void {
    if (this.seen.has(v)) return;
    this.seen.add(v);
    this.all.push(v);
    this.trainable.push(v.trainable && !frozen);
  }

  /** Visits an object once (a model may hold the same layer twice, or a cycle). */
  visit(obj: object): boolean {
    if (this.seen.has(obj)) return false;
    this.seen.add(obj);
    return true;
  }

  pick(which: 'all' | 'trainable' | 'nonTrainable'): Variable[] {
    if (which === 'all') return this.all;
    const want = which === 'trainable';
    return this.all.filter((_, i) => this.trainable[i] === want);
  }
}

export function isTrackable(v: unknown): v is Trackable {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as Partial<Trackable>).collectVariables === 'function';
}

/**
 * Walks a field's value: variables, trackables, and the arrays, plain objects and Maps holding them.
 * Tensors and other class instances are leaves (never walked into).
 */
export function walkValue(value: unknown, onVariable: (v: Variable) => void, onTrackable: (t: Trackable) => void, seen: Set<unknown>): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (value instanceof Variable) return onVariable(value);
  if (value instanceof Tensor) return;
  if (isTrackable(value)) return onTrackable(value);
  if (typeof value === 'function' || seen.has(value)) return;
  if (Array.isArray(value)) {
    seen.add(value);
    for (const item of value) walkValue(item, onVariable, onTrackable, seen);
  } else if (value instanceof Map) {
    seen.add(value);
    for (const item of value.values()) walkValue(item, onVariable, onTrackable, seen);
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
    seen.add(value);
    for (const key of Object.keys(value)) walkValue((value as Record<string, unknown>)[key], onVariable, onTrackable, seen);
  }
}

/** The variables and trackables in an object's own fields, in field order (or by field name: tf.Module's order). */
export function fieldChildren(owner: object, skip: ReadonlySet<string>, byName = false): { variables: Variable[]; children: Trackable[] } {
  const variables: Variable[] = [];
  const children: Trackable[] = [];
  const seen = new Set<unknown>([owner]);
  const keys = Object.keys(owner);
  if (byName) keys.sort();
  for (const key of keys) {
    if (skip.has(key)) continue;
    walkValue(
      (owner as Record<string, unknown>)[key],
      (v) => variables.push(v),
      (t) => {
        if (!seen.has(t)) {
          seen.add(t);
          children.push(t);
        }
      },
      seen,
    );
  }
  return { variables, children };
}

/** The variables of `t` and its children, once each: all of them, or the trainable or non-trainable ones. */
export function gatherVariables(t: Trackable, which: 'all' | 'trainable' | 'nonTrainable'): Variable[] {
  const sink = new VariableSink();
  t.collectVariables(sink, false);
  return sink.pick(which);
}
