// npm test: every level, in order, with one summary.
//   checks       typecheck (tsc --noEmit), lint (eslint), build (scripts/build.mjs)
//   unit         mocha in plain Node (.mocharc.json; the spec is here, so `npx mocha FILE` runs one file), then the
//                type-stripping tests again under the host's Node 24 (Node 20 cannot strip types)
//   integration  test/integration/*.test.ts inside code-server's extension host (scripts/integration.mjs)
//   e2e          test/e2e/*.e2e.ts: playwright-core drives Chromium against code-server (test/e2e/runner.ts)
// Options: --only LEVEL[,LEVEL]  (repeatable)   --grep TEXT (integration and e2e tests)   --verbose
// The host (code-server, Node 24, Chromium) is installed on first use by scripts/host.mjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { copyWorkspace, HostSession, isShuttingDown, makeTempDir, onCleanup } from './codeServer.mjs';
import { ensureHost, host, HostError, root } from './host.mjs';

const LEVELS = ['checks', 'unit', 'integration', 'e2e'];
const argv = process.argv.slice(2);
const opt = (name) => {
  const out = [];
  argv.forEach((a, i) => {
    if (a === `--${name}` && argv[i + 1]) out.push(argv[i + 1]);
    else if (a.startsWith(`--${name}=`)) out.push(a.slice(name.length + 3));
  });
  return out;
};
const only = opt('only').flatMap((s) => s.split(','));
for (const l of only) {
  if (!LEVELS.includes(l)) {
    console.error(`gradtape test: unknown level "${l}"; use one of ${LEVELS.join(', ')}`);
    process.exit(2);
  }
}
const levels = only.length ? LEVELS.filter((l) => only.includes(l)) : LEVELS;
const grep = opt('grep')[0];
// The integration suite reads it in the extension host, which inherits code-server's environment.
if (grep) process.env.GRADTAPE_IT_GREP = grep;
const verbose = argv.includes('--verbose');

