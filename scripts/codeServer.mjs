// Starts and stops code-server (VS Code in a browser) for tests and `npm start`, and launches the
// Chromium that drives it. Every process and folder started here is also removed on failure, on
// Ctrl-C and on SIGTERM (see cleanups below). Facts behind the flags: HOST.md / docs/development.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { host, HostError, chromiumPath, root } from './host.mjs';

export { root, HostError };

// ---------------------------------------------------------------------------------------------
// Cleanup registry: run on normal exit (synchronously) and on SIGINT/SIGTERM/SIGHUP.

/** @type {Set<{ sync: () => void, async?: () => Promise<void> }>} */
const cleanups = new Set();
let signalsHooked = false;
let shuttingDown = false;

/** True once SIGINT/SIGTERM/SIGHUP arrived and cleanup is under way (servers going away is expected then). */
export function isShuttingDown() {
  return shuttingDown;
}

/**
 * Registers something to undo. `sync` must be safe to call from process.on('exit') (no awaiting);
 * `async` (optional) is the graceful version used on signals. Returns the unregister function.
 */
export function onCleanup(sync, async) {
  hookSignals();
  const entry = { sync, async };
  cleanups.add(entry);
  return () => cleanups.delete(entry);
}

function runSyncCleanups() {
  for (const c of [...cleanups].reverse()) {
    cleanups.delete(c);
    try { c.sync(); } catch { /* best effort while exiting */ }
  }
}

function hookSignals() {
  if (signalsHooked) return;
  signalsHooked = true;
  process.on('exit', runSyncCleanups);
  const onSignal = (sig, code) => {
    process.on(sig, async () => {
      if (shuttingDown) return;
      shuttingDown = true;
      console.error(`\ngradtape: ${sig}, cleaning up`);
      const pending = [...cleanups].reverse();
      // Graceful first (a browser closes its profile), bounded so Ctrl-C never hangs.
      await Promise.race([
        Promise.allSettled(pending.map((c) => c.async?.())),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
      runSyncCleanups();
      process.exit(code);
    });
  };
  onSignal('SIGINT', 130);
  onSignal('SIGTERM', 143);
  onSignal('SIGHUP', 129);
}

/** A temporary folder removed on exit; `keep` for debugging via GRADTAPE_KEEP_TMP=1. */
export function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => { if (!process.env.GRADTAPE_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true }); };
  const unregister = onCleanup(remove);
  return { dir, remove: () => { unregister(); remove(); } };
}

/**
 * Copies a fixture workspace (test/workspaces/NAME) into a temp folder of the same name, so tests may
 * write to it. A workspace's `copies.json` ({ "name in the workspace": "path in the repository" })
 * brings in programs kept elsewhere (the examples, the panel's fixtures), so none is kept twice;
 * the list itself is not copied.
 */
export function copyWorkspace(name) {
  const src = path.join(root, 'test', 'workspaces', name);
  if (!fs.existsSync(src)) throw new Error(`no fixture workspace test/workspaces/${name}`);
  const tmp = makeTempDir('gradtape-ws-');
  const dir = path.join(tmp.dir, name);
  fs.cpSync(src, dir, { recursive: true });
  const list = path.join(dir, 'copies.json');
  if (fs.existsSync(list)) {
    for (const [as, from] of Object.entries(JSON.parse(fs.readFileSync(list, 'utf8')))) fs.copyFileSync(path.join(root, from), path.join(dir, as));
    fs.rmSync(list);
  }
  return { dir, remove: tmp.remove };
}

// ---------------------------------------------------------------------------------------------
// Ports and URLs

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export function portTaken(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/**
 * The workbench URL. With extensionDevelopmentPath / extensionTestsPath it carries the `payload`
 * that a server started with enable-smoke-test-driver honours; the vscode-remote authority must be
 * exactly the host:port the browser opens.
 * @param {{ origin: string, folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string }} o
 */
export function workbenchUrl(o) {
  const url = new URL('/', o.origin);
  if (o.folder) url.searchParams.set('folder', path.resolve(o.folder));
  const authority = new URL(o.origin).host;
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
  const payload = [];
  if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)]);
  if (o.extensionTestsPath) payload.push(['extensionTestsPath', remote(o.extensionTestsPath)]);
  if (payload.length) {
    payload.push(['skipWelcome', 'true']);
    url.searchParams.set('payload', JSON.stringify(payload));
  }
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// code-server

