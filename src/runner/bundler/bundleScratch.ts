/**
 * The bundle step, as it runs inside the bundler process (host/bundlerProcess.ts is the host side).
 * A file that needs no bundling only has its types stripped (stripScratch.ts); every other goes
 * through esbuild, as follows.
 *
 * The scratch file and its relative imports become one bundle with a source map, in ESM format
 * because only that format keeps a top-level `await` (CommonJS output rejects it). The bundle still
 * has no `import`/`export` statement, so the run thread can compile it as a function body:
 * - the entry is a stub that imports the scratch file, so the file's own `export`s stay inside;
 * - `"gradtape"` and every other bare import become a small CommonJS module, `module.exports =
 *   require("x")`, whose `require` esbuild leaves as a call: the run thread answers `"gradtape"`
 *   with its own engine instance (so the observer it attached sees the user's ops) and resolves the
 *   rest from the scratch file's folder, as Node would.
 *
 * esbuild runs either as the platform binary (`esbuild`, fast, one package per platform) or as
 * WebAssembly (`esbuild-wasm`, one file for every platform). The .vsix ships the WebAssembly build
 * only; docs/runner.md has the measurements behind that choice.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BuildFailure, BuildOptions, BuildResult, Message, Plugin } from 'esbuild';
import type { BundleOutput, BundlerBackend, InstrumentedBundle } from '../../protocol/worker';
import type { RunError } from '../../protocol/trace';
import { BUNDLE_BASENAME, IMPORT_META } from '../shared/bundleNames';
import { cacheDir, writeCacheFile } from '../shared/cache';
import { instrument, type Instrumented } from '../shared/instrument';
import { sourcePositions } from '../shared/sourcePositions';
import { stripScratch } from './stripScratch';

type Esbuild = typeof import('esbuild');


const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'];

function loaderFor(file: string): 'ts' | 'tsx' | 'js' | 'json' {
  if (file.endsWith('.tsx')) return 'tsx';
  if (/\.[mc]?ts$/.test(file)) return 'ts';
  if (file.endsWith('.json')) return 'json';
  return 'js';
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(from, spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  // A TypeScript file may import './util.js' meaning './util.ts'.
  if (/\.[mc]?js$/.test(base)) candidates.push(base.replace(/js$/, 'ts'));
  return candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/** Namespaces of the two kinds of generated module (see the header); neither is a source file. */
const ENTRY_NS = 'gradtape-entry';
const EXTERNAL_NS = 'gradtape-external';

/**
 * File access goes through this plugin for both backends: the WebAssembly build has no file system
 * of its own, and the entry's text may be an unsaved editor buffer rather than the file on disk.
 */
