/**
 * The inspect thread (dist/worker.js with role 'inspect'): a long-lived worker with the engine
 * loaded that answers the panel's inspector questions by replaying recorded nodes through the real
 * ops (src/engine/inspect.ts). The host side is src/runner/host/inspectThread.ts. No user code runs here:
 * only the engine's own ops, on the values a Trace recorded.
 */
import type { MessagePort } from 'node:worker_threads';
import '../../engine/index';
import { answer, Replay } from '../../engine/inspect';
import { KEPT_JOBS, type InspectThreadRequest, type InspectThreadResponse } from '../../protocol/worker';

export function serveInspections(port: MessagePort | { on(e: 'message', f: (m: InspectThreadRequest) => void): void; postMessage(m: InspectThreadResponse): void }): void {
  const kept = new Map<string, Replay>();
  port.on('message', (req: InspectThreadRequest) => {
    let res: InspectThreadResponse;
    try {
      let replay = kept.get(req.key);
      if (req.job) {
        replay = new Replay(req.job);
        kept.delete(req.key);
        kept.set(req.key, replay);
        if (kept.size > KEPT_JOBS) kept.delete(kept.keys().next().value!);
      }
      if (!replay) throw new Error(`no recorded tape under key ${req.key}`);
      res = { type: 'inspected', id: req.id, answer: answer(replay, req.query) };
    } catch (e) {
      res = { type: 'inspectFailed', id: req.id, message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(res);
  });
}
