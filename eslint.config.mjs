// Lint rules that keep the architecture's dependency directions true (see README "Layout"):
// - only src/extension imports vscode;
// - src/extension, src/cli and webview never import the engine (they read traces; the runner runs it);
// - the engine imports nothing outside itself but the printer leaf (src/format/), and no Node built-in;
// - src/protocol, the runner's host side and its bundler process may import the engine's types, never its code;
// - src/format (the printer) imports nothing outside itself.
// test/lint.test.ts lints a file that breaks each rule and expects the error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const RULE = '@typescript-eslint/no-restricted-imports';
const vscode = { name: 'vscode', message: 'Only src/extension may import vscode.' };
const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'crypto', 'vm', 'module', 'url', 'util', 'zlib', 'v8'],
  message: 'The engine and the printer run anywhere (user code, the webview) and must not use Node built-ins.',
};
const engine = { group: ['**/engine', '**/engine/**'], message: 'Only the runner (and src/protocol, for types) may import src/engine: read the Trace instead.' };
/** Every folder beside src/engine, and the webview; src/format (the printer leaf) is the one left out. */
const outsideEngine = {
  group: ['**/protocol', '**/protocol/**', '**/runner/**', '**/extension/**', '**/cli/**', '**/webview/**', '**/tsPlugin/**'],
  message: 'The engine depends on nothing but itself and the printer (src/format/).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', 'test-artifacts/**', '**/*.js', '**/*.mjs', 'examples/**', 'test/fixtures/**', 'test/workspaces/**', 'src/engine/wasm/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Later entries replace earlier ones for the same files: each folder's entry lists all its rules.
  { files: ['src/**/*.ts', 'webview/**/*.ts'], ignores: ['src/extension/**'], rules: { [RULE]: ['error', { paths: [vscode] }] } },
  { files: ['src/extension/**/*.ts'], rules: { [RULE]: ['error', { patterns: [engine] }] } },
  { files: ['src/cli/**/*.ts', 'webview/**/*.ts'], rules: { [RULE]: ['error', { paths: [vscode], patterns: [engine] }] } },
  { files: ['src/protocol/**/*.ts'], rules: { [RULE]: ['error', { paths: [vscode], patterns: [{ ...engine, message: 'src/protocol may import the engine\'s types only (import type).', allowTypeImports: true }] }] } },
  // The host side of the runner and the bundler process never load the engine (only run threads do).
  { files: ['src/runner/host/**/*.ts', 'src/runner/bundler/**/*.ts', 'src/runner/bundlerProcess.ts'], rules: { [RULE]: ['error', { paths: [vscode], patterns: [{ ...engine, message: 'Only the run thread (src/runner/run/) loads the engine; the host and the bundler process may import its types.', allowTypeImports: true }] }] } },
  { files: ['src/engine/**/*.ts'], rules: { [RULE]: ['error', { paths: [vscode], patterns: [nodeBuiltins, outsideEngine] }] } },
  { files: ['src/format/**/*.ts'], rules: { [RULE]: ['error', { paths: [vscode], patterns: [nodeBuiltins, { group: ['../*'], message: 'The printer is a leaf: it imports nothing outside src/format.' }] }] } },
);
