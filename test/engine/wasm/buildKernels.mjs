// Loaded by mocha (.mocharc.json "require") before any spec: builds the WebAssembly kernels if
// their sources changed, so `npx mocha` works on a fresh clone (the engine imports the generated
// module src/engine/wasm/generated/kernelsWasm.ts, which is not committed).
import { buildWasm } from '../../../scripts/buildWasm.mjs';

await buildWasm({ quiet: true });
