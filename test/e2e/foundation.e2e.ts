// The foundation's end-to-end checks: the command is in the palette for a .grad.ts editor (and not for
// other files) and runs, both loaded from source and installed from the built .vsix, the way a user gets it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { listZip, until, type E2E, type E2ETest } from './harness';

const TITLE = 'GradTape: Compute Gradients';

/** What GradTape shows on screen: its status bar item, its tabs, its notifications. */
async function gradtapeSurface(t: E2E): Promise<string> {
  const status = (await t.statusBarItems()).filter((s) => /GradTape/.test(s));
  const tabs = (await t.tabTitles()).filter((s) => !/\.(grad\.ts|md)$/.test(s));
  const notes = await t.notifications();
  return JSON.stringify({ status, tabs, notes });
}

/** Runs the command from the palette and checks that it did something visible and reported no error. */
async function runFromPalette(t: E2E): Promise<string> {
  await t.openFile('hello.grad.ts');
  const listed = await t.paletteItems('Compute Gradients', { expect: TITLE });
  assert.ok(listed.some((r) => r.startsWith(TITLE)), `palette for hello.grad.ts lists: ${listed.join(' | ')}`);
  await t.screenshot('palette-lists-compute-gradients');
  const before = await gradtapeSurface(t);
  await t.runCommand(TITLE);
  const after = await until('GradTape to react to the command', async () => {
    const now = await gradtapeSurface(t);
    return now !== before && !/running/.test(now) ? now : undefined;
  }, 30_000);
  await t.screenshot('after-compute-gradients');
  const errors = (await t.notifications()).filter((n) => /not found|failed|error/i.test(n));
  assert.deepEqual(errors, [], 'error notifications after running the command');
  return after;
}

export const tests: E2ETest[] = [
  {
    name: 'from source: the palette offers Compute Gradients for a .grad.ts file only, and it runs',
    async run(t) {
      const after = await runFromPalette(t);
      assert.match(after, /GradTape/, 'something GradTape-labelled is on screen after the run');
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

      const after = await runFromPalette(t);
      assert.match(after, /GradTape/, 'something GradTape-labelled is on screen after the run');
      // The [Extension Development Host] title marks a payload-loaded extension; an installed one has none.
      assert.doesNotMatch(await t.page.title(), /Extension Development Host/);
    },
  },
];