/** User settings that keep an offline workbench quiet and predictable. */
export const quietSettings = {
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
};

function runEnv(runDir) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_|^VSCODE_/i.test(k)) delete env[k];
  return {
    ...env,
    // Node 24 first: code-server's own child processes (extension host) inherit it.
    PATH: `${path.dirname(host.nodeBin)}${path.delimiter}${process.env.PATH}`,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    TMPDIR: path.join(runDir, 'tmp'),
  };
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); return true; } catch { return false; }
}

/**
 * Starts code-server on 127.0.0.1 in a fresh run folder.
 * @param {{
 *   port?: number,                 fixed port (default: a free one); a taken fixed port is an error
 *   workspaceTrust?: boolean,      default true; false passes --disable-workspace-trust
 *   installExtensions?: string[],  .vsix files to --install-extension before starting
 *   settings?: Record<string, unknown>,  user settings on top of quietSettings
 *   log?: (line: string) => void,  receives the server's output lines (default: dropped)
 * }} [opts]
 */
export async function startCodeServer(opts = {}) {
  if (opts.port !== undefined && await portTaken(opts.port)) {
    throw new HostError(`port ${opts.port} on 127.0.0.1 is already in use; stop what uses it or choose another port`);
  }
  if (!fs.existsSync(host.codeServerEntry)) throw new HostError('code-server is not installed; run node scripts/host.mjs');
  const tmp = makeTempDir('gradtape-cs-');
  const runDir = tmp.dir;
  const dirs = ['udd/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp'];
  for (const d of dirs) fs.mkdirSync(path.join(runDir, d), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'udd/User/settings.json'), JSON.stringify({ ...quietSettings, ...opts.settings }, null, 2));
  fs.writeFileSync(path.join(runDir, 'config.yaml'), 'auth: none\ncert: false\n');
  const env = runEnv(runDir);
  const common = ['--user-data-dir', path.join(runDir, 'udd'), '--extensions-dir', path.join(runDir, 'exts'), '--config', path.join(runDir, 'config.yaml')];

  try {
    for (const vsix of opts.installExtensions ?? []) {
      const r = spawnSync(host.nodeBin, [host.codeServerEntry, ...common, '--install-extension', path.resolve(vsix)], { env, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new HostError(`code-server --install-extension ${vsix} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`);
    }
  } catch (e) {
    tmp.remove();
    throw e;
  }

  // A free port can be taken between asking and binding; try a few when the port was not fixed.
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? await freePort();
    const args = [host.codeServerEntry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...common,
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
      '--vscode-option', 'enable-smoke-test-driver', ...(opts.workspaceTrust === false ? ['--disable-workspace-trust'] : [])];
    // detached = its own process group, so stop() reaches the extension hosts and watchers it spawns.
    const child = spawn(host.nodeBin, args, { cwd: runDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (buf) => {
      const text = buf.toString();
      if (output.length < 20000) output += text;
      if (opts.log) for (const line of text.split('\n')) if (line.trim()) opts.log(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      unregister();
      killGroup(child.pid, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
      // The group may still hold extension hosts after the server itself is gone.
      killGroup(child.pid, 'SIGKILL');
      void done;
      tmp.remove();
    };
    const unregister = onCleanup(() => { killGroup(child.pid, 'SIGKILL'); }, stop);

    const origin = `http://127.0.0.1:${port}`;
    const ready = await waitHealthy(origin, exited, 30_000);
    if (ready === true) {
      return {
        port, origin, runDir, pid: child.pid,
        /** @param {Omit<Parameters<typeof workbenchUrl>[0], 'origin'>} o */
        url: (o = {}) => workbenchUrl({ origin, ...o }),
        output: () => output,
        stop,
      };
    }
    await stop().catch(() => {});
    if (/EADDRINUSE/.test(output) && opts.port === undefined && attempt < 3) continue;
    if (/EADDRINUSE/.test(output)) throw new HostError(`port ${port} on 127.0.0.1 is already in use; stop what uses it or choose another port`);
    const last = output.trim().split('\n').slice(-3).join(' | ');
    throw new HostError(`code-server did not become ready (${ready}): ${last || 'no output'}`);
  }
}

async function waitHealthy(origin, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let gone;
  exited.then((e) => { gone = e; });
  while (Date.now() < deadline) {
    if (gone) return `exited with ${gone.code ?? gone.signal}`;
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  return `no answer on ${origin}/healthz within ${timeoutMs / 1000} s`;
}

// ---------------------------------------------------------------------------------------------
// Chromium through playwright-core

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * Launches Debian's Chromium headless with a fresh profile inside a temp folder that is removed on close.
 * @returns {Promise<{ browser: import('playwright-core').Browser, close: () => Promise<void> }>}
 */
export async function launchChromium(opts = {}) {
  const exe = chromiumPath();
  if (!exe) throw new HostError('Chromium not found at /usr/bin/chromium; as root run: apt-get install -y chromium (or set CHROMIUM_PATH)');
  const { chromium } = await import('playwright-core');
  const tmp = makeTempDir('gradtape-chromium-');
  const env = { ...process.env, XDG_CONFIG_HOME: tmp.dir, XDG_CACHE_HOME: tmp.dir, TMPDIR: tmp.dir, HOME: process.env.HOME ?? tmp.dir };
  let browser;
  // Playwright makes its profile and artifacts folders in os.tmpdir() while launching: point that into ours.
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp.dir;
  try {
    browser = await chromium.launch({ executablePath: exe, headless: opts.headless ?? true, args: chromiumArgs, env, timeout: 60_000 });
  } catch (e) {
    tmp.remove();
    throw new HostError(`Chromium (${exe}) did not start: ${String(e.message ?? e).split('\n')[0]}`);
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    unregister();
    await browser.close().catch(() => {});
    tmp.remove();
  };
  // On a hard exit Playwright kills its own browser; we only need to drop the folder.
  const unregister = onCleanup(() => tmp.remove(), close);
  return { browser, close };
}

// ---------------------------------------------------------------------------------------------
// A test session: one browser and one code-server per distinct configuration, shared by every test
// that asks for the same one (each page load starts a fresh extension host, so tests stay independent).

export class HostSession {
  /** @param {{ log?: (line: string) => void }} [opts] */
  constructor(opts = {}) {
    this.log = opts.log;
    /** @type {Map<string | symbol, Promise<Awaited<ReturnType<typeof startCodeServer>>>>} */
    this.servers = new Map();
    /** @type {Promise<Awaited<ReturnType<typeof launchChromium>>> | undefined} */
    this.chromium = undefined;
  }

  /** @returns {Promise<import('playwright-core').Browser>} */
  async browser() {
    this.chromium ??= launchChromium();
    return (await this.chromium).browser;
  }

  /**
   * A fresh server of its own (own user data: settings and state written by one test never reach
   * another); stopped by the caller, or at close() at the latest.
   * @param {{ workspaceTrust?: boolean, installExtensions?: string[] }} [opts]
   */
  async freshServer(opts = {}) {
    const s = startCodeServer({ ...opts, log: this.log });
    const key = Symbol('fresh');
    this.servers.set(key, s);
    const server = await s;
    return { ...server, stop: async () => { this.servers.delete(key); await server.stop(); } };
  }

  /**
   * A server shared by everyone asking with the same options and tag.
   * @param {{ workspaceTrust?: boolean, installExtensions?: string[], tag?: string }} [opts]
   */
  server(opts = {}) {
    const key = JSON.stringify({ trust: opts.workspaceTrust !== false, vsix: opts.installExtensions ?? [], tag: opts.tag ?? '' });
    let s = this.servers.get(key);
    if (!s) {
      s = startCodeServer({ workspaceTrust: opts.workspaceTrust, installExtensions: opts.installExtensions, log: this.log });
      // A failed start is not cached: the next test gets its own clear error.
      s.catch(() => this.servers.delete(key));
      this.servers.set(key, s);
    }
    return s;
  }

  async close() {
    const servers = [...this.servers.values()];
    this.servers.clear();
    const chromium = this.chromium;
    this.chromium = undefined;
    await Promise.allSettled([
      chromium?.then((c) => c.close()),
      ...servers.map((s) => s.then((x) => x.stop())),
    ]);
  }
}