function scratchPlugin(entry: string, entryText: string): Plugin {
  return {
    name: 'gradtape-scratch',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: entry, namespace: ENTRY_NS };
        // The stub's import: the entry's text may exist only in an editor, not on disk.
        if (args.namespace === ENTRY_NS) return { path: entry, namespace: 'scratch' };
        const spec = args.path;
        if (!spec.startsWith('.') && !path.isAbsolute(spec)) {
          // The shim's own require() stays a call (esbuild's ESM output routes it to the `require` in scope).
          if (args.kind === 'require-call' || args.kind === 'require-resolve' || args.namespace === EXTERNAL_NS) return { path: spec, external: true };
          return { path: spec, namespace: EXTERNAL_NS };
        }
        const found = resolveRelative(args.resolveDir, spec);
        if (!found) return { errors: [{ text: `Cannot find module '${spec}' (looked next to ${args.importer})` }] };
        return { path: found, namespace: 'scratch' };
      });
      build.onLoad({ filter: /.*/, namespace: ENTRY_NS }, (args) => ({ contents: `import ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: path.dirname(args.path) }));
      build.onLoad({ filter: /.*/, namespace: EXTERNAL_NS }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: 'scratch' }, (args) => ({
        contents: args.path === entry ? entryText : fs.readFileSync(args.path, 'utf8'),
        loader: loaderFor(args.path),
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

type Build = (options: BuildOptions) => Promise<BuildResult>;

let loaded: Promise<{ build: Build; backend: BundlerBackend }> | undefined;

/** Loads esbuild once per process. 'native' falls back to WebAssembly when the binary is unusable. */
export function loadEsbuild(backend: BundlerBackend): Promise<{ build: Build; backend: BundlerBackend }> {
  loaded ??= (async () => {
    if (backend === 'native') {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const native = require('esbuild') as Esbuild;
        await native.transform('', {}); // starts the binary: fails here when it is missing for this platform
        return { build: (o: BuildOptions) => native.build(o), backend: 'native' as const };
      } catch {
        // fall through to WebAssembly
      }
    }
    return { build: wasmBuilder(), backend: 'wasm' as const };
  })();
  return loaded;
}

/**
 * The esbuild WebAssembly binary: dist/esbuild.wasm next to the built worker (development builds),
 * dist/esbuild.wasm.br (what the .vsix ships: brotli keeps the package under 3 MB), else the npm
 * package's. The .br is unpacked once (~45 ms of CPU) into the cache folder (shared/cache.ts), keyed by
 * its size and time, and read from there by later bundler processes (~2 ms).
 */
function wasmBytes(): Buffer<ArrayBuffer> {
  const shipped = path.join(__dirname, 'esbuild.wasm');
  if (fs.existsSync(shipped)) return fs.readFileSync(shipped);
  const br = shipped + '.br';
  if (fs.existsSync(br)) {
    const dir = cacheDir();
    const st = fs.statSync(br);
    const cached = dir && path.join(dir, `${WASM_PREFIX}${st.size}-${Math.round(st.mtimeMs)}.wasm`);
    if (cached && fs.existsSync(cached)) return fs.readFileSync(cached);
    const bytes = zlib.brotliDecompressSync(fs.readFileSync(br));
    if (cached) writeCacheFile(cached, bytes, WASM_PREFIX);
    return bytes;
  }
  // The specifier is built at run time so the build does not try to bundle the binary.
  return fs.readFileSync(require.resolve(['esbuild-wasm', 'esbuild.wasm'].join('/')));
}

const WASM_PREFIX = 'esbuild-';

/**
 * esbuild-wasm's Node entry spawns a `node` executable, which VS Code does not guarantee on PATH;
 * its browser entry runs the WebAssembly in this very process (worker: false). The service stays up
 * for the process's life: with Liftoff only (the bundler process's flag, host/bundlerProcess.ts) an
 * idle service costs no CPU, and a build needs no restart first.
 */
function wasmBuilder(): Build {
  (globalThis as { self?: unknown }).self ??= globalThis;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('esbuild-wasm/lib/browser.js') as Esbuild;
  const ready = WebAssembly.compile(wasmBytes()).then((wasmModule) => wasm.initialize({ wasmModule, worker: false }));
  return async (options) => {
    await ready;
    return wasm.build(options);
  };
}

export function buildOptions(file: string, text: string): BuildOptions {
  return {
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    sourcemap: 'external',
    sourcesContent: false,
    outfile: path.join(path.dirname(file), BUNDLE_BASENAME),
    plugins: [scratchPlugin(file, text)],
    // The bundle runs as a script, where `import.meta` is a syntax error: the run thread passes one in.
    define: { 'import.meta': IMPORT_META },
    logLevel: 'silent',
  };
}

/**
 * Bundles `file` (contents `text`). Resolves to the bundle, or to a RunError for the syntax error.
 * A file that needs no bundling (one file, importing only "gradtape") is only stripped of its types,
 * without starting esbuild (stripScratch.ts); `strip: false` bundles it all the same.
 */
export async function bundleScratch(backend: BundlerBackend, file: string, text: string, opts: { strip?: boolean } = {}): Promise<BundleOutput | RunError> {
  const begun = performance.now();
  const stripped = opts.strip === false ? undefined : stripScratch(file, text);
  if (stripped) {
    const at = sourcePositions(undefined, file, text);
    // The rewritten imports' require calls are ours, as esbuild's helpers are in a bundle.
    const inst = instrument(stripped.code, (line, column) => (stripped.importLines.has(line) ? undefined : at.mapPosition(line, column)), at.identifierAt);
    const out: BundleOutput = { code: stripped.code, inputs: [file], bundleMs: performance.now() - begun, madeBy: 'strip' };
    if (inst) out.instrumented = plain(inst);
    return out;
  }
  const { build } = await loadEsbuild(backend);
  const started = performance.now();
  try {
    const result = await build(buildOptions(file, text));
    const bundleMs = performance.now() - started;
    const files = result.outputFiles ?? [];
    const codeFile = files.find((f) => f.path.endsWith('.js'));
    const mapFile = files.find((f) => f.path.endsWith('.map'));
    if (!codeFile || !mapFile) return internal('esbuild produced no output');
    const map = JSON.parse(mapFile.text) as { sources: string[] };
    const outDir = path.dirname(file);
    // Sources come back relative to the bundle's folder, prefixed by the plugin's namespace. The
    // generated require() shims get an empty source: positions in them are nobody's.
    map.sources = map.sources.map((s) => (s.startsWith('scratch:') ? path.resolve(outDir, s.slice('scratch:'.length)) : ''));
    const inputs = [file, ...map.sources.filter((s) => s !== file && s !== '')];
    const mapJson = JSON.stringify(map);
    // Instrumented here, in the bundler process that stays warm: a run's fresh thread would spend ~7 ms parsing.
    const at = sourcePositions(mapJson, file, text);
    const inst = instrument(codeFile.text, at.mapPosition, at.identifierAt);
    const out: BundleOutput = { code: codeFile.text, map: mapJson, inputs, bundleMs, madeBy: 'esbuild' };
    if (inst) out.instrumented = plain(inst);
    return out;
  } catch (e) {
    const errors = (e as BuildFailure).errors;
    if (Array.isArray(errors) && errors.length) return syntaxError(file, errors[0]);
    return internal(e instanceof Error ? e.message : String(e));
  }
}

/** The instrumented bundle as plain data (it crosses to the host, then to the run thread). */
function plain(inst: Instrumented): InstrumentedBundle {
  return { code: inst.code, positions: inst.positions, heads: inst.heads, shifts: inst.shifts, topLevelAwait: inst.topLevelAwait, params: inst.params, bindings: inst.bindings };
}

function syntaxError(file: string, m: Message): RunError {
  const loc = m.location;
  const at = loc ? path.resolve(path.dirname(file), loc.file.replace(/^scratch:/, '')) : file;
  return {
    kind: 'syntax',
    name: 'SyntaxError',
    message: m.text,
    pos: loc ? { line: loc.line, column: loc.column + 1, ...(at !== file ? { file: at } : {}) } : undefined,
  };
}

function internal(message: string): RunError {
  return { kind: 'internal', name: 'Error', message: `bundling failed: ${message}` };
}
