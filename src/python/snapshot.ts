/**
 * A memory snapshot of a started Pyodide, cached on disk, so a Python worker's cold start restores
 * the interpreter's memory instead of starting CPython (3 s of CPU → 0.4 s, docs/python.md "Cold
 * start"). The snapshot holds Pyodide and the standard library modules the runtime imports, nothing
 * of the runtime itself: the runtime's modules hold JS proxies of the engine, which a snapshot cannot
 * keep, so they are imported after the restore, as before.
 *
 * The first cold start on a machine loads Pyodide as usual, in snapshot-making mode, and writes the
 * snapshot when the standard library is imported (before anything of the engine is registered);
 * later ones restore it. Where: $GRADTAPE_CACHE_DIR (empty: no snapshot), else the user's cache
 * folder. The file's name keys Pyodide's version, its WebAssembly's size and what was imported, so a
 * new Pyodide or a new list makes a new file (and the old ones are removed).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheDir, writeCacheFile } from '../runner/shared/cache';

/** What the snapshot has imported: the standard library modules the runtime's modules import. */
export const SNAPSHOT_IMPORTS = 'import array, ast, keyword, linecache, math, operator, random, signal, struct, traceback, types';

const PREFIX = 'pyodide-snapshot-';

/** The snapshot's file for the Pyodide in `pyodideDir`, or undefined when caching is off. */
export function snapshotFile(pyodideDir: string): string | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    const version = (JSON.parse(fs.readFileSync(path.join(pyodideDir, 'package.json'), 'utf8')) as { version: string }).version;
    const wasm = fs.statSync(path.join(pyodideDir, 'pyodide.asm.wasm')).size;
    const key = crypto.createHash('sha256').update(`${version}\n${wasm}\n${SNAPSHOT_IMPORTS}`).digest('hex').slice(0, 16);
    return path.join(dir, `${PREFIX}${key}.bin`);
  } catch {
    return undefined;
  }
}

/** The cached snapshot, if there is one. */
export function readSnapshot(file: string | undefined): Uint8Array | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the snapshot (whole, or not at all); older snapshots are removed. */
export function writeSnapshot(file: string, bytes: Uint8Array): void {
  writeCacheFile(file, bytes, PREFIX);
}

/** A snapshot that would not restore: removed, so the next start makes a new one. */
export function dropSnapshot(file: string | undefined): void {
  if (file) fs.rmSync(file, { force: true });
}
