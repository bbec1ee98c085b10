// Types for pyStubs.mjs, so test/python/stubs.test.ts can use it under strict tsc.
/** Writes dist/python/**\/*.pyi from a Python worker of dist/worker.js, unless its inputs are unchanged. */
export function buildPyStubs(): Promise<void>;
