// Speed by the user's clock: keypress or save → graph drawn, in code-server and Chromium, first run
// after the window loads and warm (goals ≤ 1.5 s and ≤ 300 ms). The measurement is the e2e test
// test/e2e/userClock.e2e.ts, run here through `npm test -- --only e2e` so both print the same
// figures. Needs the host (`node scripts/host.mjs`). Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), '--only', 'e2e', '--grep', "speed by the user's clock"], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const out = `${r.stdout}\n${r.stderr}`;
const figures = out.split('\n').filter((l) => l.includes('[user clock]'));
if (figures.length) for (const l of figures) console.log(l.slice(l.indexOf('[user clock]')));
else console.log(`user clock: no figures (the e2e ended with ${r.status}):\n${out.split('\n').slice(-30).join('\n')}`);
