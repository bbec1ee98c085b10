/**
 * Chooses the engine's kernels: WebAssembly SIMD where the host has it, the plain TypeScript
 * loops otherwise. The choice swaps members of the shared `kernels` object
 * (src/engine/kernels.ts), so every op picks it up on its next call.
 *
 *   setKernelBackend('wasm')  WebAssembly (relaxed-SIMD FMA if validated, else SIMD) for large
 *                             float32 work, TypeScript below the thresholds; false if unavailable
 *   setKernelBackend('ts')    TypeScript kernels only
 *
 * The environment variable GRADTAPE_KERNELS sets the backend the engine starts with:
 *   wasm (default)  as setKernelBackend('wasm'), but the module compiles on the first call that
 *                   crosses a threshold, so programs with only small tensors never compile it
 *   ts              TypeScript only
 *   wasm-simd       WebAssembly without relaxed SIMD
 *   wasm-all        WebAssembly for every float32 call a kernel implements, however small, except
 *                   matmul and convolution, which keep its threshold: below it the API's double accumulation
 *                   holds, and the engine's tests assert it (tests run the engine suites so;
 *                   test/engine/wasm/backend.test.ts also runs matmul at threshold 0)
 */
import { jsKernels, kernels } from '../kernels';
import { DEFAULT_THRESHOLDS, makeWasmKernels, thresholds } from './kernels';
import { loadKernelModule, type WasmFlavor } from './loader';

export { thresholds } from './kernels';
export type { WasmFlavor } from './loader';

export type KernelBackend = 'ts' | 'wasm';

let active: { backend: KernelBackend; prefer: WasmFlavor | 'auto' } = { backend: 'ts', prefer: 'auto' };

/**
 * Installs the named kernels. Returns false (and leaves the TypeScript kernels in place) when
 * WebAssembly SIMD is unavailable. `flavor: 'simd'` refuses relaxed SIMD even where it validates.
 */
export function setKernelBackend(backend: KernelBackend, options: { flavor?: WasmFlavor | 'auto' } = {}): boolean {
  Object.assign(kernels, jsKernels);
  active = { backend: 'ts', prefer: 'auto' };
  if (backend === 'ts') return true;
  const prefer = options.flavor ?? 'auto';
  const mod = loadKernelModule(prefer);
  if (!mod) return false;
  Object.assign(kernels, makeWasmKernels(mod));
  active = { backend: 'wasm', prefer };
  return true;
}

/** The backend in use and, for WebAssembly, which module variant (compiling it if not yet done). */
export function getKernelBackend(): { backend: KernelBackend; flavor?: WasmFlavor } {
  if (active.backend === 'ts') return { backend: 'ts' };
  const mod = loadKernelModule(active.prefer);
  return mod ? { backend: 'wasm', flavor: mod.flavor } : { backend: 'ts' };
}

function envSetting(): string | undefined {
  // Read without importing Node's process module: the engine also runs where there is none.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GRADTAPE_KERNELS;
}

/**
 * Called once when the engine loads (and by tests to start over): the backend from
 * GRADTAPE_KERNELS, else WebAssembly compiled on first need, with the measured thresholds.
 */
export function installDefaultKernels(): void {
  const setting = envSetting();
  Object.assign(kernels, jsKernels);
  Object.assign(thresholds, DEFAULT_THRESHOLDS);
  if (setting === 'ts') {
    active = { backend: 'ts', prefer: 'auto' };
    return;
  }
  if (setting === 'wasm-all') {
    thresholds.elementwise = 0;
    thresholds.reduce = 0;
    thresholds.window = 0;
  }
  const prefer: WasmFlavor | 'auto' = setting === 'wasm-simd' ? 'simd' : 'auto';
  if (typeof WebAssembly !== 'object') return;
  Object.assign(kernels, makeWasmKernels(() => loadKernelModule(prefer)));
  active = { backend: 'wasm', prefer };
}
