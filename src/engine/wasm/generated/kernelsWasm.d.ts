// Types of the module scripts/buildWasm.mjs generates beside this file (kernelsWasm.ts, gitignored),
// so that the TypeScript check passes on a fresh clone before the first build.
export declare const SOURCE_HASH: string;
/** WebAssembly SIMD module, base64. */
export declare const SIMD_BASE64: string;
/** WebAssembly SIMD + relaxed SIMD module, base64. */
export declare const RELAXED_BASE64: string;
