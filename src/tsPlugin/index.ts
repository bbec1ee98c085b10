/**
 * TypeScript server plugin: in a `.grad.ts` file, `import * as tf from "gradtape"` resolves to the engine's
 * declarations shipped inside the extension (dist/types), so completions, hovers and signature help work
 * with nothing installed or written into the user's workspace.
 *
 * VS Code's TypeScript extension loads it by package name from the extension's node_modules
 * (`contributes.typescriptServerPlugins`); the build writes it to node_modules/gradtape-ts-plugin/.
 * It runs inside tsserver, so it imports nothing at run time but Node's path module.
 */
import * as path from 'path';
import type * as ts from 'typescript/lib/tsserverlibrary';

const MODULE = 'gradtape';

/** <ext>/node_modules/gradtape-ts-plugin/index.js → <ext>/dist/types/engine/index.d.ts */
const TYPES_FILE = path.resolve(__dirname, '..', '..', 'dist', 'types', 'engine', 'index.d.ts');

const isScratch = (file: string) => file.endsWith('.grad.ts');

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsm = modules.typescript;
  const resolved = (): ts.ResolvedModuleFull => ({ resolvedFileName: TYPES_FILE, extension: tsm.Extension.Dts, isExternalLibraryImport: true });

  function create(info: ts.server.PluginCreateInfo): ts.LanguageService {
    const host = info.languageServiceHost;
    const log = (msg: string) => info.project.projectService.logger.info(`[gradtape-ts-plugin] ${msg}`);
    log(`types at ${TYPES_FILE}`);

    // The project (the host) resolves imports for the program; answer "gradtape" ourselves in scratch files only.
    const literals = host.resolveModuleNameLiterals?.bind(host);
    if (literals) {
      host.resolveModuleNameLiterals = (names, containingFile, ...rest) => {
        const results = literals(names, containingFile, ...rest);
        if (!isScratch(containingFile)) return results;
        return names.map((n, i) => (n.text === MODULE ? { resolvedModule: resolved() } : results[i]));
      };
    }
    const legacy = host.resolveModuleNames?.bind(host);
    if (legacy && !literals) {
      host.resolveModuleNames = (names, containingFile, ...rest) => {
        const results = legacy(names, containingFile, ...rest);
        if (!isScratch(containingFile)) return results;
        return names.map((n, i) => (n === MODULE ? resolved() : results[i]));
      };
    }
    return info.languageService;
  }

  return { create };
}

// tsserver calls the module itself: a CommonJS export of the factory.
module.exports = init;
