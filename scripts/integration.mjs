// Runs the integration suite (out/test/integration/index.js, test-electron's run() contract) inside
// code-server's extension host: Chromium opens the workbench with a `payload` naming the extension
// under development and the tests module; the workbench reports the result by calling
// window.codeAutomationExit(code) and forwards extension-host console output to window.codeAutomationLog.
import fs from 'node:fs';
import path from 'node:path';
import { copyWorkspace } from './codeServer.mjs';
import { root } from './host.mjs';

const MARK = '[gradtape-it]';
export const suiteEntry = path.join(root, 'out', 'test', 'integration', 'index.js');

/**
 * @param {import('./codeServer.mjs').HostSession} session
 * @param {{ workspace?: string, workspaceTrust?: boolean, timeoutMs?: number, print?: (line: string) => void, verbose?: boolean }} [opts]
 * @returns {Promise<{ passed: number, failed: number, exitCode: number | string }>}
 */
export async function runIntegration(session, opts = {}) {
  const print = opts.print ?? ((l) => console.log(l));
  if (!fs.existsSync(suiteEntry)) throw new Error(`${path.relative(root, suiteEntry)} is missing; run node scripts/build.mjs`);
  // Trust is off by default here so the suite sees a trusted workspace (the API cannot grant trust).
  // Its own server: settings the suite writes (user settings live in the server's user-data-dir) stay here.
  const server = await session.server({ workspaceTrust: opts.workspaceTrust ?? false, tag: 'integration' });
  const browser = await session.browser();
  const ws = copyWorkspace(opts.workspace ?? 'basic');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let result;
  const other = [];
  try {
    const page = await context.newPage();
    let exited;
    const exit = new Promise((resolve) => { exited = resolve; });
    // Both must exist before the workbench loads: it looks for them once.
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      for (const line of text.split('\n')) {
        const i = line.indexOf(MARK);
        if (i >= 0) {
          const body = line.slice(i + MARK.length + 1);
          if (body.startsWith('RESULT ')) result = JSON.parse(body.slice(7));
          else print(body);
        } else if (type === 'error' || opts.verbose) {
          // Kept for the failure report: activation errors of our extension land here.
          other.push(`${type}: ${line}`);
        }
      }
    });
    await page.goto(server.url({ folder: ws.dir, extensionDevelopmentPath: root, extensionTestsPath: suiteEntry }));
    const timeoutMs = opts.timeoutMs ?? 180_000;
    const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r(`timeout after ${timeoutMs / 1000} s`), timeoutMs))]);
    if (code !== 0) {
      const ours = other.filter((l) => /gradtape/i.test(l) && !/open-vsx|ENOTFOUND/.test(l));
      for (const l of (opts.verbose ? other : ours).slice(-40)) print(`  host ${l.slice(0, 500)}`);
      if (!result) print(`integration: the suite did not report a result (exit ${code}); did out/test/integration/index.js load?`);
    }
    const passed = result?.passed ?? 0;
    // A non-zero exit with no failed test still counts as a failure (a module failed to load).
    const failed = Math.max(result?.failed ?? 0, code === 0 ? 0 : 1);
    return { passed, failed, exitCode: code };
  } finally {
    await context.close().catch(() => {});
    ws.remove();
  }
}
