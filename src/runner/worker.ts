/**
 * The worker entry (built to dist/worker.js). `workerData.role` picks what this thread is:
 * - 'bundler': a long-lived thread that keeps esbuild warm and answers bundle requests;
 * - 'run': one run of a user's bundle (src/runner/runThread.ts), with the engine's observer
 *   attached, streaming TraceEvents to the host (src/runner/scratchRun.ts);
 * - 'inspect': a long-lived thread that answers the panel's inspector by replaying recorded nodes
 *   through the engine's ops (src/runner/inspectThread.ts; host side src/runner/inspector.ts).
 * User code runs only in run threads, never in the host: an exit, a crash or an endless loop
 * ends that thread alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BundleRequest, BundleResponse, BundlerWorkerData, RunWorkerData, RunWorkerMessage } from '../protocol/worker';
import { bundleScratch } from './bundle';
import { serveInspections } from './inspectThread';
import { runInThisThread } from './runThread';

const port = parentPort!;
const data = workerData as BundlerWorkerData | RunWorkerData | { role: 'inspect' };

function serveBundles(d: BundlerWorkerData): void {
  port.on('message', (req: BundleRequest) => {
    void bundleScratch(d.backend, req.file, req.text).then(
      (r) => {
        const res: BundleResponse = 'code' in r ? { type: 'bundled', id: req.id, output: r } : { type: 'bundleFailed', id: req.id, error: r };
        port.postMessage(res);
      },
      (e: unknown) => {
        const res: BundleResponse = { type: 'bundleFailed', id: req.id, error: { kind: 'internal', name: 'Error', message: String(e) } };
        port.postMessage(res);
      },
    );
  });
}

if (data.role === 'bundler') serveBundles(data);
else if (data.role === 'inspect') serveInspections(port);
else runInThisThread(data, (m: RunWorkerMessage) => port.postMessage(m));
