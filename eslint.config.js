// Lint: TypeScript rules plus the import boundaries of DESIGN.md.
// src-shared imports nothing from Node, Electron or the DOM world; the engine
// never imports electron; the renderer never imports src-main.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'zlib', 'url'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '**/*.svelte', 'datasets/**', 'bench/.data/**', 'tests/.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'src-shared is pure TypeScript: no Node modules.' },
          { group: ['electron', 'electron/*'], message: 'src-shared must not import electron.' },
          { group: ['**/src-main/**', '**/src-renderer/**', '../../src-main/*', '../../src-renderer/*'], message: 'src-shared imports nothing outside itself.' },
          { group: ['better-sqlite3', 'apache-arrow', 'ws', 'svelte', 'svelte/*', 'echarts', 'echarts/*'], message: 'src-shared imports no packages.' },
        ],
      }],
    },
  },
  {
    files: ['src-main/engine/**/*.ts', 'src-main/server/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The engine, server and CLI never import electron (they run under plain Node).' },
          { group: ['**/src-renderer/**'], message: 'The engine never imports the renderer.' },
          { group: ['**/electron/**'], message: 'The engine never imports the Electron shell.' },
        ],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/src-main/**'], message: 'The renderer talks to the engine only through the contract.' },
          { group: nodeBuiltins, message: 'The renderer runs in a browser: no Node modules.' },
          { group: ['electron', 'electron/*'], message: 'The renderer never imports electron; the preload bridge is window.lathe.' },
        ],
      }],
    },
  },
);
