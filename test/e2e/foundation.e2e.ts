// The foundation's end-to-end checks: the command is in the palette for a .grad.ts editor (and not for
// other files) and runs, both loaded from source and installed from the built .vsix, the way a user gets it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listZip, until, type E2E, type E2ETest } from './harness';
import { scaled } from '../loadScaledTimeouts';

const TITLE = 'GradTape: Compute Gradients';
/** The .vsix holds only what runs and weighs at most 12 MB (3 MB before Python: Pyodide is ~6 MB of it, issue 14). */
const VSIX_LIMIT_BYTES = 12 * 1024 * 1024;

/** The GradTape status bar item's text (src/extension/statusBar.ts: "GradTape 12 ms" after a good run). */
async function statusText(t: E2E): Promise<string | undefined> {
  return (await t.statusBarItems()).map((s) => s.trim()).find((s) => /GradTape/.test(s));
}

/**
 * Runs the command from the palette on hello.grad.ts and checks that the run finished well: the status
 * bar reports a duration, no error notification. On failure the message carries the item's tooltip
 * (where the extension puts the error).
 */
async function runFromPalette(t: E2E, file = 'hello.grad.ts'): Promise<void> {
  await t.openFile(file);
  const listed = await t.paletteItems('Compute Gradients', { expect: TITLE });
  assert.ok(listed.some((r) => r.startsWith(TITLE)), `palette for ${file} lists: ${listed.join(' | ')}`);
  await t.screenshot('palette-lists-compute-gradients');
  await t.runCommand(TITLE);
  const status = await until('the run to finish (GradTape status bar item)', async () => {
    const s = await statusText(t);
    return s && !/running/.test(s) && /GradTape( \d|:)/.test(s) ? s : undefined;
  }, 45_000);
  await t.screenshot('after-compute-gradients');
  if (!/^GradTape \d+ ms$/.test(status)) {
    await t.page.locator('.part.statusbar .statusbar-item', { hasText: 'GradTape' }).first().hover();
    const tip = await t.page.locator('.monaco-hover:not(.hidden)').first().innerText({ timeout: scaled(5_000) }).catch(() => '(no tooltip)');
    await t.screenshot('run-failed');
    assert.fail(`the run did not succeed: status "${status}"; tooltip: ${tip.replace(/\s+/g, ' ')}`);
  }
  const errors = (await t.notifications()).filter((n) => /not found|failed|error/i.test(n));
  assert.deepEqual(errors, [], 'error notifications after running the command');
}

