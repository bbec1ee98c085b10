// Big tapes by the user's clock (issue 15): Enter on Compute Gradients → the panel's graph drawn, for a
// 10,000-op and a 100,000-op tape, with where the time went (run, host, channel, page), in code-server
// and Chromium. The measurement is the e2e test test/e2e/bigTape.e2e.ts, run here through
// `npm test -- --only e2e` so both print the same figures. Needs the host (`node scripts/host.mjs`).
// Prints figures beside the goals (≤ 1 s and ≤ 3 s) and the load average; asserts nothing.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(', ');
const before = load();
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), '--only', 'e2e', '--grep', 'big tapes'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const out = `${r.stdout}\n${r.stderr}`;
const figures = out.split('\n').filter((l) => l.includes('[big tape]'));
if (figures.length) for (const l of figures) console.log(l.slice(l.indexOf('[big tape]')));
else console.log(`big tape: no figures (the e2e ended with ${r.status}):\n${out.split('\n').slice(-30).join('\n')}`);
console.log(`[big tape] load average before ${before}, after ${load()}`);