// One temp folder for everything this run starts (tests' own temp files included), removed at the end.
// A run killed with SIGKILL cannot clean up: the next run removes the folders of runs whose process is gone.
for (const d of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('gradtape-test-'))) {
  let owner = NaN;
  try {
    owner = Number(fs.readFileSync(path.join(os.tmpdir(), d, 'owner.pid'), 'utf8').trim());
  } catch { /* not ours to judge: no owner recorded */ }
  if (Number.isInteger(owner) && owner > 0 && !alive(owner)) fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
}
const sessionTmp = makeTempDir('gradtape-test-');
fs.writeFileSync(path.join(sessionTmp.dir, 'owner.pid'), `${process.pid}\n`);
process.env.TMPDIR = sessionTmp.dir;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const results = {}; // level -> { passed, failed }
const count = (level, passed, failed) => {
  const r = (results[level] ??= { passed: 0, failed: 0 });
  r.passed += passed;
  r.failed += failed;
};
const heading = (s) => console.log(`\n== ${s}`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Runs a command with inherited or captured output; resolves { code, out }. Killed on Ctrl-C. */
function exec(cmd, args, { capture = false, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: env ?? process.env, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    const unregister = onCleanup(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
    let out = '';
    const tee = (stream) => (buf) => {
      out += buf;
      stream.write(buf);
    };
    child.stdout?.on('data', tee(process.stdout));
    child.stderr?.on('data', tee(process.stderr));
    child.on('error', (e) => { out += String(e); });
    child.on('close', (code) => {
      unregister();
      resolve({ code: code ?? 1, out });
    });
  });
}

const bin = (pkg, rel) => path.join(root, 'node_modules', pkg, rel);

async function step(level, name, cmd, args) {
  const t0 = Date.now();
  console.log(`-- ${name}`);
  const { code } = await exec(cmd, args);
  console.log(`-- ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${secs(t0)}`);
  count(level, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

let session;
let built = false;
const started = Date.now();
try {
  if (!fs.existsSync(path.join(root, 'node_modules', 'mocha'))) {
    console.error('gradtape test: node_modules is missing; run npm ci (or npm install) first');
    process.exit(1);
  }
  // The Python module's signature table is generated from the engine's declarations (gitignored); the
  // typecheck and the unit tests import it, so a fresh clone makes it first.
  await (await import('./pySignatures.mjs')).buildPySignatures();

  if (levels.includes('checks')) {
    heading('checks: typecheck, lint, build');
    await step('checks', 'typecheck', process.execPath, [bin('typescript', 'bin/tsc'), '--noEmit', '-p', '.']);
    await step('checks', 'lint', process.execPath, [bin('eslint', 'bin/eslint.js'), '.']);
    built = await step('checks', 'build', process.execPath, ['scripts/build.mjs']);
  } else if (levels.some((l) => l === 'integration' || l === 'e2e')) {
    heading('build');
    built = (await exec(process.execPath, ['scripts/build.mjs'])).code === 0;
    if (!built) count('checks', 0, 1);
  }

  if (levels.includes('unit')) {
    heading('unit (mocha)');
    const mocha = async (label, node, args, env) => {
      const t0 = Date.now();
      const { code, out } = await exec(node, [bin('mocha', 'bin/mocha.js'), '--no-color', ...args], { capture: true, env });
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const passing = Number(/(\d+) passing/.exec(plain)?.[1] ?? 0);
      const failing = Number(/(\d+) failing/.exec(plain)?.[1] ?? 0);
      // A crash before mocha's summary (a syntax error in a test file) still counts as a failure.
      count('unit', passing, Math.max(failing, code === 0 ? 0 : 1));
      console.log(`-- ${label}: ${passing} passing, ${failing} failing, exit ${code}, in ${secs(t0)}`);
    };
    await mocha('unit', process.execPath, ['test/**/*.test.ts']);
    // The editor's runtime (VS Code's and code-server's Node ≥ 22.13) strips a file's types instead
    // of bundling it when that is all it needs (src/runner/bundler/stripScratch.ts); Node 20 cannot,
    // so those tests run again under the host's Node 24 (installed here when missing).
    heading("unit on the editor's Node (type stripping)");
    try {
      ensureHost();
      // Its warning that type stripping is experimental would be printed once per test process.
      const env = { ...process.env, PATH: `${path.dirname(host.nodeBin)}${path.delimiter}${process.env.PATH}`, NODE_OPTIONS: '--disable-warning=ExperimentalWarning' };
      await mocha('unit (type stripping)', host.nodeBin, ['test/runner/stripScratch.test.ts', 'test/runner/golden.test.ts', '--grep', 'type stripping instead|types stripped'], env);
    } catch (e) {
      console.error(`gradtape test: unit (type stripping): ${e instanceof HostError ? e.message : (e?.stack ?? e)}`);
      count('unit', 0, 1);
    }
  }

  const hostLevels = levels.filter((l) => l === 'integration' || l === 'e2e');
  if (hostLevels.length) {
    heading('host');
    let hostOk = false;
    try {
      ensureHost();
      hostOk = true;
      console.log('-- code-server and Chromium are ready');
    } catch (e) {
      console.error(`gradtape test: ${e instanceof HostError ? e.message : (e?.stack ?? e)}`);
    }
    // After a partly failed build (already counted) the host levels still run when the bundles they load exist.
    const loadable = ['dist/extension.js', 'out/test/integration/index.js'].every((f) => fs.existsSync(path.join(root, f)));
    if (!built) console.error(`gradtape test: the build failed; ${loadable ? 'running the host levels on the bundles that were built' : 'no extension bundle to load, skipping the host levels'}`);
    if (!hostOk || !loadable) {
      for (const l of hostLevels) count(l, 0, 1);
    } else {
      session = new HostSession({ log: verbose ? (l) => console.log(`  [code-server] ${l}`) : undefined });

      if (levels.includes('integration')) {
        heading('integration (extension host in code-server)');
        const t0 = Date.now();
        try {
          const { runIntegration } = await import('./integration.mjs');
          const r = await runIntegration(session, { verbose, print: (l) => console.log(`  ${l}`) });
          count('integration', r.passed, r.failed);
        } catch (e) {
          console.error(`gradtape test: integration: ${e instanceof HostError ? e.message : (e?.stack ?? e)}`);
          count('integration', 0, 1);
        }
        console.log(`-- integration in ${secs(t0)}`);
      }

      if (levels.includes('e2e')) {
        heading('e2e (Chromium + code-server)');
        const t0 = Date.now();
        try {
          // The e2e harness is TypeScript: load it (CommonJS, like the unit tests) through tsx.
          const { register } = await import('tsx/cjs/api');
          register();
          const { runE2E } = createRequire(import.meta.url)(path.join(root, 'test/e2e/runner.ts'));
          let vsix;
          const r = await runE2E(session, {
            root,
            copyWorkspace,
            grep,
            print: (l) => console.log(l),
            vsix: async () => (vsix ??= buildVsix()),
          });
          count('e2e', r.passed, r.failed);
        } catch (e) {
          console.error(`gradtape test: e2e: ${e instanceof HostError ? e.message : (e?.stack ?? e)}`);
          count('e2e', 0, 1);
        }
        console.log(`-- e2e in ${secs(t0)}; screenshots in test-artifacts/e2e/`);
      }
    }
  }
} finally {
  await session?.close();
  sessionTmp.remove();
}

/** npm run package, once per run; output shown only when it fails. */
async function buildVsix() {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const file = path.join(root, `gradtape-${version}.vsix`);
  const t0 = Date.now();
  const npmCli = process.env.npm_execpath && fs.existsSync(process.env.npm_execpath) ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const { code, out } = await new Promise((resolve) => {
    const child = spawn(npmCli[0], [...npmCli[1], 'run', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const unregister = onCleanup(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('close', (c) => { unregister(); resolve({ code: c, out }); });
  });
  if (code !== 0 || !fs.existsSync(file)) {
    process.stdout.write(out);
    throw new Error(`npm run package failed (exit ${code})`);
  }
  console.log(`  (packaged ${path.basename(file)}, ${(fs.statSync(file).size / 1024).toFixed(0)} KB, in ${secs(t0)})`);
  return file;
}

// Interrupted (Ctrl-C/SIGTERM): no summary of a partial run; the signal handler exits with 130/143 once clean.
if (isShuttingDown()) await new Promise(() => {});

heading('summary');
let passed = 0;
let failed = 0;
for (const l of LEVELS) {
  const r = results[l];
  if (!r) continue;
  passed += r.passed;
  failed += r.failed;
  console.log(`${l}: ${r.passed} passed, ${r.failed} failed`);
}
console.log(`(${levels.join(', ')} in ${secs(started)})`);
console.log(`total: ${passed} passed, ${failed} failed`);
// Exit now: a helper process left referenced (tsx's esbuild service, once seen under CI) must not keep
// npm test alive after its summary. Output to pipes and files is synchronous on Linux, so nothing is lost.
process.exit(failed > 0 || passed === 0 ? 1 : 0);
