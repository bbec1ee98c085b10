/**
 * The worker entry (built to dist/worker.js). `workerData.role` picks what this thread is:
 * - 'run': one run of a user's bundle (src/runner/run/), with the engine's observer attached,
 *   streaming TraceEvents to the host (src/runner/host/);
 * - 'inspect': a long-lived thread that answers the panel's inspector by replaying recorded nodes
 *   through the engine's ops (src/runner/inspect/; host side src/runner/host/inspectThread.ts).
 * User code runs only in run threads, never in the host: an exit, a crash or an endless loop
 * ends that thread alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunWorkerData, RunWorkerMessage, WarmRunWorkerData } from '../protocol/worker';
import { serveInspections } from './inspect/serve';
import { loadEngine, runInThisThread } from './run/runThread';
import type { PythonWorkerData } from '../python/protocol';
import { WARM_READY } from './shared/processProtocol';
import { footprint } from './shared/footprint';
import { flushCompileCache, hideCompileCacheEnv } from './shared/cache';
import { servePython } from '../python/runThread';

hideCompileCacheEnv();
const port = parentPort!;
const data = workerData as RunWorkerData | WarmRunWorkerData | PythonWorkerData | { role: 'inspect' };
const post = (m: RunWorkerMessage): void => port.postMessage(m, m.type === 'didRecord' ? transfers(m.events) : undefined);

/**
 * The typed arrays of a batch's row events move to the host instead of being copied: each owns its
 * buffer (Column.take() and the row builders make fresh ones per batch), and the run thread lets
 * go of a batch once it is posted.
 */
function transfers(events: readonly object[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const e of events) {
    for (const v of Object.values(e)) {
      if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
    }
  }
  return [...out];
}

if (data.role === 'python') servePython(data, port);
else if (data.role === 'inspect') serveInspections(port);
// A warm run worker: loaded ahead, its run comes as the first message (src/runner/host/runWorkers.ts).
else if (data.role === 'warmRun') {
  port.once('message', (d: RunWorkerData) => runInThisThread(d, post));
  loadEngine();
  flushCompileCache();
  // The run process's own word (src/runner/runProcess.ts), never relayed: the next run starts at once.
  // No run has come yet: what the process holds now is what it holds with one warm thread.
  port.postMessage({ type: WARM_READY, footprint: footprint() });
}
else runInThisThread(data, post);
