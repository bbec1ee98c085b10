// Lint rules that keep the architecture's dependency directions true (see README "Layout").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }],
};
const noNode = {
  ...noVscode,
  patterns: [
    { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'crypto', 'vm', 'module', 'url', 'util'], message: 'The engine runs in user code and must not use Node built-ins.' },
    { group: ['**/runner/**', '**/extension/**', '**/cli/**', '**/webview/**'], message: 'The engine depends on nothing but itself and src/protocol types.' },
  ],
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
  { files: ['src/engine/**/*.ts'], rules: { 'no-restricted-imports': ['error', noNode] } },
  { files: ['src/runner/**/*.ts', 'src/protocol/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: { 'no-restricted-imports': ['error', noVscode] } },
);
