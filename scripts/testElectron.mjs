// npm run test:electron: the same integration suite (out/test/integration/index.js) in desktop VS Code,
// through @vscode/test-electron, for machines that can download VS Code (or have one: VSCODE_EXECUTABLE).
// Here (no access to Microsoft's update server) npm test runs the suite in code-server instead.
//   VSCODE_VERSION=1.139.1   which desktop build to download (default: stable)
//   VSCODE_EXECUTABLE=path   use an installed VS Code instead of downloading
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import path from 'node:path';
import { copyWorkspace } from './codeServer.mjs';
import { root } from './host.mjs';

const suite = path.join(root, 'out', 'test', 'integration', 'index.js');
if (!fs.existsSync(suite)) {
  console.error('gradtape: out/test/integration/index.js is missing; run node scripts/build.mjs first');
  process.exit(1);
}

const ws = copyWorkspace('basic');
try {
  const code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
    // The same conditions as the code-server run: a trusted workspace, no other extensions.
    launchArgs: [ws.dir, '--disable-workspace-trust', '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  });
  process.exitCode = code;
} catch (e) {
  const msg = String(e?.message ?? e);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|Failed to get|download/i.test(msg)) {
    console.error(`gradtape: cannot download VS Code here (${msg.split('\n')[0]}); use npm test (code-server) or set VSCODE_EXECUTABLE`);
  } else {
    console.error(`gradtape: the integration suite failed in desktop VS Code: ${msg.split('\n')[0]}`);
  }
  process.exitCode = 1;
} finally {
  ws.remove();
}
