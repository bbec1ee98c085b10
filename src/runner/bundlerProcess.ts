/**
 * The entry of the bundler's own process (built to dist/bundler.js; the caller's side is
 * src/runner/host/bundlerProcess.ts): esbuild and the instrumenting, kept warm between runs, answering
 * bundle requests over the IPC channel (src/runner/bundler/serve.ts). Its backend is its argument.
 *
 * A process of its own rather than a thread of the editor's: the caller starts it with V8 flags for
 * esbuild's WebAssembly build (`--liftoff-only`, see host/bundlerProcess.ts), which would be every
 * extension's in the extension host; and esbuild-wasm's memory (~100-200 MB) is not the editor's.
 * It loads nothing of the engine.
 */
import { serveBundles } from './bundler/serve';
import { flushCompileCache } from './shared/cache';
import type { BundleRequest } from '../protocol/worker';

let answered = false;
serveBundles(
  process.argv[2] === 'wasm' ? 'wasm' : 'native',
  (handle) => process.on('message', (m: BundleRequest) => handle(m)),
  (res) => {
    if (process.connected) process.send!(res);
    // By the first answer esbuild's JavaScript is loaded too: into the compile cache (shared/cache.ts), once.
    if (!answered) flushCompileCache();
    answered = true;
  },
);
// The caller is gone (it exited, crashed, or stopped this process): nothing is left to answer.
process.on('disconnect', () => process.exit(0));
