// Shared helpers for the extras tests: flat values, closeness, and a recording fake observer.
import assert from 'node:assert/strict';
import type { EngineObserver } from '../../../src/engine/observer';
import { setObserver } from '../../../src/engine/observer';
import { Tensor, peekValues } from '../../../src/engine/tensor';

export function values(t: Tensor): number[] {
  return Array.from(peekValues(t) as ArrayLike<number>);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs expected ${e} (tol ${tol})`);
  }
}

export type Event = { type: keyof EngineObserver; e: unknown };

/** The observer's required events (its optional fast paths, such as opRanFast, are left out on purpose). */
const EVENTS = [
  'tapeCreated',
  'recordEntered',
  'recordExited',
  'watched',
  'opRan',
  'tensorCreated',
  'variableAssigned',
  'valueRead',
  'gradientComputed',
  'summary',
  'warning',
  'tapeReset',
  'callStarted',
  'callEnded',
] as const satisfies readonly (keyof EngineObserver)[];

/** Attaches an observer that records every event; returns the log and a detach function. */
export function recordEvents(): { events: Event[]; detach: () => void } {
  const events: Event[] = [];
  const observer = { locate: () => ({ line: 1, column: 1 }) } as Record<string, unknown>;
  for (const type of EVENTS) observer[type] = (e: unknown) => void events.push({ type, e });
  const prev = setObserver(observer as unknown as EngineObserver);
  return { events, detach: () => void setObserver(prev) };
}
