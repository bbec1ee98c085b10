/**
 * The panel's questions to the engine: the inspector and the backward walkthrough send `inspect`
 * requests (src/protocol/panel.ts) and render the `didInspect` answers. The panel computes no math
 * of its own; this only pairs requests with answers and remembers answers for the run shown.
 */
import type { HostToPanel, InspectAnswer, InspectQuery } from '../../src/protocol/panel';
import { post } from '../messaging';

/** Which run and gradient call the questions are about. */
export interface InspectTarget {
  uri: string;
  startedAt: string;
  /** Null: the drawn tapes have no gradient call (only the derivative text can be asked for). */
  gradientId: number | null;
  tapeIds: number[];
}

export class InspectClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: InspectAnswer) => void; reject: (e: Error) => void }>();
  /** Answers (or questions in flight) by question, for the run shown; cleared when another run loads. */
  private readonly cache = new Map<string, Promise<InspectAnswer>>();

  /** Asks once per question: asking again (re-selecting a node) reuses the answer. */
  ask(target: InspectTarget, query: InspectQuery): Promise<InspectAnswer> {
    const key = JSON.stringify([target.startedAt, target.gradientId, target.tapeIds, query]);
    let p = this.cache.get(key);
    if (!p) {
      const requestId = this.nextId++;
      p = new Promise<InspectAnswer>((resolve, reject) => this.pending.set(requestId, { resolve, reject }));
      this.cache.set(key, p);
      // A failed question may be asked again later (the host may have the run by then).
      p.catch(() => this.cache.delete(key));
      post({ type: 'inspect', requestId, uri: target.uri, startedAt: target.startedAt, gradientId: target.gradientId, tapeIds: target.tapeIds, query });
    }
    return p;
  }

  answered(msg: Extract<HostToPanel, { type: 'didInspect' }>): void {
    const p = this.pending.get(msg.requestId);
    if (!p) return;
    this.pending.delete(msg.requestId);
    if (msg.result.ok) p.resolve(msg.result.answer);
    else p.reject(new Error(msg.result.error));
  }

  /** A new run: earlier answers are about another trace. */
  reset(): void {
    this.cache.clear();
  }
}
