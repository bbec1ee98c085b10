/**
 * The bundler thread's loop: answers the host's bundle requests (src/runner/host/bundlerThread.ts)
 * with bundleScratch, one esbuild kept warm for the thread's life.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BundleRequest, BundleResponse, BundlerWorkerData } from '../../protocol/worker';
import { bundleScratch } from './bundleScratch';

export function serveBundles(port: MessagePort, d: BundlerWorkerData): void {
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
