// Adds the TypeScript server plugin to a packaged .vsix: node scripts/vsixAddTsPlugin.mjs gradtape-0.1.0.vsix
//
// Why a separate step: tsserver loads a `contributes.typescriptServerPlugins` entry by package name from
// <extension>/node_modules only, while `vsce package --no-dependencies` never packages node_modules (its file
// glob skips node_modules/** before .vscodeignore is read). So the plugin (node_modules/gradtape-ts-plugin,
// written by scripts/build.mjs) is copied into the archive afterwards, under extension/node_modules/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// yauzl and yazl are vsce's own zip reader and writer.
const requireFromVsce = createRequire(path.join(root, 'node_modules', '@vscode', 'vsce', 'package.json'));
const yauzl = requireFromVsce('yauzl');
const yazl = requireFromVsce('yazl');

const vsix = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !fs.existsSync(vsix)) {
  console.error('usage: node scripts/vsixAddTsPlugin.mjs <file.vsix>');
  process.exit(2);
}
const pluginDir = path.join(root, 'node_modules', 'gradtape-ts-plugin');
const pluginFiles = ['package.json', 'index.js'];
for (const f of pluginFiles) {
  if (!fs.existsSync(path.join(pluginDir, f))) {
    console.error(`gradtape: ${path.join(pluginDir, f)} is missing; run node scripts/build.mjs first`);
    process.exit(1);
  }
}

const entries = await new Promise((resolve, reject) => {
  yauzl.open(vsix, { lazyEntries: true }, (err, zip) => {
    if (err) return reject(err);
    const out = [];
    zip.on('entry', (entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
});

const prefix = 'extension/node_modules/gradtape-ts-plugin/';
const zip = new yazl.ZipFile();
for (const e of entries) if (!e.name.startsWith(prefix)) zip.addBuffer(e.data, e.name);
for (const f of pluginFiles) zip.addBuffer(fs.readFileSync(path.join(pluginDir, f)), prefix + f);
zip.end();
const tmp = `${vsix}.tmp`;
await new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(tmp)).on('close', resolve).on('error', reject));
fs.renameSync(tmp, vsix);
console.log(`gradtape: added ${prefix} to ${path.basename(vsix)}`);
