// npm run bench: runs every bench/*.bench.ts in its own Node process, one after another,
// so that one benchmark's heap and JIT state do not colour the next. Prints figures; asserts nothing.
// `npm run bench -- engine` runs only the files whose name contains "engine".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const filter = process.argv[2] ?? '';
// The engine imports the WebAssembly kernels' generated module: build it if the sources changed.
await (await import('./buildWasm.mjs')).buildWasm();
const files = readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
