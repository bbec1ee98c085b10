/**
 * The bundler process's loop: answers the host's bundle requests (src/runner/host/bundlerProcess.ts)
 * with bundleScratch, one esbuild kept warm for the process's life.
 *
 * Running the same text again (Compute Gradients twice, a prewarm then the run) reuses its bundle:
 * the answers for the last few texts are kept, in flight too, so a request that arrives while the
 * same text is being bundled waits for that bundle. Only a bundle of the scratch file alone is kept:
 * one that imports other files (read from disk) is made again each time, since they may have changed.
 */
import type { BundleOutput, BundleRequest, BundleResponse, BundlerBackend } from '../../protocol/worker';
import type { RunError } from '../../protocol/trace';
import { bundleScratch } from './bundleScratch';

/** How many texts' bundles are kept (the files open in the editor, roughly). */
const KEEP = 4;
/** Texts longer than this are not kept (a bundle holds the text several times over). */
const KEEP_MAX_CHARS = 1 << 20;

/** `onRequest` hears the host's requests, `reply` answers them (the process's IPC channel: src/runner/bundlerProcess.ts). */
export function serveBundles(backend: BundlerBackend, onRequest: (handle: (req: BundleRequest) => void) => void, reply: (res: BundleResponse) => void): void {
  const kept = new Map<string, Promise<BundleOutput | RunError>>();
  const bundle = (file: string, text: string, strip: boolean): Promise<BundleOutput | RunError> => {
    const key = `${strip}\0${file}\0${text}`;
    const hit = kept.get(key);
    if (hit) {
      // Most recently used last, so the oldest is the first to go.
      kept.delete(key);
      kept.set(key, hit);
      return hit.then((r) => ('code' in r ? { ...r, bundleMs: 0 } : r));
    }
    const made = bundleScratch(backend, file, text, { strip });
    if (text.length > KEEP_MAX_CHARS) return made;
    kept.set(key, made);
    if (kept.size > KEEP) kept.delete(kept.keys().next().value!);
    const forget = (): void => void (kept.get(key) === made && kept.delete(key));
    made.then((r) => !('code' in r && r.inputs.length === 1) && forget(), forget);
    return made;
  };
  onRequest((req) => {
    void bundle(req.file, req.text, req.strip).then(
      (r) => {
        const res: BundleResponse = 'code' in r ? { type: 'bundled', id: req.id, output: r } : { type: 'bundleFailed', id: req.id, error: r };
        reply(res);
      },
      (e: unknown) => {
        const res: BundleResponse = { type: 'bundleFailed', id: req.id, error: { kind: 'internal', name: 'Error', message: String(e) } };
        reply(res);
      },
    );
  });
}
