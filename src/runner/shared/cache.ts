/**
 * The on-disk cache of things that are slow to make and the same from one start to the next: Python's
 * start-up snapshot (src/python/snapshot.ts), esbuild's WebAssembly unpacked (bundler/bundleScratch.ts)
 * and Node's compile cache of our bundles (compileCacheEnv). Where: $GRADTAPE_CACHE_DIR (the extension sets it
 * to its own storage; empty: no cache), else the user's cache folder.
 */
import fs from 'node:fs';
import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';

export function cacheDir(): string | undefined {
  const set = process.env.GRADTAPE_CACHE_DIR;
  if (set !== undefined) return set === '' ? undefined : set;
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return path.join(process.env.LOCALAPPDATA, 'gradtape', 'cache');
  const base = process.env.XDG_CACHE_HOME || (process.platform === 'darwin' ? path.join(os.homedir(), 'Library', 'Caches') : path.join(os.homedir(), '.cache'));
  return path.join(base, 'gradtape');
}

/**
 * Writes a cache file: to a file of its own, then renamed into place, so a reader never sees half of
 * one and two processes writing at once both leave a whole file. Older files of the same kind (the
 * same `prefix` and extension) are removed.
 */
export function writeCacheFile(file: string, bytes: Uint8Array, prefix: string): void {
  const dir = path.dirname(file);
  const ext = path.extname(file);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
    for (const f of fs.readdirSync(dir)) {
      if (f.startsWith(prefix) && f.endsWith(ext) && f !== path.basename(file)) fs.rmSync(path.join(dir, f), { force: true });
    }
  } catch {
    // A cache that cannot be written: the next start makes the thing again, as this one did.
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * What a process we fork to run our bundles (host/forkOwn.ts) adds to its environment: Node's compile
 * cache in the cache folder, so a new process compiles dist/worker.js (~1 MB) and dist/bundler.js from
 * cached code instead of parsing them again (Node 22.1 and later, as VS Code's and code-server's are;
 * older Nodes ignore it). Nothing when there is no cache folder or the user set a cache of their own.
 */
export function compileCacheEnv(): NodeJS.ProcessEnv {
  const dir = cacheDir();
  if (dir === undefined || process.env.NODE_COMPILE_CACHE !== undefined) return {};
  return { NODE_COMPILE_CACHE: path.join(dir, 'node-compile-cache'), [OWN_CACHE]: '1' };
}

const OWN_CACHE = 'GRADTAPE_OWN_COMPILE_CACHE';

/**
 * A thread that runs user code (src/runner/worker.ts) drops the compile cache's variable compileCacheEnv set
 * from its own copy of the environment: the cache stays on for the thread (Node read it as the thread
 * started), and what the script sees, and passes on to processes it starts, is the user's environment.
 */
export function hideCompileCacheEnv(): void {
  if (process.env[OWN_CACHE] !== '1') return;
  delete process.env[OWN_CACHE];
  delete process.env.NODE_COMPILE_CACHE;
}

/**
 * Writes what this thread has compiled into Node's compile cache now (Node 22.10 and later): Node
 * writes it as the process exits, which a run's process killed at its end never does.
 */
export function flushCompileCache(): void {
  (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.();
}
