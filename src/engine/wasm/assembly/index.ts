// Entry of the WebAssembly kernel module (compiled by scripts/buildWasm.mjs). Every export takes
// byte offsets into the module's own memory; src/engine/wasm/kernels.ts copies operands in and out.
export { sgemm, sgemmWorkBytes } from './gemm';
export { binary, unary } from './elementwise';
export { sum } from './reduce';
export { compare, select } from './select';
export {
  setWindow, conv2d, conv2dBackpropFilter, conv2dBackpropInput, maxPool, maxPoolGrad, maxPoolGradGrad, avgPool, avgPoolGrad,
  depthwiseConv, depthwiseBackpropInput, depthwiseBackpropFilter,
} from './window';

/** First free byte after the module's static data: the arena of src/engine/wasm/loader.ts starts here. */
export function heapBase(): usize {
  return __heap_base;
}
export { peakProbe, peakProbeFlops } from './peak';
