// npm start: build, then open a real VS Code with the extension loaded from this checkout and examples/ open.
// - With a desktop `code` on PATH: launches it with --extensionDevelopmentPath (unless --server).
// - Otherwise: installs code-server into .vscode-test/ if needed, serves it on 127.0.0.1 and prints the URL.
//   Ctrl-C stops the server and removes its temporary folder.
// Options: --port N (or GRADTAPE_PORT; default: a free port)   --server (always code-server)
//          --workspace-trust (start in Restricted Mode, as a user's untrusted folder would)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isShuttingDown, startCodeServer } from './codeServer.mjs';
import { ensureHost, HostError, root } from './host.mjs';

const argv = process.argv.slice(2);
const portArg = argv.includes('--port') ? argv[argv.indexOf('--port') + 1] : process.env.GRADTAPE_PORT;
const port = portArg === undefined || portArg === '0' ? undefined : Number(portArg);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`gradtape start: --port wants a number from 1 to 65535, not "${portArg}"`);
  process.exit(2);
}
const examples = path.join(root, 'examples');

function fail(e) {
  console.error(`gradtape start: ${e instanceof HostError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail(new HostError('the build failed (see above); fix it and run npm start again'));

// A desktop VS Code, when there is one: the same extension, loaded the documented way.
const desktop = !argv.includes('--server') && findDesktopCode();
if (desktop) {
  console.log(`gradtape: opening ${desktop} with the extension from ${root}`);
  const child = spawn(desktop, ['--extensionDevelopmentPath', root, examples], { stdio: 'ignore', detached: true });
  child.on('error', (e) => fail(new HostError(`could not start ${desktop}: ${e.message}; try npm start -- --server`)));
  child.unref();
} else {
  try {
    ensureHost();
    const server = await startCodeServer({ port, workspaceTrust: argv.includes('--workspace-trust') });
    const url = server.url({ folder: examples, extensionDevelopmentPath: root });
    console.log('\ngradtape: VS Code (code-server) is serving the extension from this checkout, with examples/ open:\n');
    console.log(`  ${url}\n`);
    console.log(`Open it in a browser on this machine (or forward port ${server.port}). Ctrl-C stops it.`);
    console.log('After changing the extension: run node scripts/build.mjs (or npm run watch) and reload the page.');
    // Stay up until Ctrl-C (codeServer.mjs stops the server and removes its folder) or the server dies.
    await new Promise((resolve) => {
      const timer = setInterval(async () => {
        // During Ctrl-C the server goes away on purpose; codeServer.mjs exits with 130 when it is done.
        if (isShuttingDown()) return clearInterval(timer);
        if (!(await fetch(`${server.origin}/healthz`).then((r) => r.ok, () => false)) && !isShuttingDown()) {
          clearInterval(timer);
          resolve(undefined);
        }
      }, 5000);
    });
    console.error('gradtape start: code-server stopped answering; its last output:');
    console.error(server.output().trim().split('\n').slice(-10).join('\n'));
    await server.stop();
    process.exit(1);
  } catch (e) {
    fail(e);
  }
}

/** `code` on PATH that is desktop VS Code (not a code-server shim). */
function findDesktopCode() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = dir && path.join(dir, 'code');
    if (!p || !fs.existsSync(p) || p.startsWith(path.join(root, '.vscode-test'))) continue;
    const r = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    // Desktop prints "1.x.y\n<commit>\n<arch>"; code-server prints "4.x.y <commit> with Code 1.x.y".
    if (r.status === 0 && /^1\.\d+\.\d+\s*$/m.test(r.stdout.split('\n')[0]) && !/code-server|with Code/.test(r.stdout)) return p;
  }
  return undefined;
}