export const tests: E2ETest[] = [
  {
    name: 'from source: the palette offers Compute Gradients for a .grad.ts file only, and it runs',
    async run(t) {
      await runFromPalette(t);
      // Another kind of file: the command's `when` clause keeps it out of the palette.
      await t.openFile('notes.md');
      const listed = await t.paletteItems('Compute Gradients', { expect: TITLE, timeoutMs: 3_000 });
      assert.ok(!listed.some((r) => r.startsWith(TITLE)), `palette for notes.md should not list ${TITLE}: ${listed.join(' | ')}`);
      await t.screenshot('palette-for-markdown');
    },
  },
  {
    name: 'the run button in the editor title and Ctrl+Alt+G run the active .grad.ts file',
    async run(t) {
      const finished = (what: string) => until(`${what} to finish a run`, async () => {
        const s = await statusText(t);
        return s && /^GradTape( \d+ ms$|: (?!running))/.test(s) ? s : undefined;
      }, 45_000);
      // Before any run the item offers to run ("▷ GradTape", the icon is not text).
      await t.openFile('hello.grad.ts');
      assert.equal(await until('the GradTape status item', () => statusText(t)), 'GradTape');
      const button = t.page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="GradTape: Compute Gradients"], .editor-group-container.active .editor-actions .action-label[aria-label^="Compute Gradients"]');
      await button.first().click({ timeout: scaled(15_000) });
      assert.match(await finished('the run button'), /^GradTape \d+ ms$/);
      await t.screenshot('after-run-button');

      await t.openFile('second.grad.ts');
      assert.equal(await until('the GradTape status item for second.grad.ts', () => statusText(t)), 'GradTape');
      // Quick Open leaves the focus in the editor, where the keybinding applies (when: editorTextFocus).
      await t.page.keyboard.press('Control+Alt+G');
      assert.match(await finished('Ctrl+Alt+G'), /^GradTape \d+ ms$/);
      await t.screenshot('after-keybinding');
    },
  },
  {
    name: 'from the .vsix: installed with --install-extension, the command runs, on the WebAssembly kernels (workspace trust off)',
    extension: 'vsix',
    trust: 'disabled',
    async run(t) {
      // What a user downloads: small, and only what runs. Every problem is collected, so one run reports
      // the size, the content and whether the installed extension works.
      assert.ok(t.vsix, 'the runner passes the installed .vsix');
      const problems: string[] = [];
      const size = fs.statSync(t.vsix).size;
      if (size > VSIX_LIMIT_BYTES) problems.push(`${path.basename(t.vsix)} is ${(size / 1024 / 1024).toFixed(2)} MB, over ${VSIX_LIMIT_BYTES / 1024 / 1024} MB`);
      const entries = listZip(t.vsix);
      const names = entries.map((e) => e.name);
      for (const must of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/runner.js', 'extension/dist/worker.js', 'extension/dist/runProcess.js', 'extension/dist/bundler.js', 'extension/dist/esbuild.wasm.br', 'extension/dist/pyodide/pyodide.asm.wasm', 'extension/dist/pyodide/python_stdlib.zip']) {
        if (!names.includes(must)) problems.push(`${must} is missing from the .vsix`);
      }
      const stray = names.filter((n) => /\.map$|\.ts$|^extension\/(src|test|webview|scripts|examples|out|\.vscode-test)\//.test(n) && !n.endsWith('.d.ts'));
      if (stray.length) problems.push(`sources, tests or source maps in the .vsix: ${stray.join(', ')}`);
      if (problems.length) {
        const biggest = [...entries].sort((a, b) => b.size - a.size).slice(0, 5).map((e) => `${e.name} ${(e.size / 1024).toFixed(0)} KB`);
        problems.push(`largest entries (uncompressed): ${biggest.join(', ')}`);
      }
      try {
        await runFromPalette(t);
        // Issue 7: the installed extension runs the WebAssembly SIMD kernels (the script fails otherwise).
        await runFromPalette(t, 'kernels.grad.ts');
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
      assert.deepEqual(problems, [], problems.join('\n'));
      // The [Extension Development Host] title marks a payload-loaded extension; an installed one has none.
      assert.doesNotMatch(await t.page.title(), /Extension Development Host/);
    },
  },
  {
    name: 'npm start serves the workbench with the extension and examples/, and Ctrl-C stops it cleanly',
    standalone: true,
    timeoutMs: 150_000,
    async run(t) {
      const root = path.resolve(__dirname, '..', '..');
      const runDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('gradtape-cs-')));
      const before = runDirs();
      // --server: code-server even where a desktop `code` is on PATH.
      const child = spawn(process.execPath, ['scripts/start.mjs', '--server'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b) => { out += b; });
      child.stderr.on('data', (b) => { out += b; });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        const url = await until('npm start to print the URL', () => /^\s*(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out)?.[1], 90_000);
        const port = Number(new URL(url).port);
        await t.page.goto(url);
        await t.ready();
        assert.match(await t.page.title(), /\[Extension Development Host\] examples/);
        await runFromPalette(t, '03-training-loop.grad.ts');

        child.kill('SIGINT');
        assert.equal(await exited, 130, `npm start exit code after Ctrl-C; output:\n${out}`);
        // Stopped: nothing answers on its port, and its run folder is gone.
        const closed = await new Promise<boolean>((r) => net.connect({ host: '127.0.0.1', port }).once('connect', function (this: net.Socket) { this.destroy(); r(false); }).once('error', () => r(true)));
        assert.ok(closed, `port ${port} still answers after Ctrl-C`);
        const left = [...runDirs()].filter((d) => !before.has(d));
        assert.deepEqual(left, [], 'run folders left behind by npm start');
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          // Ctrl-C first, so start.mjs stops its server; a hard kill only if it does not go.
          child.kill('SIGINT');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
    },
  },
];
