// Unit tests of the test harness's own pieces that need no browser: URLs, ports, the host installer's
// messages. (The harness is exercised for real by the integration and e2e levels of npm test.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, HostError, portTaken, root, startCodeServer, workbenchUrl } from '../../scripts/codeServer.mjs';

describe('harness: workbench URL', () => {
  it('carries folder and a payload whose vscode-remote authority is the opened host:port', () => {
    const url = new URL(workbenchUrl({ origin: 'http://127.0.0.1:4321', folder: '/tmp/ws one', extensionDevelopmentPath: '/repo', extensionTestsPath: '/repo/out/test/integration/index.js' }));
    assert.equal(url.host, '127.0.0.1:4321');
    assert.equal(url.searchParams.get('folder'), '/tmp/ws one');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4321/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4321/repo/out/test/integration/index.js'],
      ['skipWelcome', 'true'],
    ]);
  });

  it('percent-encodes path segments inside the remote URIs', () => {
    const url = new URL(workbenchUrl({ origin: 'http://127.0.0.1:1', extensionDevelopmentPath: '/a b/c#d' }));
    const [[, uri]] = JSON.parse(url.searchParams.get('payload')!) as [string, string][];
    assert.equal(uri, 'vscode-remote://127.0.0.1:1/a%20b/c%23d');
  });

  it('has no payload when nothing is loaded from source', () => {
    const url = new URL(workbenchUrl({ origin: 'http://127.0.0.1:1', folder: '/w' }));
    assert.equal(url.searchParams.get('payload'), null);
  });
});

describe('harness: ports', () => {
  it('freePort gives a port nothing listens on, portTaken sees a listener', async () => {
    const port = await freePort();
    assert.equal(await portTaken(port), false);
    const srv = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      assert.equal(await portTaken(port), true);
    } finally {
      srv.close();
    }
  });

  it('startCodeServer on a taken port fails with one actionable line', async () => {
    const srv = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const { port } = srv.address() as net.AddressInfo;
    try {
      await assert.rejects(startCodeServer({ port }), (e: Error) => e instanceof HostError && e.message === `port ${port} on 127.0.0.1 is already in use; stop what uses it or choose another port`);
    } finally {
      srv.close();
    }
  });
});

describe('harness: host install', () => {
  // A host folder with nothing installed, a PATH without compilers, and (if we are root) a non-root user:
  // the installer must not try apt-get but print the one line to run. The checkout and the session's
  // temp folder may be readable by root only (a clone inside `mktemp -d`), so the installer and its host
  // folder are copied to a folder user nobody can reach.
  it('as a non-root user with build tools missing, prints exactly what to install and exits 1', () => {
    const asRoot = process.getuid?.() === 0;
    const base = fs.mkdtempSync(path.join(asRoot ? worldReachableTmp() : os.tmpdir(), 'gradtape-host-'));
    try {
      fs.chmodSync(base, 0o755);
      fs.mkdirSync(path.join(base, 'scripts'), { mode: 0o755 });
      fs.copyFileSync(path.join(root, 'scripts/host.mjs'), path.join(base, 'scripts/host.mjs'));
      fs.chmodSync(path.join(base, 'scripts/host.mjs'), 0o644);
      const empty = path.join(base, 'host');
      fs.mkdirSync(empty);
      fs.chmodSync(empty, 0o777);
      const r = spawnSync(process.execPath, [path.join(base, 'scripts/host.mjs')], {
        env: { PATH: path.dirname(process.execPath) === '/usr/bin' ? '/nonexistent' : path.dirname(process.execPath), GRADTAPE_HOST_DIR: empty, HOME: empty },
        encoding: 'utf8',
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^gradtape host: missing system packages; as root run: apt-get update && apt-get install -y --no-install-recommends .*\bbuild-essential\b.*\bpython3\b.*\bpkg-config\b/);
      assert.equal(fs.readdirSync(empty).length, 0, 'nothing was installed');
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});

/** A temp folder every user can traverse to: the session's own if it is, else the first system one that is. */
function worldReachableTmp(): string {
  const reachable = (dir: string) => {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      try {
        if ((fs.statSync(d).mode & 0o001) === 0) return false;
      } catch {
        return false;
      }
      if (d === path.dirname(d)) return true;
    }
  };
  const found = [os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm'].find(reachable);
  if (!found) throw new Error(`no temp folder that user nobody can reach (tried ${os.tmpdir()}, /tmp, /var/tmp, /dev/shm)`);
  return found;
}
