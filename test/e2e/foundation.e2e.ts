// The foundation's end-to-end checks: the command is in the palette for a .grad.ts editor (and not for
// other files) and runs, both loaded from source and installed from the built .vsix, the way a user gets it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { listZip, until, type E2E, type E2ETest } from './harness';

const TITLE = 'GradTape: Compute Gradients';

/** The GradTape status bar item's text (src/extension/statusBar.ts: "GradTape 12 ms" after a good run). */
async function statusText(t: E2E): Promise<string | undefined> {
  return (await t.statusBarItems()).map((s) => s.trim()).find((s) => /GradTape/.test(s));
}

/**
 * Runs the command from the palette on hello.grad.ts and checks that the run finished well: the status
 * bar reports a duration, no error notification. On failure the message carries the item's tooltip
 * (where the extension puts the error).
 */
async function runFromPalette(t: E2E): Promise<void> {
  await t.openFile('hello.grad.ts');
  const listed = await t.paletteItems('Compute Gradients', { expect: TITLE });
  assert.ok(listed.some((r) => r.startsWith(TITLE)), `palette for hello.grad.ts lists: ${listed.join(' | ')}`);
  await t.screenshot('palette-lists-compute-gradients');
  await t.runCommand(TITLE);
  const status = await until('the run to finish (GradTape status bar item)', async () => {
    const s = await statusText(t);
    return s && !/running/.test(s) && /GradTape( \d|:)/.test(s) ? s : undefined;
  }, 45_000);
  await t.screenshot('after-compute-gradients');
  if (!/^GradTape \d+ ms$/.test(status)) {
    await t.page.locator('.part.statusbar .statusbar-item', { hasText: 'GradTape' }).first().hover();
    const tip = await t.page.locator('.monaco-hover:not(.hidden)').first().innerText({ timeout: 5_000 }).catch(() => '(no tooltip)');
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
    name: 'from the .vsix: installed with --install-extension, the command runs (workspace trust off)',
    extension: 'vsix',
    trust: 'disabled',
    async run(t) {
      // What a user downloads: small, and only what runs.
      assert.ok(t.vsix, 'the runner passes the installed .vsix');
      assert.ok(fs.statSync(t.vsix).size <= 3 * 1024 * 1024, `${t.vsix} is larger than 3 MB`);
      const names = listZip(t.vsix).map((e) => e.name);
      for (const must of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js']) {
        assert.ok(names.includes(must), `${must} is missing from the .vsix`);
      }
      const stray = names.filter((n) => /\.map$|\.ts$|^extension\/(src|test|webview|scripts|examples|out|\.vscode-test)\//.test(n) && !n.endsWith('.d.ts'));
      assert.deepEqual(stray, [], 'sources, tests or source maps in the .vsix');

      await runFromPalette(t);
      // The [Extension Development Host] title marks a payload-loaded extension; an installed one has none.
      assert.doesNotMatch(await t.page.title(), /Extension Development Host/);
    },
  },
];
